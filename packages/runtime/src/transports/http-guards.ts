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

/** The hostname part of a `Host` header value (`example.com:8080` → `example.com`, `[::1]:80` → `[::1]`). */
export function hostnameOfHostHeader(host: string): string | undefined {
  const value = host.trim();
  if (value === '') return undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? undefined : normalizeHostname(value.slice(0, end + 1));
  }
  const colon = value.indexOf(':');
  const hostname = colon === -1 ? value : value.slice(0, colon);
  if (!/^[A-Za-z0-9.-]+$/.test(hostname)) return undefined;
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

/** Checks the `Host` header against the allowed hostnames (a missing Host is refused). */
export function checkHost(host: string | undefined, allowed: ReadonlySet<string>): GuardVerdict {
  if (host === undefined || host === '') return 'Missing Host header.';
  const hostname = hostnameOfHostHeader(host);
  if (hostname === undefined) return `Invalid Host header: ${JSON.stringify(host.slice(0, 100))}.`;
  if (allowed.has(hostname)) return undefined;
  return `Host "${hostname}" is not allowed (DNS-rebinding protection). Allowed: ${[...allowed].join(', ')}; add more with --allowed-hosts or MCP_ALLOWED_HOSTS.`;
}

/**
 * Checks the `Origin` header: absent is fine (non-browser clients send none); a present origin
 * must parse and its hostname must be allowed. `null` (sandboxed or file pages) is refused.
 */
export function checkOrigin(origin: string | undefined, allowed: ReadonlySet<string>): GuardVerdict {
  if (origin === undefined) return undefined;
  let hostname: string;
  try {
    hostname = normalizeHostname(new URL(origin).hostname);
  } catch {
    return `Origin ${JSON.stringify(origin.slice(0, 100))} is not a valid origin.`;
  }
  if (allowed.has(hostname)) return undefined;
  return `Origin "${origin.slice(0, 100)}" is not allowed. Allowed origin hosts: ${[...allowed].join(', ')}; add more with --allowed-origins or MCP_ALLOWED_ORIGINS.`;
}

/**
 * Whether a JSON-RPC batch may be served for the `MCP-Protocol-Version` header value. A request
 * without the header is taken as 2025-03-26, as the Streamable HTTP rules say.
 */
export function batchAllowed(protocolVersionHeader: string | undefined): boolean {
  return BATCH_REVISIONS.has(protocolVersionHeader ?? '2025-03-26');
}
