/**
 * The shared-stateless fast path of the HTTP front. The SDK's documented stateless pattern builds
 * a new `McpServer` (every tool, resource and prompt registered again) and a new transport for
 * every request, then converts the Node request into a web `Request` and the web `Response` back:
 * most of a small call's cost. For the requests that touch no per-connection state — a single
 * 2025-era `tools/call`, `tools/list`, `resources/*` read or list, `prompts/*` or `ping` — this
 * module serves them from long-lived SDK instances instead, one per {@link McpApp.shareKey} (what
 * the factory's output depends on: the caller's scopes), at most {@link MAX_SHARED_INSTANCES} of
 * them (least recently used evicted).
 *
 * Each request gets an id of the instance's own (so concurrent clients' equal ids never collide)
 * and the answer gets the client's id back. Messages the instance sends about the request
 * (progress, log messages) open an SSE stream on that request's response; a response with nothing
 * before it is answered as one `application/json` body, which the Streamable HTTP transport
 * allows for any POST whose client accepts both. A client that disconnects cancels its request.
 * Everything else (initialize, batches, 2026-07-28 requests, sessions, apps with a `setup` hook
 * or resource subscriptions) keeps going through the SDK handler.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import {
  parseJSONRPCMessage,
  type AuthInfo,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';

import { onWire } from '../_after-answer.js';
import { plainRequest, type JsonRpcRequestBody } from './_plain-request.js';
import type { McpApp } from '../server.js';

/** Most long-lived instances kept (one per distinct share key). */
export const MAX_SHARED_INSTANCES = 32;

/** Methods that read nothing but their own params and the app's definitions. */
const SHAREABLE_METHODS = new Set([
  'tools/call',
  'tools/list',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'prompts/list',
  'prompts/get',
  'ping',
]);

/** 2025-era revisions (a request carrying one is served by the 2025 rules). */
const LEGACY_REVISIONS = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);

type JsonRpcId = string | number;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `body` as one 2025-era request this module may serve (see the module comment), parsed the way the
 * SDK's transports parse messages (unknown keys dropped); `undefined` when the SDK must handle it.
 */
