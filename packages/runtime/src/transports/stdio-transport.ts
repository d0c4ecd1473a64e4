/**
 * A newline-delimited JSON-RPC transport over a pair of streams that answers bad input instead of
 * dropping it: malformed JSON gets a -32700 response, a malformed request -32600, an oversized
 * line -32600, and a batch is either served (protocol revisions up to 2025-03-26, which had
 * batching) or refused with -32600 (2025-06-18 and later removed it).
 *
 * When the input ends (stdin EOF), requests already received are given `drainMs` to be answered
 * before the transport closes; the SDK's own stdio transport aborts them at once.
 *
 * @module
 */
import type { Readable, Writable } from 'node:stream';

import {
  parseJSONRPCMessage,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type Transport,
  type TransportSendOptions,
} from '@modelcontextprotocol/server';

import { plainRequest } from './_plain-request.js';

/** Protocol revisions whose JSON-RPC layer allowed batches. */
export const BATCH_REVISIONS: ReadonlySet<string> = new Set(['2024-10-07', '2024-11-05', '2025-03-26']);

/** How much of an oversized message is kept to find its id. */
const SNIFF_BYTES = 4096;

/**
 * The top-level `id` of a JSON-RPC request from its first bytes (a string or an integer), or null
 * when they do not show one, or show a response (no `method`). A scan of keys at depth one,
 * skipping strings and nested values.
 */
