/**
 * The hardening steps of the HTTP front, in the order `transports/http.ts` runs them: CORS (after
 * the Host and Origin checks), the protected-resource metadata, then the admission of each MCP
 * request: the concurrency limit (503), authentication (401/403), the rate limit (429). Every
 * refusal is a JSON-RPC error body with the matching status and headers (`WWW-Authenticate`,
 * `Retry-After`). `/healthz` never goes through admission.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { AuthInfo } from '@modelcontextprotocol/server';

import { RPC_CODES } from '../errors.js';
import type { McpApp } from '../server.js';
import { AuthFailure } from './auth-failure.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import type { HttpAuthOptions, RateLimitOptions } from './config.js';
import { createCors, type CorsOutcome } from './cors.js';
import { protectedResourceMetadata, protectedResourceMetadataPaths } from './metadata.js';
import { createMemoryRateLimiter, type RateLimiter } from './rate-limit.js';
import { createRedisRateLimiter } from './redis-rate-limit.js';

/** The hardening options of the HTTP front (part of `ServeHttpOptions`). */
export interface HttpSecurityOptions {
  /** Who may call the MCP endpoint; default: anyone who passes the Host and Origin checks. */
  auth?: HttpAuthOptions;
  /**
   * Per-client rate limit (in memory, or in Redis with `redisUrl`), or a ready limiter (custom
   * stores, tests; it is closed with the front); default none.
   */
  rateLimit?: RateLimitOptions | RateLimiter;
  /** Most MCP requests in flight at once (open streams included); more get 503. Default unlimited. */
  maxConcurrency?: number;
  /** Origins allowed to call from a browser (CORS); default none: no CORS headers at all. */
  corsOrigins?: readonly string[];
}

/** An admitted request: who made it. */
export interface Admission {
  /** The validated credentials, when authentication is on. */
  readonly authInfo: AuthInfo | undefined;
  /** What the rate limit and sessions key on: a token id, `sub:…`, or `ip:` and the remote address. */
  readonly principal: string;
}