export function shareableRequest(req: IncomingMessage, body: unknown): JsonRpcRequestBody | undefined {
  if (req.method !== 'POST' || header(req, 'mcp-session-id') !== undefined) return undefined;
  const version = header(req, 'mcp-protocol-version');
  if (version === undefined || !LEGACY_REVISIONS.has(version)) return undefined;
  // The SDK answers a client that does not accept both media types with 406: leave that to it.
  const accept = header(req, 'accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const method = (body as { method?: unknown }).method;
  if (typeof method !== 'string' || !SHAREABLE_METHODS.has(method)) return undefined;
  const plain = plainRequest(body);
  if (plain !== undefined) return plain;
  let message: JSONRPCMessage;
  try {
    message = parseJSONRPCMessage(body);
  } catch {
    return undefined;
  }
  if (!('method' in message) || !('id' in message) || 'result' in message || 'error' in message) return undefined;
  const id: unknown = message.id;
  if (typeof id !== 'string' && (typeof id !== 'number' || !Number.isFinite(id))) return undefined;
  return message;
}

/**
 * The `Request` handlers see as `ctx.http.req`: the method, URL and headers of the HTTP request,
 * read from the Node request without building a web `Request` (which would copy every header).
 */
class RequestView {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null; has(name: string): boolean };
  #controller: AbortController | undefined;

  constructor(req: IncomingMessage) {
    this.method = req.method ?? 'POST';
    this.url = `http://${header(req, 'host') ?? 'localhost'}${req.url ?? '/'}`;
    this.headers = {
      get: (name) => {
        const value = req.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      has: (name) => req.headers[name.toLowerCase()] !== undefined,
    };
  }

  /** Aborted when the client disconnects before the answer; made only if someone asks. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  abort(): void {
    this.#controller?.abort();
  }
}

/** Where the messages about one request go: its HTTP response. */
class Exchange {
  #streaming = false;
  #done = false;

  constructor(
    readonly clientId: JsonRpcId,
    readonly res: ServerResponse,
  ) {}

  get done(): boolean {
    return this.#done;
  }

  /** A notification or server→client request about the request: switches the answer to SSE. */
  event(message: JSONRPCMessage): void {
    if (this.#done || this.res.writableEnded) return;
    if (!this.#streaming) {
      this.#streaming = true;
      this.res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
      });
    }
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** The answer, with the client's id back. */
  finish(message: JSONRPCMessage): void {
    if (this.#done) return;
    this.#done = true;
    if (this.res.writableEnded) return;
    const text = JSON.stringify({ ...message, id: this.clientId });
    if (this.#streaming) {
      this.res.end(`event: message\ndata: ${text}\n\n`);
      return;
    }
    this.res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    });
    this.res.end(text);
  }
}

/** The in-process transport of one long-lived instance: routes its output to each request's exchange. */
class RelayTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  readonly #exchanges = new Map<number, Exchange>();
  #nextId = 1;

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Hands `message` to the instance under an id of its own; `exchange` receives what comes back. */
  deliver(message: JsonRpcRequestBody, extra: MessageExtraInfo, exchange: Exchange): number {
    const id = this.#nextId++;
    this.#exchanges.set(id, exchange);
    this.onmessage?.({ ...message, id }, extra);
    return id;
  }

  /** The client went away: the instance cancels the handler (its signal aborts) and forgets the request. */
  cancel(id: number): void {
    if (!this.#exchanges.delete(id)) return;
    this.onmessage?.({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: id, reason: 'The client disconnected.' },
    });
  }

  get pending(): number {
    return this.#exchanges.size;
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ('id' in message && ('result' in message || 'error' in message)) {
      const id = message.id as number;
      const exchange = this.#exchanges.get(id);
      this.#exchanges.delete(id);
      exchange?.finish(message);
      return Promise.resolve();
    }
    const related = options?.relatedRequestId;
    if (typeof related === 'number') this.#exchanges.get(related)?.event(message);
    // Messages about no request (list changes) have no stream to go to in stateless serving.
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const id of [...this.#exchanges.keys()]) this.cancel(id);
    this.onclose?.();
    return Promise.resolve();
  }
}

interface SharedInstance {
  readonly server: { close(): Promise<void> };
  readonly transport: RelayTransport;
}

/** The long-lived instances of one app; see the module comment. */
export class SharedStatelessServers {
  readonly #app: McpApp;
  readonly #instances = new Map<string, Promise<SharedInstance>>();
  #closed = false;

  constructor(app: McpApp) {
    this.#app = app;
  }

  /** Whether this app's requests can be shared at all. */
  get enabled(): boolean {
    return this.#app.shareKey !== undefined && !this.#closed;
  }

  /** Serves `body` (which {@link isShareable} accepted) on `res`. */
  async serve(
    req: IncomingMessage,
    res: ServerResponse,
    body: JsonRpcRequestBody,
    authInfo: AuthInfo | undefined,
  ): Promise<boolean> {
    const key = this.#app.shareKey?.(authInfo);
    if (key === undefined || this.#closed) return false;
    const { transport } = await this.#instance(key, authInfo);
    const exchange = new Exchange(body.id, res);
    const view = new RequestView(req);
    const extra: MessageExtraInfo = {
      request: view as unknown as Request,
      ...(authInfo === undefined ? {} : { authInfo }),
    };
    const id = transport.deliver(body, extra, exchange);
    res.once('close', () => {
      if (exchange.done) return;
      view.abort();
      transport.cancel(id);
    });
    return true;
  }

  #instance(key: string, authInfo: AuthInfo | undefined): Promise<SharedInstance> {
    const existing = this.#instances.get(key);
    if (existing !== undefined) {
      // Most recently used last: Map iteration order is insertion order.
      this.#instances.delete(key);
      this.#instances.set(key, existing);
      return existing;
    }
    const instance = (async (): Promise<SharedInstance> => {
      // Answers go out on each request's HTTP response: bookkeeping may follow them (_after-answer.ts).
      const server = await this.#app.factory(
        onWire({ era: 'legacy', ...(authInfo === undefined ? {} : { authInfo }) }),
      );
      const transport = new RelayTransport();
      await server.connect(transport);
      return { server, transport };
    })();
    this.#instances.set(key, instance);
    // A failed build is not kept: the next request tries again.
    instance.catch(() => this.#instances.delete(key));
    while (this.#instances.size > MAX_SHARED_INSTANCES) {
      const oldest = this.#instances.keys().next().value as string;
      const evicted = this.#instances.get(oldest);
      this.#instances.delete(oldest);
      void evicted?.then((shared) => this.#retire(shared)).catch(() => undefined);
    }
    return instance;
  }

  /** Closes an evicted instance once the requests it is serving are answered. */
  async #retire(shared: SharedInstance): Promise<void> {
    for (let waited = 0; shared.transport.pending > 0 && waited < 60_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await shared.server.close();
  }

  /** Closes every instance (requests still pending are cancelled). */
  async close(): Promise<void> {
    this.#closed = true;
    const instances = [...this.#instances.values()];
    this.#instances.clear();
    await Promise.allSettled(instances.map(async (instance) => (await instance).server.close()));
  }
}
