/**
 * The Streamable HTTP front: a `node:http` server that checks Host and Origin, caps and parses the
 * body itself (so malformed JSON gets a JSON-RPC -32700 body, never an HTML page), refuses batches
 * where the protocol revision forbids them, and hands everything else to the SDK.
 *
 * Stateless by default: every request is served by a fresh instance from the app's factory
 * (`createMcpHandler`), 2025-era and 2026-07-28 clients alike. Stateful mode keeps one SDK
 * transport per `Mcp-Session-Id` for 2025-era clients (GET streams, resumability, server→client
 * requests) and still serves 2026-07-28 clients per request.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { NodeStreamableHTTPServerTransport, toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type AuthInfo,
  type EventStore,
} from '@modelcontextprotocol/server';

import type { McpApp } from '../server.js';
import { createHttpSecurity, principalOf, type HttpSecurityOptions } from '../security/front.js';
import {
  allowedHostnames,
  batchAllowed,
  checkHost,
  checkOrigin,
  jsonNestsDeeper,
  MAX_JSON_DEPTH,
} from './http-guards.js';
import { InMemoryEventStore } from './event-store.js';
import { shareableRequest, SharedStatelessServers } from './shared-stateless.js';
import { OPERATIONAL_PATHS, serveOperationalEndpoint } from '../observability/endpoints.js';

/**
 * Options of {@link serveHttp} and {@link createHttpListener}; the hardening ones (auth, rate limit,
 * concurrency, CORS) are documented on {@link HttpSecurityOptions}.
 */
export interface ServeHttpOptions extends HttpSecurityOptions {
  /** Interface to bind; default `127.0.0.1`. Binding elsewhere requires listing the names clients use in `allowedHosts`. */
  host?: string;
  /** Port; default 3000; 0 picks a free one. */
  port?: number;
  /** Path of the MCP endpoint; default `/mcp`. */
  path?: string;
  /** Extra hostnames accepted in the Host header (loopback names are always accepted). */
  allowedHosts?: readonly string[];
  /** Extra hostnames accepted in the Origin header (loopback names are always accepted). */
  allowedOrigins?: readonly string[];
  /** Largest request body in bytes; larger ones get 413. Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Most time a request's body may take to arrive once its headers did; slower uploads get 408 and
   * their connection closed (so that stalled clients cannot hold the concurrency slots). Default 10 s.
   */
  bodyTimeoutMs?: number;
  /** `stateless` (default) or `stateful` (sessions for 2025-era clients). */
  mode?: 'stateless' | 'stateful';
  /** Stateful mode: sessions idle longer than this are closed. Default 30 minutes. */
  sessionIdleMs?: number;
  /** Stateful mode: most sessions at once; further initializes get 503. Default 1000. */
  maxSessions?: number;
  /** Stateful mode: event store for resumable SSE streams; `memory` keeps recent events in process. */
  eventStore?: EventStore | 'memory';
  /**
   * Stateful mode: answer POSTs with one `application/json` body instead of an SSE stream (the SDK's
   * `enableJsonResponse`); server→client requests then need the session's GET stream. Default false.
   */
  jsonResponse?: boolean;
  /**
   * Stateless mode: serve single 2025-era calls and reads from long-lived instances shared by
   * callers with the same scopes, instead of a new instance per request (see
   * `transports/shared-stateless.ts`). Default true; false builds one instance per request always.
   */
  shareInstances?: boolean;
}

/** A running HTTP server. */
export interface HttpHandle {
  readonly transport: 'http';
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stops accepting connections, gives calls in flight `graceMs` (default 5000) to finish and
   * cancels the rest, then closes sessions and sockets.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** A request listener plus what is needed to shut it down. */
export interface HttpListener {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Number of open stateful sessions. */
  readonly sessionCount: number;
  /** Resolves once the listener can serve (the rate limiter's store is loaded); rejects on a configuration problem. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

type JsonRpcId = string | number | null;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Answers with a JSON-RPC error object as the body. */
export function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: JsonRpcId = null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { jsonrpc: '2.0', id, error: { code, message } }, headers);
}

/** Largest request body by default (`maxBodyBytes`). */
const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

class BodyTooLargeError extends Error {}
class BodyTimeoutError extends Error {}

/**
 * The request's body, at most `maxBytes`, arrived within `timeoutMs` of the call (a client that
 * stalls mid-upload would otherwise hold its concurrency slot until Node's 5-minute request timeout).
 */