/** The front's security steps; see the module comment for the order. */
export interface HttpSecurity {
  /** Whether requests must authenticate. */
  readonly authRequired: boolean;
  /** Sets CORS headers for a listed origin; answers its preflight (then the request is done). */
  cors(req: IncomingMessage, res: ServerResponse): CorsOutcome;
  /** Serves the RFC 9728 metadata document when `pathname` is one of its paths; true when it answered. */
  serveMetadata(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
  /**
   * Admits a request to a protected path (the MCP endpoint, and `/metrics` with `limits: false`):
   * resolves who made it, or `undefined` once it has answered a refusal. `limits: false` checks
   * credentials only, without the concurrency and rate limits.
   */
  admit(req: IncomingMessage, res: ServerResponse, options?: { limits?: boolean }): Promise<Admission | undefined>;
  /** Resolves once the rate limiter's store is loaded (rejects when `ioredis` is missing). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The principal an {@link AuthInfo} built by the front stands for. */
export function principalOf(authInfo: AuthInfo | undefined): string | undefined {
  if (authInfo === undefined) return undefined;
  const principal = authInfo.extra?.principal;
  return typeof principal === 'string' ? principal : `client:${authInfo.clientId}`;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

/** Builds the security steps for `app` from the front's options. */
export function createHttpSecurity(
  app: McpApp,
  options: HttpSecurityOptions & { path: string; host: string },
): HttpSecurity {
  const knownScopes = [...new Set(app.tools.flatMap((tool) => tool.scopes ?? []))];
  const authenticator: Authenticator | undefined =
    options.auth === undefined ? undefined : createAuthenticator(options.auth, { realm: app.info.name, knownScopes });
  const oauth = options.auth?.oauth;
  const metadataPaths = oauth === undefined ? new Set<string>() : protectedResourceMetadataPaths(oauth, options.path);
  const metadataBody =
    oauth === undefined
      ? ''
      : JSON.stringify(
          protectedResourceMetadata(oauth, {
            resourceName: app.info.title ?? app.info.name,
            scopesSupported: [...new Set([...knownScopes, ...(options.auth?.requiredScopes ?? [])])],
          }),
        );
  const limitOptions = options.rateLimit;
  const limiter: RateLimiter | undefined =
    limitOptions === undefined
      ? undefined
      : 'take' in limitOptions
        ? limitOptions
        : limitOptions.redisUrl === undefined
          ? createMemoryRateLimiter(limitOptions)
          : createRedisRateLimiter({
              ...limitOptions,
              url: limitOptions.redisUrl,
              keyPrefix: `mcp-factory:rate:${app.info.name}:`,
              logger: app.logger,
            });
  const cors = createCors(options.corsOrigins ?? []);
  const maxConcurrency = options.maxConcurrency;
  let inFlight = 0;

  if (authenticator === undefined && !isLoopback(options.host)) {
    app.logger.warn(
      { host: options.host },
      'HTTP front reachable beyond loopback without authentication; set MCP_AUTH_TOKENS or the MCP_OAUTH_* settings',
    );
  }

  function refuseAuth(req: IncomingMessage, res: ServerResponse, failure: AuthFailure): void {
    const remote = req.socket.remoteAddress;
    if (failure.kind === 'unavailable') {
      app.logger.warn({ remote, reason: (failure.cause as Error | undefined)?.message }, 'token check unavailable');
      send(res, 503, RPC_CODES.INTERNAL, `Service unavailable: ${failure.message}`, { 'retry-after': '5' });
      return;
    }
    if (failure.kind === 'missing_token') app.logger.debug({ remote }, 'request without credentials refused');
    else app.logger.info({ remote, reason: failure.kind, detail: failure.message }, 'credentials refused');
    send(
      res,
      failure.status,
      RPC_CODES.UNAUTHORIZED,
      `${failure.status === 403 ? 'Forbidden' : 'Unauthorized'}: ${failure.message}`,
      {
        'www-authenticate': authenticator?.challenge(failure) ?? 'Bearer',
      },
    );
  }

  return {
    authRequired: authenticator !== undefined,
    cors,
    serveMetadata(req, res, pathname) {
      if (!metadataPaths.has(pathname)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(res, 405, -32000, `Method ${req.method ?? ''} not allowed: GET the metadata document.`, {
          allow: 'GET, HEAD',
        });
        return true;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(metadataBody)),
        'cache-control': 'public, max-age=300',
      });
      res.end(req.method === 'HEAD' ? undefined : metadataBody);
      return true;
    },
    async admit(req, res, { limits = true } = {}) {
      if (limits && maxConcurrency !== undefined) {
        if (inFlight >= maxConcurrency) {
          send(res, 503, -32000, `Server busy: ${maxConcurrency} requests are in flight; retry shortly.`, {
            'retry-after': '1',
          });
          return undefined;
        }
        inFlight += 1;
        res.once('close', () => {
          inFlight -= 1;
        });
      }
      let authInfo: AuthInfo | undefined;
      let failure: AuthFailure | undefined;
      if (authenticator !== undefined) {
        try {
          authInfo = await authenticator.authenticate(req.headers.authorization);
        } catch (error) {
          if (!(error instanceof AuthFailure)) throw error;
          failure = error;
        }
      }
      const principal = principalOf(authInfo) ?? `ip:${req.socket.remoteAddress ?? 'unknown'}`;
      // Refused credentials count against the caller's address, so guessing tokens is rate limited too.
      if (limits && limiter !== undefined) {
        const verdict = await limiter.take(principal);
        if (!verdict.allowed) {
          app.metrics?.rateLimited.inc({ scope: 'http' });
          const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
          send(res, 429, -32000, `Too many requests: rate limit exceeded; retry after ${seconds} s.`, {
            'retry-after': String(seconds),
          });
          return undefined;
        }
      }
      if (failure !== undefined) {
        refuseAuth(req, res, failure);
        return undefined;
      }
      return { authInfo, principal };
    },
    ready: async () => {
      await limiter?.ready?.();
    },
    close: async () => {
      await limiter?.close();
    },
  };
}
