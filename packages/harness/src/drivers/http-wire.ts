/**
 * The HTTP driver: POSTs JSON-RPC to a Streamable HTTP endpoint with `fetch`, reads answers sent as
 * JSON or as an SSE stream, and carries the session id and protocol version the server handed out.
 *
 * @module
 */
import type { HttpTarget } from '../target.js';
import {
  DEFAULT_TIMEOUT_MS,
  idKey,
  isResponse,
  parseMessage,
  type JsonRpcId,
  type JsonRpcMessage,
  type Reply,
  type RequestOptions,
  type Wire,
} from './wire.js';

/** A raw JSON-RPC connection to a Streamable HTTP endpoint. */
export class HttpWire implements Wire {
  readonly transport = 'http' as const;
  readonly strayResponses: JsonRpcMessage[] = [];
  /** The `Mcp-Session-Id` the server issued, if any. */
  sessionId: string | undefined;
  /** Sent as `MCP-Protocol-Version` once negotiated. */
  protocolVersion: string | undefined;
  private nextId = 1;

  constructor(
    private readonly target: HttpTarget,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  alive(): boolean {
    return true;
  }

  async request(method: string, params?: unknown, options: RequestOptions = {}): Promise<Reply> {
    const id = options.id ?? this.nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    const reply = await this.post(body, id, options.timeoutMs, method);
    if (method === 'initialize' && reply.kind === 'message') {
      const result = reply.message.result as { protocolVersion?: unknown } | undefined;
      if (typeof result?.protocolVersion === 'string') this.protocolVersion = result.protocolVersion;
    }
    return reply;
  }

  async notify(method: string, params?: unknown): Promise<void> {
    await this.post(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }), undefined);
  }

  sendRaw(text: string, expectId: JsonRpcId | null, timeoutMs?: number): Promise<Reply> {
    return this.post(text, expectId, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.sessionId === undefined) return;
    // Ends the session; a server that does not support DELETE answers 405, which is fine.
    await this.fetchImpl(this.target.url, { method: 'DELETE', headers: this.headers() }).catch(() => undefined);
    this.sessionId = undefined;
  }

  /**
   * Answers a server-to-client request (sampling, elicitation, roots, ping) that arrived on a
   * stream, so the server is never left waiting: ping gets `{}`, the rest -32601.
   */
  private refuse(request: JsonRpcMessage): void {
    const answer =
      request.method === 'ping'
        ? { jsonrpc: '2.0', id: request.id, result: {} }
        : { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'Method not found' } };
    void this.post(JSON.stringify(answer), undefined);
  }

  /** The headers of every request. */
  headers(): Record<string, string> {
    return {
      ...this.target.headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(this.sessionId === undefined ? {} : { 'mcp-session-id': this.sessionId }),
      ...(this.protocolVersion === undefined ? {} : { 'mcp-protocol-version': this.protocolVersion }),
    };
  }

  /**
   * POSTs `body`; with `expectId` undefined (a notification) resolves once the status is known,
   * otherwise with the response of that id (or an id-null error).
   */
  private async post(
    body: string,
    expectId: JsonRpcId | null | undefined,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    method?: string,
  ): Promise<Reply> {
    const reply = await this.postOnce(body, expectId, timeoutMs, method);
    // A kept-alive connection the server closed as we reused it fails before any answer (a known
    // race of HTTP keep-alive): that request never reached the server, so send it once more.
    if (
      reply.kind === 'none' &&
      reply.reason === 'closed' &&
      /other side closed|ECONNRESET|socket hang up/i.test(reply.body ?? '')
    ) {
      return this.postOnce(body, expectId, timeoutMs, method);
    }
    return reply;
  }

  private async postOnce(
    body: string,
    expectId: JsonRpcId | null | undefined,
    timeoutMs: number,
    method: string | undefined,
  ): Promise<Reply> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await this.fetchImpl(this.target.url, {
        method: 'POST',
        // 2026-07-28 HTTP repeats the method in a header.
        headers: {
          ...this.headers(),
          ...(method !== undefined && (this.protocolVersion ?? '') >= '2026' ? { 'mcp-method': method } : {}),
        },
        body,
        signal: abort.signal,
      });
      const session = response.headers.get('mcp-session-id');
      if (session !== null) this.sessionId = session;
      const status = response.status;
      if (expectId === undefined) {
        abort.abort();
        return { kind: 'none', reason: 'http', httpStatus: status };
      }
      const keys = new Set([idKey(null), idKey(expectId)]);
      const matches = (message: JsonRpcMessage): boolean => isResponse(message) && keys.has(idKey(message.id));
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('text/event-stream') && response.body !== null) {
        const found = await readSse(response.body, matches, this.strayResponses, (request) => this.refuse(request));
        abort.abort();
        return found === undefined
          ? { kind: 'none', reason: 'http', httpStatus: status }
          : { kind: 'message', message: found, httpStatus: status };
      }
      const text = await response.text();
      const parsed = parseMessage(text);
      const messages = parsed === undefined ? [] : Array.isArray(parsed) ? parsed : [parsed];
      const found = messages.find(matches);
      return found === undefined
        ? { kind: 'none', reason: 'http', httpStatus: status, body: text.slice(0, 500) }
        : { kind: 'message', message: found, httpStatus: status };
    } catch (error) {
      if (abort.signal.aborted) return { kind: 'none', reason: 'timeout' };
      // fetch hides the socket error (ECONNREFUSED…) in `cause`.
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        kind: 'none',
        reason: 'closed',
        body: `${error instanceof Error ? error.message : String(error)}${cause}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reads SSE events until one carries a message that `matches`; other responses go to `stray`. */
async function readSse(
  body: ReadableStream<Uint8Array>,
  matches: (message: JsonRpcMessage) => boolean,
  stray: JsonRpcMessage[],
  onRequest: (request: JsonRpcMessage) => void,
): Promise<JsonRpcMessage | undefined> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        const parsed = data === '' ? undefined : parseMessage(data);
        for (const message of parsed === undefined ? [] : Array.isArray(parsed) ? parsed : [parsed]) {
          if (matches(message)) return message;
          if (isResponse(message)) stray.push(message);
          else if (typeof message.method === 'string' && message.id !== undefined) onRequest(message);
        }
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    reader.releaseLock();
  }
}