function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        stop(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    };
    const timer = setTimeout(() => stop(new BodyTimeoutError()), timeoutMs);
    req.on('data', onData);
    req.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * The revision the SDK settles on for an `initialize` request: the one asked for when it supports
 * it, else its latest (the rule of its `_oninitialize`).
 */
function negotiatedVersion(initialize: unknown): string {
  const requested = (initialize as { params?: { protocolVersion?: unknown } }).params?.protocolVersion;
  return typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
    ? requested
    : LATEST_PROTOCOL_VERSION;
}

/** Whether `error` only says that the client closed its connection (mid-upload, say). */
function clientWentAway(error: unknown, res: ServerResponse): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE' || res.destroyed;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === 'application/json') return true;
  return value !== undefined && value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/**
 * `check` with its last answer remembered: a front sees the same Host (and Origin) header on
 * almost every request, and the checks are pure functions of the header and the fixed allowlist.
 */
function lastAnswerOf(check: (value: string | undefined) => string | undefined): typeof check {
  let lastValue: string | undefined;
  let lastVerdict: string | undefined;
  let known = false;
  return (value) => {
    if (known && value === lastValue) return lastVerdict;
    lastVerdict = check(value);
    lastValue = value;
    known = true;
    return lastVerdict;
  };
}

function toWebHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

interface Session {
  readonly transport: NodeStreamableHTTPServerTransport;
  /** When its last request ended (or arrived); the idle sweep closes sessions quiet for `sessionIdleMs`. */
  lastSeen: number;
  /** Its requests whose responses are still open (calls running, SSE streams): it is not idle meanwhile. */
  open: number;
  /** The protocol revision its initialize negotiated. */
  readonly protocolVersion: string;
  /** Who opened it (when authentication is on): only they may use it. */
  readonly principal: string | undefined;
}

/** A request after admission: `auth` is what the SDK's Node adapters hand on as `authInfo`. */
type AdmittedRequest = IncomingMessage & { auth?: AuthInfo };

/**
 * Builds the request listener of the HTTP front without binding a port, so it can be mounted on
 * an existing `node:http` server (the gateway does this) or tested directly.
 */
