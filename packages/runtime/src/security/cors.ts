/**
 * CORS for the HTTP front: off unless origins are listed (`MCP_CORS_ORIGINS`). Off means no
 * `Access-Control-*` header at all, so browsers keep pages on other origins from reading
 * responses. A listed origin gets its own origin echoed (never `*`), the MCP headers it may send,
 * `Mcp-Session-Id` and `WWW-Authenticate` exposed, and preflights answered without
 * authentication (browsers send none on a preflight).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request headers a browser client may send (2026-07-28 clients add `Mcp-Method` and `Mcp-Name`). */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Mcp-Protocol-Version',
  'Mcp-Session-Id',
  'Mcp-Method',
  'Mcp-Name',
  'Last-Event-ID',
] as const;

/** The `Mcp-Param-<Name>` headers that mirror tool arguments a tool's schema marks with `x-mcp-header`. */
const PARAM_HEADER = /^mcp-param-[a-z0-9_-]+$/i;

/**
 * The headers a preflight allows: the fixed ones, plus the `Mcp-Param-*` headers the browser asks
 * for (their names depend on the tools, so they are echoed rather than listed).
 */
function allowedHeaders(requested: string | undefined): string {
  const params = (requested ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => PARAM_HEADER.test(name));
  return [...CORS_ALLOWED_HEADERS, ...new Set(params)].join(', ');
}

/** Response headers a browser client may read. */
export const CORS_EXPOSED_HEADERS = ['Mcp-Session-Id', 'WWW-Authenticate', 'Retry-After'] as const;

const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';

/** What the CORS step did with a request. */
export type CorsOutcome = 'none' | 'headers' | 'preflight';

/**
 * Returns the CORS step for `origins` (full origins such as `https://app.example.com`): it sets the
 * headers on responses to listed origins and answers their preflights (204).
 */
export function createCors(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => CorsOutcome {
  const allowed = new Set(origins.map((origin) => new URL(origin).origin));
  return (req, res) => {
    if (allowed.size === 0) return 'none';
    // The answer depends on Origin whenever CORS is on, so caches must key on it.
    res.setHeader('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return 'none';
    res.setHeader('Access-Control-Allow-Origin', origin);
    const requestedMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && requestedMethod !== undefined) {
      res.writeHead(204, {
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': allowedHeaders(req.headers['access-control-request-headers']),
        'access-control-max-age': '600',
        'content-length': '0',
      });
      res.end();
      return 'preflight';
    }
    res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS.join(', '));
    return 'headers';
  };
}
