/**
 * `--expose direct` over stateless Streamable HTTP as a relay: every POST carrying one JSON-RPC
 * request is written to the one shared stdio downstream with an id of the relay's own (so equal
 * ids of concurrent clients never collide), and the downstream's answer goes back as one
 * `application/json` body with the client's id spliced in, without an SDK round per request.
 *
 * The gateway initializes the downstream itself once (and again after a restart) and keeps its
 * `initialize` result: a 2025-era client's `initialize` is answered from it (serverInfo,
 * instructions, capabilities, with the protocol version negotiated against the client's offer),
 * and a 2026-07-28 client's `server/discover` likewise; their other requests are forwarded as they
 * are (the downstream ignores the per-request envelope of a 2026-07-28 request).
 *
 * Progress: a request's progress token is replaced by the relay's id for it; when the downstream
 * reports progress, the answer turns into an SSE stream (if the client accepts one) carrying the
 * notifications with the client's token, then the response. A client that disconnects cancels its
 * request downstream. Log messages and list changes have no stream to go to (stateless) and are
 * dropped; a server→client request (sampling, elicitation, roots) is refused to the downstream.
 *
 * The front keeps the runtime's HTTP policies: Host and Origin validation, CORS, authentication,
 * rate limit and concurrency limit (`createHttpSecurity`), the body-size limit, JSON content type,
 * the operational endpoints (`/healthz`, `/readyz`, `/metrics`).
 *
 * @module
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  allowedHostnames,
  checkHost,
  checkOrigin,
  createHttpSecurity,
  OPERATIONAL_PATHS,
  sendJsonRpcError,
  serveOperationalEndpoint,
  type McpApp,
  type ServeHttpOptions,
} from '@mcp-factory/runtime';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';

import { RELOADING_ERROR_CODE } from '../dev/errors.js';
import type { JsonRpcId } from '../dev/jsonrpc.js';
import type { AccessPolicy } from './access-lists.js';
import type { CallRecorder } from './call-record.js';
import { peekServerFrame, withId } from './frames.js';
import { recordToolCall, type Pending } from './passthrough.js';
import type { RelayDownstream, RelayFront } from './relay-downstream.js';

const MODERN = '2026-07-28';
const LEGACY_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS.filter((version) => version !== MODERN);
const HANDSHAKE_VERSION = LEGACY_VERSIONS[0] ?? '2025-11-25';

interface HttpPending extends Pending {
  readonly res: ServerResponse;
  readonly clientId: JsonRpcId;
  /** The client's progress token, when it asked for progress. */
  readonly progressToken?: string | number;
  readonly sse: boolean;
  /** A 2026-07-28 request: its result must say `resultType`. */
  readonly modern: boolean;
  streaming: boolean;
}

/**
 * A 2025-era server's result as a 2026-07-28 client needs it: with `resultType` (absent means
 * complete only for earlier revisions).
 */
function completeResult(body: string): string {
  const message = JSON.parse(body) as { result?: Record<string, unknown> };
  if (message.result === undefined || message.result.resultType !== undefined) return body;
  return JSON.stringify({ ...message, result: { resultType: 'complete', ...message.result } });
}

/** Options of {@link HttpRelay}. */
export interface HttpRelayOptions {
  readonly downstream: RelayDownstream;
  readonly access: AccessPolicy;
  readonly recorder: CallRecorder;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sendBody(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

type Message = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: Record<string, unknown> };

/** The relay between HTTP requests and the shared downstream. */
export class HttpRelay implements RelayFront {
  readonly #options: HttpRelayOptions;
  readonly #server: string;
  readonly #pending = new Map<number, HttpPending>();
  #nextId = 1;
  #initResult: Record<string, unknown> | undefined;
  /** Pings sent to wait for the handshake, by relay id. */
  readonly #waiters = new Map<number, { done(ok: boolean, reason?: string): void }>();

  constructor(options: HttpRelayOptions) {
    this.#options = options;
    this.#server = options.downstream.name;
    options.downstream.attach(this);
  }