export function createHttpListener(app: McpApp, options: ServeHttpOptions = {}): HttpListener {
  const path = options.path ?? '/mcp';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
  const hosts = allowedHostnames(options.host ?? '127.0.0.1', options.allowedHosts);
  // Origins allowed for CORS pass the Origin check too, as they are (scheme and port included).
  const corsOrigins = new Set((options.corsOrigins ?? []).map((origin) => new URL(origin).origin));
  const origins = allowedHostnames(options.host ?? '127.0.0.1', options.allowedOrigins ?? []);
  const security = createHttpSecurity(app, { ...options, path, host: options.host ?? '127.0.0.1' });
  const hostVerdict = lastAnswerOf((host) => checkHost(host, hosts));
  const originVerdict = lastAnswerOf((origin) => checkOrigin(origin, origins, corsOrigins));
  const stateful = options.mode === 'stateful';
  /** The methods the MCP endpoint serves (the `Allow` of a 405). */
  const endpointMethods = stateful ? 'GET, POST, DELETE' : 'POST';
  const onerror = (error: Error): void => app.logger.warn({ err: error }, 'http transport error');
  const handler = createMcpHandler(app.factory, {
    legacy: stateful ? 'reject' : 'stateless',
    maxRequestBodySize: maxBodyBytes,
    onerror,
  });
  const sdkListener = toNodeHandler(handler, { maxRequestBodySize: maxBodyBytes, onerror });
  // Single stateless 2025-era reads and calls: served by long-lived instances (shared-stateless.ts).
  const shared = stateful || options.shareInstances === false ? undefined : new SharedStatelessServers(app);
  // 2026-07-28 clients hear about resource changes on `subscriptions/listen` streams, which the
  // handler serves from its own event bus; 2025-era sessions are notified by their own instance.
  const stopResourceUpdates = app.resourceUpdates?.subscribe((uri) => handler.notify.resourceUpdated(uri));
  const sessions = new Map<string, Session>();
  /** POST responses not yet finished, so that close() can let them complete. */
  const responding = new Set<ServerResponse>();
  const eventStore = options.eventStore === 'memory' ? new InMemoryEventStore() : options.eventStore;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 1000;
  const sweeper = stateful
    ? setInterval(
        () => {
          const cutoff = Date.now() - idleMs;
          for (const [id, session] of sessions) {
            if (session.open === 0 && session.lastSeen < cutoff) {
              sessions.delete(id);
              void session.transport.close();
            }
          }
        },
        Math.min(idleMs, 60_000),
      ).unref()
    : undefined;

  async function serveSession(req: AdmittedRequest, res: ServerResponse, body: unknown): Promise<void> {
    const sessionId = headerValue(req, 'mcp-session-id');
    const principal = principalOf(req.auth);
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      // Someone else's session is answered as a missing one: its id must not grant anything.
      if (session === undefined || session.principal !== principal) {
        sendJsonRpcError(res, 404, -32001, 'Session not found: it expired or was closed. Initialize a new session.');
        return;
      }
      session.lastSeen = Date.now();
      session.open += 1;
      res.once('close', () => {
        session.open -= 1;
        session.lastSeen = Date.now();
      });
      await session.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      sendJsonRpcError(
        res,
        400,
        -32000,
        'Bad Request: send initialize first, then the Mcp-Session-Id header it returns.',
      );
      return;
    }
    if (sessions.size >= maxSessions) {
      sendJsonRpcError(
        res,
        503,
        -32000,
        `Too many sessions (${maxSessions}); close idle sessions or retry later.`,
        null,
        {
          'retry-after': '5',
        },
      );
      return;
    }
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      ...(eventStore === undefined ? {} : { eventStore }),
      ...(options.jsonResponse === true ? { enableJsonResponse: true } : {}),
      onsessioninitialized: (id) => {
        sessions.set(id, {
          transport,
          lastSeen: Date.now(),
          open: 0,
          principal,
          protocolVersion: negotiatedVersion(body),
        });
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    const server = await app.factory({ era: 'legacy', ...(req.auth === undefined ? {} : { authInfo: req.auth }) });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function serveMcp(req: AdmittedRequest, res: ServerResponse): Promise<void> {
    // A method the endpoint never serves is refused before credentials are asked for.
    if (req.method !== 'POST' && !(stateful && (req.method === 'GET' || req.method === 'DELETE'))) {
      sendJsonRpcError(
        res,
        405,
        -32000,
        stateful
          ? `Method ${req.method ?? ''} not allowed: use POST, and GET or DELETE with a session.`
          : `Method ${req.method ?? ''} not allowed: this server is stateless; use POST.`,
        null,
        { allow: endpointMethods },
      );
      return;
    }
    // Concurrency, authentication and rate limit, before the body is read.
    const admission = await security.admit(req, res);
    if (admission === undefined) return;
    if (admission.authInfo !== undefined) req.auth = admission.authInfo;
    let body: unknown;
    if (req.method === 'POST') {
      if (!isJsonContentType(headerValue(req, 'content-type'))) {
        sendJsonRpcError(res, 415, -32000, 'Unsupported Media Type: send Content-Type: application/json.');
        return;
      }
      let raw: Buffer;
      try {
        raw = await readBody(req, maxBodyBytes, bodyTimeoutMs);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          sendJsonRpcError(res, 413, -32600, `Request body too large: at most ${maxBodyBytes} bytes.`, null, {
            connection: 'close',
          });
          return;
        }
        if (error instanceof BodyTimeoutError) {
          sendJsonRpcError(
            res,
            408,
            -32600,
            `Request Timeout: the body did not arrive within ${bodyTimeoutMs} ms; send it at once.`,
            null,
            { connection: 'close' },
          );
          return;
        }
        throw error;
      }
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        sendJsonRpcError(res, 400, -32700, 'Parse error: the request body is not valid JSON.');
        return;
      }
      if (jsonNestsDeeper(raw)) {
        sendJsonRpcError(
          res,
          400,
          -32600,
          `Invalid Request: the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`,
        );
        return;
      }
      if (Array.isArray(body)) {
        // In a session the revision it negotiated decides, whatever the header says (or omits).
        const sessionId = stateful ? headerValue(req, 'mcp-session-id') : undefined;
        const negotiated = sessionId === undefined ? undefined : sessions.get(sessionId)?.protocolVersion;
        const version = negotiated ?? headerValue(req, 'mcp-protocol-version');
        if (body.length === 0) {
          sendJsonRpcError(res, 400, -32600, 'Invalid Request: an empty JSON-RPC batch.');
          return;
        }
        if (!batchAllowed(version)) {
          sendJsonRpcError(
            res,
            400,
            -32600,
            `Invalid Request: JSON-RPC batches are not accepted under protocol revision ${version ?? 'unknown'} (batching was removed in 2025-06-18); send one message per request.`,
          );
          return;
        }
      }
    }
    if (stateful) {
      const probe = new Request(new URL(req.url ?? path, 'http://localhost'), {
        method: req.method ?? 'GET',
        headers: toWebHeaders(req),
      });
      if (req.method !== 'POST' || (await isLegacyRequest(probe, body))) {
        await serveSession(req, res, body);
        return;
      }
    }
    if (shared?.enabled === true) {
      const shareable = shareableRequest(req, body);
      if (shareable !== undefined && (await shared.serve(req, res, shareable, req.auth))) return;
    }
    await sdkListener(req, res, body);
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'POST') {
      responding.add(res);
      res.once('close', () => responding.delete(res));
    }
    // The endpoint's own path, as clients send it, needs no URL parsing (most requests).
    const pathname = req.url === path ? path : new URL(req.url ?? '/', 'http://localhost').pathname;
    const hostProblem = hostVerdict(headerValue(req, 'host'));
    if (hostProblem !== undefined) {
      sendJsonRpcError(res, 403, -32000, `Forbidden: ${hostProblem}`);
      return;
    }
    const originProblem = originVerdict(headerValue(req, 'origin'));
    if (originProblem !== undefined) {
      sendJsonRpcError(res, 403, -32000, `Forbidden: ${originProblem}`);
      return;
    }
    if (security.cors(req, res) === 'preflight') return;
    if (OPERATIONAL_PATHS.has(pathname) && (req.method === 'GET' || req.method === 'HEAD')) {
      const sources = { name: app.info.name, version: app.info.version, metrics: app.metrics };
      const answer = async (): Promise<void> => {
        // /healthz and /readyz stay open for probes; /metrics needs credentials when authentication is on.
        if (pathname === '/metrics' && (await security.admit(req, res, { limits: false })) === undefined) return;
        await serveOperationalEndpoint(req, res, pathname, sources);
      };
      answer().catch((error: unknown) => {
        app.logger.error({ err: error }, 'operational endpoint failed');
        sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    if (OPERATIONAL_PATHS.has(pathname)) {
      sendJsonRpcError(res, 405, -32000, `Method ${req.method ?? ''} not allowed on ${pathname}: use GET.`, null, {
        allow: 'GET, HEAD',
      });
      return;
    }
    if (security.serveMetadata(req, res, pathname)) return;
    if (pathname !== path) {
      sendJsonRpcError(res, 404, -32000, `Not found: the MCP endpoint is ${path}.`);
      return;
    }
    serveMcp(req, res).catch((error: unknown) => {
      if (clientWentAway(error, res)) {
        // Anyone who can reach the port can cause this; it is no server fault and has no one to answer.
        app.logger.debug({ err: error }, 'client disconnected before its request was read');
        return;
      }
      app.logger.error({ err: error }, 'http request failed');
      sendJsonRpcError(res, 500, -32603, 'Internal error while handling the request; the server log has the details.');
    });
  };

  // A getter defined on the function itself: Object.assign would copy its value once (always 0).
  Object.defineProperty(listener, 'sessionCount', { get: () => sessions.size, enumerable: true });
  return Object.assign(listener as typeof listener & { readonly sessionCount: number }, {
    ready: () => security.ready(),
    close: async () => {
      if (sweeper !== undefined) clearInterval(sweeper);
      stopResourceUpdates?.();
      // A drained call leaves the registry before the SDK writes its response; let POST responses
      // being written finish (bounded) before sessions and sockets are closed under them.
      for (let waited = 0; responding.size > 0 && waited < 1000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(open.map((session) => session.transport.close()));
      await shared?.close();
      await handler.close();
      await security.close();
    },
  });
}

/** Starts the HTTP front and resolves once it listens. */
export async function serveHttp(app: McpApp, options: ServeHttpOptions = {}): Promise<HttpHandle> {
  const host = options.host ?? '127.0.0.1';
  const listener = createHttpListener(app, options);
  try {
    await listener.ready();
  } catch (error) {
    await listener.close();
    throw error;
  }
  const server = createHttpServer(listener);
  server.keepAliveTimeout = 5_000;
  // `Expect: 100-continue`: a body over the limit is refused before the client sends it (Node
  // would answer 100 Continue first and then read it).
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      sendJsonRpcError(res, 413, -32600, `Request body too large: at most ${maxBodyBytes} bytes.`, null, {
        connection: 'close',
      });
      return;
    }
    res.writeContinue();
    listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return {
    transport: 'http',
    url: `http://${urlHost}:${address.port}${options.path ?? '/mcp'}`,
    port: address.port,
    server,
    close: async ({ graceMs = 5000 } = {}) => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await app.inflight.drain(graceMs);
      await listener.close();
      server.closeAllConnections();
      await stopped;
    },
  };
}
