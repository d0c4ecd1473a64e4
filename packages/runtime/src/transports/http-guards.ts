/**
 * Pure checks of the HTTP front: which Host and Origin headers are allowed (DNS-rebinding and
 * cross-site protection), and which protocol revisions may send JSON-RPC batches.
 *
 * @module
 */
import { BATCH_REVISIONS } from './stdio-transport.js';

/** Hostnames every local server answers to. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]']);

/** Lower-cases a hostname and brackets bare IPv6 addresses, so `::1` and `[::1]` compare equal. */
export function normalizeHostname(hostname: string): string {
  const lower = hostname.trim().toLowerCase();
  return lower.includes(':') && !lower.startsWith('[') ? `[${lower}]` : lower;
}

/** What may follow the hostname in a `Host` header: nothing, or a port from 1 to 65535. */
function isPortSuffix(rest: string): boolean {
  if (rest === '') return true;
  if (!/^:[0-9]{1,5}$/.test(rest)) return false;
  const port = Number(rest.slice(1));
  return port >= 1 && port <= 65_535;
}

/**
 * The hostname part of a `Host` header value (`example.com:8080` → `example.com`, `[::1]:80` →
 * `[::1]`); `undefined` unless the whole value is a hostname with at most a valid port after it.
 */
export function hostnameOfHostHeader(host: string): string | undefined {
  const value = host.trim();
  if (value === '') return undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1 || !/^\[[0-9A-Fa-f:.]+\]$/.test(value.slice(0, end + 1))) return undefined;
    return isPortSuffix(value.slice(end + 1)) ? normalizeHostname(value.slice(0, end + 1)) : undefined;
  }
  const colon = value.indexOf(':');
  const hostname = colon === -1 ? value : value.slice(0, colon);
  if (!/^[A-Za-z0-9.-]+$/.test(hostname)) return undefined;
  if (colon !== -1 && !isPortSuffix(value.slice(colon))) return undefined;
  return normalizeHostname(hostname);
}

/**
 * Hostnames allowed by default for a server bound to `bindHost`: the loopback names, plus the bind
 * address itself when it is a specific address (not 0.0.0.0 or ::), plus `extra`.
 */
export function allowedHostnames(bindHost: string, extra: readonly string[] = []): Set<string> {
  const allowed = new Set(LOOPBACK_HOSTNAMES);
  if (!WILDCARD_BINDS.has(bindHost)) allowed.add(normalizeHostname(bindHost));
  for (const name of extra) allowed.add(normalizeHostname(name));
  return allowed;
}

/** Result of a header check: `undefined` when allowed, else the reason to give the caller. */
export type GuardVerdict = string | undefined;

/** How a generated server's operator allows more Host names (other fronts pass their own hint). */
const HOST_HINT = 'add more with --allowed-hosts or MCP_ALLOWED_HOSTS';
const ORIGIN_HINT = 'add more with --allowed-origins or MCP_ALLOWED_ORIGINS';

/**
 * Checks the `Host` header against the allowed hostnames (a missing Host is refused); `hint` ends
 * the refusal and says how to allow more.
 */
export function checkHost(host: string | undefined, allowed: ReadonlySet<string>, hint = HOST_HINT): GuardVerdict {
  if (host === undefined || host === '') return 'Missing Host header.';
  const hostname = hostnameOfHostHeader(host);
  if (hostname === undefined) return `Invalid Host header: ${JSON.stringify(host.slice(0, 100))}.`;
  if (allowed.has(hostname)) return undefined;
  return `Host "${hostname}" is not allowed (DNS-rebinding protection). Allowed: ${[...allowed].join(', ')}; ${hint}.`;
}

/**
 * Checks the `Origin` header: absent is fine (non-browser clients send none); a present origin
 * must be one of `exact` (the CORS origins, scheme and port included), or one whose hostname is
 * allowed (any scheme but `file:`). `null` (sandboxed or file pages) is refused.
 */
export function checkOrigin(
  origin: string | undefined,
  allowed: ReadonlySet<string>,
  exact: ReadonlySet<string> = new Set(),
  hint = ORIGIN_HINT,
): GuardVerdict {
  if (origin === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `Origin ${JSON.stringify(origin.slice(0, 100))} is not a valid origin.`;
  }
  if (exact.has(parsed.origin)) return undefined;
  // Any scheme on an allowed host (desktop shells such as `tauri://localhost` call local servers), but
  // not `file:` pages, whose host says nothing about who they are.
  if (parsed.protocol !== 'file:' && allowed.has(normalizeHostname(parsed.hostname))) return undefined;
  return `Origin "${origin.slice(0, 100)}" is not allowed. Allowed origin hosts: ${[...allowed].join(', ')}; ${hint}.`;
}

/**
 * Whether a JSON-RPC batch may be served for the `MCP-Protocol-Version` header value. A request
 * without the header is taken as 2025-03-26, as the Streamable HTTP rules say.
 */
export function batchAllowed(protocolVersionHeader: string | undefined): boolean {
  return BATCH_REVISIONS.has(protocolVersionHeader ?? '2025-03-26');
}

/**
 * Deepest nesting of arrays and objects the HTTP front passes on. The SDK's schemas recurse into
 * what they check, and a body nested a few thousand levels deep overflows the stack there (an
 * internal error instead of a refusal); real requests stay far below this.
 */
export const MAX_JSON_DEPTH = 1000;

/**
 * Whether the JSON text `bytes` (already known to parse) nests arrays and objects deeper than
 * `max`. One pass over the bytes, skipping strings; a text too short to reach that depth is not
 * scanned at all (each level takes an opening and a closing byte).
 */
export function jsonNestsDeeper(bytes: Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  if (bytes.length < 2 * (max + 1)) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === 0x5c) index++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      depth++;
      if (depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}