export function sniffId(head: string): string | number | null {
  let depth = 0;
  let index = 0;
  const readString = (): string | undefined => {
    const start = index;
    index += 1;
    while (index < head.length && head[index] !== '"') index += head[index] === '\\' ? 2 : 1;
    if (index >= head.length) return undefined;
    index += 1;
    try {
      return JSON.parse(head.slice(start, index)) as string;
    } catch {
      return undefined;
    }
  };
  let id: string | number | undefined;
  let isRequest = false;
  while (index < head.length && !(isRequest && id !== undefined)) {
    const char = head[index];
    if (char === '"') {
      const key = readString();
      if (key === undefined) break;
      if (depth !== 1) continue;
      const rest = /^\s*:\s*(-?\d{1,15}(?![\d.eE])|")/.exec(head.slice(index));
      if (key === 'method' && /^\s*:/.test(head.slice(index))) isRequest = true;
      if (key !== 'id' || rest === null || id !== undefined) continue;
      if (rest[1] !== '"') {
        id = Number(rest[1]);
        index += rest[0].length;
        continue;
      }
      index += rest[0].length - 1;
      id = readString();
      if (id === undefined) break;
      continue;
    }
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') depth -= 1;
    index += 1;
  }
  // Only a request's id: an error under a response's id would fail the client's own request of that id.
  return isRequest && id !== undefined ? id : null;
}

/** Options of {@link JsonRpcStdioTransport}. */
export interface StdioTransportOptions {
  /** Longest accepted line in bytes; longer lines are answered with -32600 and skipped. Default 4 MiB. */
  maxMessageBytes?: number;
  /** How long requests in flight may still be answered after the input ended. Default 5000 ms. */
  drainMs?: number;
  /** Writes one serialized line; defaults to `output.write`. Used to keep a redirected `process.stdout.write` out of the path. */
  write?: (line: string, done: (error?: Error | null) => void) => boolean;
}

type Id = string | number;
type ErrorBody = { jsonrpc: '2.0'; id: Id | null; error: { code: number; message: string } };

interface PendingBatch {
  readonly expected: Set<string>;
  readonly responses: unknown[];
}

const keyOf = (id: Id): string => `${typeof id}:${String(id)}`;

function idOf(value: unknown): Id | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

function errorBody(id: Id | null, code: number, message: string): ErrorBody {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** A stdio transport for the MCP SDK that never leaves bad input unanswered. */
export class JsonRpcStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  readonly #input: Readable;
  readonly #output: Writable;
  readonly #maxBytes: number;
  readonly #drainMs: number;
  readonly #write: (line: string, done: (error?: Error | null) => void) => boolean;
  #chunks: Buffer[] = [];
  #bufferedBytes = 0;
  #discarding = false;
  #started = false;
  #closed = false;
  #inputEnded = false;
  #protocolVersion: string | undefined;
  #initializeIds = new Set<string>();
  readonly #pending = new Set<string>();
  readonly #batches = new Map<string, PendingBatch>();
  #drainTimer: NodeJS.Timeout | undefined;
  #resolveClosed!: () => void;
  /** Resolves once the transport has closed, for whatever reason. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#resolveClosed = resolve;
  });

  constructor(input: Readable, output: Writable, options: StdioTransportOptions = {}) {
    this.#input = input;
    this.#output = output;
    this.#maxBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
    this.#drainMs = options.drainMs ?? 5000;
    this.#write = options.write ?? ((line, done) => output.write(line, done));
  }

  /** The protocol revision negotiated by `initialize`, once known. */
  get protocolVersion(): string | undefined {
    return this.#protocolVersion;
  }

  /** Number of requests received and not yet answered. */
  get pendingRequests(): number {
    return this.#pending.size;
  }

  async start(): Promise<void> {
    if (this.#started) throw new Error('JsonRpcStdioTransport already started');
    this.#started = true;
    this.#input.on('data', this.#onData);
    this.#input.on('end', this.#onEnd);
    this.#input.on('error', this.#onInputError);
    this.#output.on('error', this.#onOutputError);
  }

  async send(message: JSONRPCMessage, _options?: TransportSendOptions): Promise<void> {
    if (this.#closed) return;
    const id = idOf(message);
    const isResponse = id !== null && ('result' in message || 'error' in message);
    if (isResponse) {
      const key = keyOf(id);
      if (this.#initializeIds.delete(key) && 'result' in message) {
        const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
        if (typeof version === 'string') this.#protocolVersion = version;
      }
      this.#pending.delete(key);
      const batch = this.#batches.get(key);
      if (batch !== undefined) {
        this.#batches.delete(key);
        batch.expected.delete(key);
        batch.responses.push(message);
        if (batch.expected.size === 0) await this.#writeValue(batch.responses);
        this.#maybeFinishDrain();
        return;
      }
    }
    await this.#writeValue(message);
    this.#maybeFinishDrain();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#input.off('data', this.#onData);
    this.#input.off('end', this.#onEnd);
    this.#input.off('error', this.#onInputError);
    this.#output.off('error', this.#onOutputError);
    this.#input.pause();
    this.#resolveClosed();
    this.onclose?.();
  }

  #writeValue(value: unknown): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    // Answers written in the same turn leave in one writev (one syscall, one wake-up of the
    // client) instead of one write each: what several calls in flight finish together.
    this.#corkUntilNextTick();
    return new Promise((resolve) => {
      const flushed = this.#write(line, (error) => {
        if (!error) return;
        this.onerror?.(error);
        resolve(); // a failed write never emits 'drain'; the output's 'error' handler closes the transport
      });
      if (flushed) resolve();
      else this.#output.once('drain', () => resolve());
    });
  }

  #corkUntilNextTick(): void {
    const output = this.#output;
    if (output.writableCorked > 0) return;
    output.cork();
    process.nextTick(() => output.uncork());
  }

  readonly #onData = (chunk: Buffer | string): void => {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const newline = data.indexOf(0x0a, start);
      if (newline === -1) {
        if (start < data.length) this.#append(data.subarray(start));
        return;
      }
      let line: string | undefined;
      if (this.#chunks.length === 0 && !this.#discarding) {
        // The common case, a whole line inside one chunk: decode it in place, no copies.
        if (newline - start > this.#maxBytes) this.#tooLarge(data.subarray(start, start + SNIFF_BYTES));
        else line = data.toString('utf8', start, newline);
      } else {
        this.#append(data.subarray(start, newline));
        if (!this.#discarding) line = Buffer.concat(this.#chunks).toString('utf8');
        this.#chunks = [];
        this.#bufferedBytes = 0;
      }
      this.#discarding = false;
      start = newline + 1;
      if (line !== undefined) this.#onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  };

  #append(part: Buffer): void {
    if (this.#discarding || part.length === 0) return;
    if (this.#bufferedBytes + part.length > this.#maxBytes) {
      const head = Buffer.concat([...this.#chunks, part]).subarray(0, SNIFF_BYTES);
      this.#chunks = [];
      this.#bufferedBytes = 0;
      this.#discarding = true;
      this.#tooLarge(head);
      return;
    }
    this.#chunks.push(part);
    this.#bufferedBytes += part.length;
  }

  /** Answers a discarded oversized message, to its request's id when its first bytes name one. */
  #tooLarge(head: Buffer): void {
    void this.#writeValue(
      errorBody(
        sniffId(head.toString('utf8')),
        -32600,
        `Message too large: a JSON-RPC message may be at most ${this.#maxBytes} bytes; it was discarded.`,
      ),
    );
  }

  #onLine(line: string): void {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      void this.#writeValue(
        errorBody(null, -32700, 'Parse error: the line is not valid JSON. Send one JSON-RPC message per line.'),
      );
      return;
    }
    if (Array.isArray(value)) this.#onBatch(value);
    else this.#onSingle(value, undefined);
  }

  #onBatch(items: unknown[]): void {
    if (items.length === 0) {
      void this.#writeValue(errorBody(null, -32600, 'Invalid Request: an empty JSON-RPC batch.'));
      return;
    }
    const version = this.#protocolVersion;
    if (version === undefined || !BATCH_REVISIONS.has(version)) {
      const revision = version === undefined ? 'before initialization' : `under protocol revision ${version}`;
      void this.#writeValue(
        errorBody(
          null,
          -32600,
          `Invalid Request: JSON-RPC batches are not accepted ${revision} (batching was removed in 2025-06-18); send one message per line.`,
        ),
      );
      return;
    }
    const batch: PendingBatch = { expected: new Set(), responses: [] };
    for (const item of items) this.#onSingle(item, batch);
    if (batch.expected.size === 0 && batch.responses.length > 0) void this.#writeValue(batch.responses);
  }

  #onSingle(value: unknown, batch: PendingBatch | undefined): void {
    let message: JSONRPCMessage;
    try {
      message = plainRequest(value) ?? parseJSONRPCMessage(value);
    } catch {
      const id = idOf(value);
      // Only a message without an `id` member is a notification; one with an unusable id is answered with id null.
      const isNotification =
        typeof value === 'object' &&
        value !== null &&
        !('id' in value) &&
        typeof (value as { method?: unknown }).method === 'string';
      if (isNotification) return; // a malformed notification cannot be answered
      const error = errorBody(
        id,
        -32600,
        'Invalid Request: not a valid JSON-RPC 2.0 message (jsonrpc "2.0", method, id).',
      );
      if (batch === undefined) void this.#writeValue(error);
      else batch.responses.push(error);
      return;
    }
    if ('method' in message && message.method === 'notifications/cancelled') {
      const cancelled = idOf({ id: (message.params as { requestId?: unknown } | undefined)?.requestId });
      if (cancelled !== null) this.#pending.delete(keyOf(cancelled));
    }
    const id = idOf(message);
    if (id !== null && 'method' in message) {
      const key = keyOf(id);
      if (batch !== undefined && message.method === 'initialize') {
        batch.responses.push(errorBody(id, -32600, 'Invalid Request: initialize must not be part of a batch.'));
        return;
      }
      if (this.#inputEnded) return;
      this.#pending.add(key);
      if (message.method === 'initialize') this.#initializeIds.add(key);
      if (batch !== undefined) {
        batch.expected.add(key);
        this.#batches.set(key, batch);
      }
    }
    this.onmessage?.(message);
  }

  readonly #onEnd = (): void => {
    this.#inputEnded = true;
    if (this.#pending.size === 0) {
      void this.close();
      return;
    }
    this.#drainTimer = setTimeout(() => void this.close(), this.#drainMs);
    this.#drainTimer.unref();
  };

  #maybeFinishDrain(): void {
    if (this.#inputEnded && this.#pending.size === 0) void this.close();
  }

  readonly #onInputError = (error: Error): void => {
    this.onerror?.(error);
  };

  readonly #onOutputError = (error: Error): void => {
    this.onerror?.(error);
    void this.close();
  };
}