  /** Relays one parsed JSON-RPC message of a POST and answers `res`. */
  relay(req: IncomingMessage, res: ServerResponse, message: Message): void {
    const { method, id } = message;
    if (typeof method !== 'string') {
      // A response to a server→client request: the stateless front never sends any.
      res.writeHead(202).end();
      return;
    }
    if (id === undefined) {
      // Notifications (initialized, cancelled, roots/list_changed) concern no live request here:
      // a cancelled request is one whose HTTP request the client closed.
      res.writeHead(202).end();
      return;
    }
    if (typeof id !== 'string' && typeof id !== 'number') {
      sendJsonRpcError(res, 400, -32600, 'Invalid Request: the id must be a string or a number.');
      return;
    }
    switch (method) {
      case 'initialize':
        void this.#answerFromHandshake(res, id, (init) => ({ ...init, protocolVersion: this.#negotiate(message) }));
        return;
      case 'server/discover':
        void this.#answerFromHandshake(res, id, (init) => ({
          supportedVersions: [MODERN],
          capabilities: init.capabilities ?? {},
          ...(typeof init.instructions === 'string' ? { instructions: init.instructions } : {}),
          resultType: 'complete',
          ttlMs: 0,
          cacheScope: 'private',
          _meta: { 'io.modelcontextprotocol/serverInfo': init.serverInfo },
        }));
        return;
      case 'ping':
        sendBody(res, 200, JSON.stringify({ jsonrpc: '2.0', id, result: {} }));
        return;
      default:
        break;
    }
    const params = message.params;
    let tool: string | undefined;
    if (method === 'tools/call') {
      tool = typeof params?.name === 'string' ? params.name : '';
      if (!this.#options.access.toolAllowed(this.#server, tool)) {
        sendBody(
          res,
          200,
          JSON.stringify({
            jsonrpc: '2.0',
            id,
            error: {
              code: -32602,
              message: `Tool ${tool} is not available: the gateway's allow/deny lists exclude "${this.#server}/${tool}".`,
              data: { gatewayCode: 'GATEWAY_DENIED', server: this.#server },
            },
          }),
        );
        return;
      }
    }
    const downstream = this.#options.downstream;
    if (downstream.state === 'failed') {
      sendBody(res, 503, this.#goneBody(id, `server "${this.#server}" is unavailable: ${downstream.lastError ?? ''}`));
      return;
    }
    const relayId = this.#nextId++;
    const meta = params?._meta as Record<string, unknown> | undefined;
    const token = meta?.progressToken;
    const progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
    const accept = header(req, 'accept') ?? '';
    const args = tool !== undefined && this.#options.recorder.journaling ? params?.arguments : undefined;
    const pending: HttpPending = {
      method,
      started: performance.now(),
      res,
      clientId: id,
      sse: accept.includes('text/event-stream'),
      modern: header(req, 'mcp-protocol-version') === MODERN,
      streaming: false,
      ...(tool === undefined ? {} : { tool }),
      ...(args === undefined ? {} : { args }),
      ...(progressToken === undefined ? {} : { progressToken }),
    };
    this.#pending.set(relayId, pending);
    res.once('close', () => {
      if (this.#pending.get(relayId) !== pending) return;
      // The client went away before the answer: the downstream stops working on it.
      this.#pending.delete(relayId);
      downstream.send(
        `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: relayId, reason: 'client disconnected' } })}\n`,
      );
    });
    const forwarded =
      progressToken === undefined
        ? { ...message, id: relayId }
        : { ...message, id: relayId, params: { ...params, _meta: { ...meta, progressToken: relayId } } };
    downstream.send(`${JSON.stringify(forwarded)}\n`);
  }

  /** The version to answer a 2025-era `initialize` with: the client's if supported, else the latest. */
  #negotiate(message: Message): string {
    const offered = message.params?.protocolVersion;
    return typeof offered === 'string' && LEGACY_VERSIONS.includes(offered) ? offered : HANDSHAKE_VERSION;
  }

  async #answerFromHandshake(
    res: ServerResponse,
    id: JsonRpcId,
    build: (init: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<void> {
    try {
      const init = await this.#initialized();
      sendBody(res, 200, JSON.stringify({ jsonrpc: '2.0', id, result: build(init) }));
    } catch (error) {
      sendBody(res, 503, this.#goneBody(id, `server "${this.#server}" did not start: ${(error as Error).message}`));
    }
  }

  /** The downstream's initialize result (starting it when needed). */
  #initialized(): Promise<Record<string, unknown>> {
    if (this.#initResult !== undefined && this.#options.downstream.state === 'ready')
      return Promise.resolve(this.#initResult);
    // A ping goes through the queue: it starts the process, and its answer means the handshake is done.
    return new Promise((resolve, reject) => {
      const relayId = this.#nextId++;
      this.#waiters.set(relayId, {
        done: (ok, reason) =>
          ok && this.#initResult !== undefined
            ? resolve(this.#initResult)
            : reject(new Error(reason ?? 'no handshake')),
      });
      this.#options.downstream.send(`${JSON.stringify({ jsonrpc: '2.0', id: relayId, method: 'ping' })}\n`);
    });
  }

  #goneBody(id: JsonRpcId, message: string): string {
    return JSON.stringify({
      jsonrpc: '2.0',
      id,
      error: { code: RELOADING_ERROR_CODE, message, data: { retryable: true, server: this.#server } },
    });
  }

  // ---- RelayFront ----------------------------------------------------------------------------

  fromServer(lines: readonly string[]): void {
    for (const line of lines) {
      if (line.length === 0) continue;
      const frame = peekServerFrame(line);
      if (frame.kind === 'response') {
        if (typeof frame.id !== 'number') continue;
        const waiter = this.#waiters.get(frame.id);
        if (waiter !== undefined) {
          this.#waiters.delete(frame.id);
          waiter.done(true);
          continue;
        }
        const pending = this.#pending.get(frame.id);
        if (pending === undefined) continue;
        this.#pending.delete(frame.id);
        const answeredAt = performance.now();
        let body = withId(line, frame, pending.clientId);
        if (pending.method === 'tools/list' && !frame.error) body = this.#filteredList(body);
        if (pending.modern && !frame.error) body = completeResult(body);
        if (pending.streaming) {
          pending.res.end(`event: message\ndata: ${body}\n\n`);
        } else sendBody(pending.res, 200, body);
        // Recorded once the answer is on its way (journal and metrics off the answer's path).
        if (pending.method === 'tools/call')
          recordToolCall(
            this.#options.recorder,
            this.#server,
            pending.clientId,
            pending,
            line,
            frame.error,
            answeredAt,
          );
        continue;
      }
      if (frame.kind === 'other') this.#serverMessage(line);
    }
  }

  /** A notification or request of the server's. */
  #serverMessage(line: string): void {
    const message = JSON.parse(line) as Message;
    if (message.id !== undefined && typeof message.method === 'string') {
      this.#options.downstream.send(
        `${JSON.stringify({
          jsonrpc: '2.0',
          id: message.id,
          error: {
            code: -32601,
            message: `${message.method} cannot be relayed by the gateway's stateless HTTP front; serve the gateway on stdio or with --stateful`,
          },
        })}\n`,
      );
      return;
    }
    if (message.method !== 'notifications/progress') return;
    const relayId = message.params?.progressToken;
    const pending = typeof relayId === 'number' ? this.#pending.get(relayId) : undefined;
    if (pending?.progressToken === undefined || !pending.sse) return;
    const notification = JSON.stringify({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { ...message.params, progressToken: pending.progressToken },
    });
    if (!pending.streaming) {
      pending.streaming = true;
      pending.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    }
    pending.res.write(`event: message\ndata: ${notification}\n\n`);
  }

  #filteredList(body: string): string {
    const message = JSON.parse(body) as { result?: { tools?: { name?: unknown }[] } };
    const tools = message.result?.tools;
    if (!Array.isArray(tools)) return body;
    const allowed = tools.filter((item) => this.#options.access.toolAllowed(this.#server, String(item.name)));
    return allowed.length === tools.length
      ? body
      : JSON.stringify({ ...message, result: { ...message.result, tools: allowed } });
  }

  serverGone(reason: string): void {
    for (const waiter of this.#waiters.values()) waiter.done(false, reason);
    this.#waiters.clear();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const item of pending) {
      const body = this.#goneBody(item.clientId, `${reason} before answering; retry`);
      if (item.streaming) item.res.end(`event: message\ndata: ${body}\n\n`);
      else sendBody(item.res, 200, body);
      if (item.method === 'tools/call')
        this.#options.recorder.record({
          server: this.#server,
          tool: item.tool ?? '',
          requestId: String(item.clientId),
          startedAt: Math.round(performance.timeOrigin + item.started),
          durationMs: performance.now() - item.started,
          status: 'error',
          error: { code: 'UNAVAILABLE', message: reason },
        });
    }
  }

  replay(): Promise<void> {
    // Every process, the first one too, is initialized by the gateway itself.
    const downstream = this.#options.downstream;
    const handshake = downstream.request('initialize', {
      protocolVersion: HANDSHAKE_VERSION,
      capabilities: {},
      clientInfo: { name: 'mcp-factory-gateway', version: '0.1.0' },
    });
    return handshake.then((init) => {
      this.#initResult = init;
      downstream.notify('notifications/initialized');
    });
  }

  busy(): boolean {
    return this.#pending.size > 0 || this.#waiters.size > 0;
  }
}

/** The request body as text, or undefined once it outgrew `maxBytes` (the rest is drained). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.once('error', reject);
  });
}

/** Options of {@link serveDirectHttp}: the runtime's HTTP front options. */
export type DirectHttpOptions = ServeHttpOptions;

/** A running direct HTTP relay. */
export interface DirectHttpHandle {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the HTTP front of the relay (stateless) and resolves once it listens. */
export async function serveDirectHttp(
  app: McpApp,
  relayOptions: HttpRelayOptions,
  options: DirectHttpOptions = {},
): Promise<DirectHttpHandle> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/mcp';
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const hosts = allowedHostnames(host, options.allowedHosts);
  const corsHostnames = (options.corsOrigins ?? []).map((origin) => new URL(origin).hostname);
  const origins = allowedHostnames(host, [...(options.allowedOrigins ?? []), ...corsHostnames]);
  const security = createHttpSecurity(app, { ...options, path, host });
  await security.ready();
  const relay = new HttpRelay(relayOptions);

  const serveMcp = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJsonRpcError(
        res,
        405,
        -32000,
        `Method ${req.method ?? ''} not allowed: this stateless relay serves POST only (no sessions, no GET stream).`,
      );
      return;
    }
    const admission = await security.admit(req, res);
    if (admission === undefined) return;
    const type = header(req, 'content-type');
    if (type === undefined || type.split(';')[0]?.trim().toLowerCase() !== 'application/json') {
      sendJsonRpcError(res, 415, -32000, 'Unsupported Media Type: send Content-Type: application/json.');
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      sendJsonRpcError(res, 413, -32600, `Request body too large: at most ${maxBodyBytes} bytes.`, null, {
        connection: 'close',
      });
      return;
    }
    const raw = await readBody(req, maxBodyBytes);
    if (raw === undefined) {
      sendJsonRpcError(res, 413, -32600, `Request body too large: at most ${maxBodyBytes} bytes.`, null, {
        connection: 'close',
      });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      sendJsonRpcError(res, 400, -32700, 'Parse error: the request body is not valid JSON.');
      return;
    }
    if (Array.isArray(body)) {
      sendJsonRpcError(res, 400, -32600, 'Invalid Request: send one JSON-RPC message per request (no batches).');
      return;
    }
    if (body === null || typeof body !== 'object') {
      sendJsonRpcError(res, 400, -32600, 'Invalid Request: the body is not a JSON-RPC message.');
      return;
    }
    relay.relay(req, res, body);
  };

  const server = createHttpServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const hostProblem = checkHost(header(req, 'host'), hosts);
    if (hostProblem !== undefined) {
      sendJsonRpcError(res, 403, -32000, `Forbidden: ${hostProblem}`);
      return;
    }
    const originProblem = checkOrigin(header(req, 'origin'), origins);
    if (originProblem !== undefined) {
      sendJsonRpcError(res, 403, -32000, `Forbidden: ${originProblem}`);
      return;
    }
    if (security.cors(req, res) === 'preflight') return;
    if (OPERATIONAL_PATHS.has(pathname) && (req.method === 'GET' || req.method === 'HEAD')) {
      const answer = async (): Promise<void> => {
        if (pathname === '/metrics' && (await security.admit(req, res, { limits: false })) === undefined) return;
        await serveOperationalEndpoint(req, res, pathname, {
          name: app.info.name,
          version: app.info.version,
          metrics: app.metrics,
        });
      };
      answer().catch(() => sendJsonRpcError(res, 500, -32603, 'Internal error'));
      return;
    }
    if (security.serveMetadata(req, res, pathname)) return;
    if (pathname !== path) {
      sendJsonRpcError(res, 404, -32601, `Not found: the MCP endpoint is ${path}.`);
      return;
    }
    serveMcp(req, res).catch((error: unknown) => {
      app.logger.error({ err: error }, 'relay request failed');
      sendJsonRpcError(res, 500, -32603, 'Internal error while relaying the request; the gateway log has the details.');
    });
  });
  server.keepAliveTimeout = 5_000;
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
    url: `http://${urlHost}:${address.port}${path}`,
    port: address.port,
    close: async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await relayOptions.downstream.close();
      server.closeAllConnections();
      await stopped;
      await security.close();
    },
  };
}
