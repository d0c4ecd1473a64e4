import { PassThrough, Writable } from 'node:stream';

import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, test } from 'vitest';

import { defineTool } from '../define.js';
import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import { JsonRpcStdioTransport, BATCH_REVISIONS, sniffId, type StdioTransportOptions } from './stdio-transport.js';
import { serveStdio, type StdioHandle } from './stdio.js';

type Json = Record<string, unknown>;
type Deferred = ReturnType<typeof deferred<void>>;

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Collects newline-delimited JSON written to `stream` and hands it out in order. */
class Lines {
  readonly #queue: unknown[] = [];
  readonly #waiters: ((value: unknown) => void)[] = [];
  #buffer = '';

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.#buffer.indexOf('\n')) !== -1) {
        const line = this.#buffer.slice(0, newline);
        this.#buffer = this.#buffer.slice(newline + 1);
        const value: unknown = JSON.parse(line);
        const waiter = this.#waiters.shift();
        if (waiter === undefined) this.#queue.push(value);
        else waiter(value);
      }
    });
  }

  /** The next message written. */
  next<T = Json>(): Promise<T> {
    if (this.#queue.length > 0) return Promise.resolve(this.#queue.shift() as T);
    return new Promise((resolve) => this.#waiters.push(resolve as (value: unknown) => void));
  }

  get buffered(): number {
    return this.#queue.length;
  }
}

const release: { current: Deferred | undefined } = { current: undefined };
const started: { current: Deferred | undefined } = { current: undefined };

function makeApp() {
  return createServer({
    name: 'stdio-test',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    tools: [
      defineTool({
        name: 'gated',
        description: 'Finishes when the test releases it',
        run: async () => {
          started.current?.resolve();
          await release.current?.promise;
          return 'released';
        },
      }),
      defineTool({
        name: 'hang',
        description: 'Never finishes, ignores its signal',
        run: () => {
          started.current?.resolve();
          return new Promise<never>(() => undefined);
        },
      }),
    ],
  });
}

const open: StdioHandle[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((handle) => handle.close({ graceMs: 0 })));
});

function serve(options: StdioTransportOptions = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const handle = serveStdio(makeApp(), { input, output, ...options });
  open.push(handle);
  const lines = new Lines(output);
  const send = (message: unknown): void => {
    input.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  };
  return { input, output, handle, lines, send };
}

function initialize(id: number, protocolVersion: string): Json {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
  };
}

async function handshake(server: ReturnType<typeof serve>, protocolVersion: string): Promise<void> {
  server.send(initialize(0, protocolVersion));
  const response = await server.lines.next();
  expect(response).toMatchObject({ id: 0, result: { protocolVersion } });
  server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

const ping = (id: number | string): Json => ({ jsonrpc: '2.0', id, method: 'ping' });
const call = (id: number, name: string): Json => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: {} },
});

describe('bad input is answered, not dropped', () => {
  test('malformed JSON gets -32700 with id null', async () => {
    const server = serve();
    server.send('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(await server.lines.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32700, message: 'Parse error: the line is not valid JSON. Send one JSON-RPC message per line.' },
    });
  });

  test('an invalid request gets -32600 with its id when it has one', async () => {
    const server = serve();
    server.send({ id: 7, method: 'ping' });
    server.send({ jsonrpc: '2.0', id: 'abc' });
    server.send({ jsonrpc: '2.0', id: 8, method: 42 });
    for (const id of [7, 'abc', 8]) {
      expect(await server.lines.next()).toEqual({
        jsonrpc: '2.0',
        id,
        error: {
          code: -32600,
          message: 'Invalid Request: not a valid JSON-RPC 2.0 message (jsonrpc "2.0", method, id).',
        },
      });
    }
  });

  test('an invalid request without a usable id gets -32600 with id null', async () => {
    const server = serve();
    server.send('42');
    server.send({ jsonrpc: '2.0', id: { nested: true }, method: 'ping' });
    expect(await server.lines.next()).toMatchObject({ id: null, error: { code: -32600 } });
    expect(await server.lines.next()).toMatchObject({ id: null, error: { code: -32600 } });
  });

  test('a malformed notification is ignored, since it cannot be answered', async () => {
    const server = serve();
    server.send({ method: 'notifications/initialized' });
    server.send(ping(1));
    expect(await server.lines.next()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });

  test('blank lines are skipped and CRLF line endings are accepted', async () => {
    const server = serve();
    server.input.write('\n   \n');
    server.input.write(`${JSON.stringify(ping(2))}\r\n`);
    expect(await server.lines.next()).toEqual({ jsonrpc: '2.0', id: 2, result: {} });
  });

  test('a message split across chunks is reassembled', async () => {
    const server = serve();
    const text = JSON.stringify(ping(3));
    server.input.write(text.slice(0, 10));
    server.input.write(text.slice(10));
    server.input.write('\n');
    expect(await server.lines.next()).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
  });

  test('an oversized line gets -32600 once, is discarded, and the next line still works', async () => {
    const server = serve({ maxMessageBytes: 1024 });
    const big = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping', params: { pad: 'x'.repeat(5000) } });
    // Several chunks, so the discarding spans chunk boundaries.
    for (let offset = 0; offset < big.length; offset += 700) server.input.write(big.slice(offset, offset + 700));
    server.input.write(`\n${JSON.stringify(ping(4))}\n`);
    expect(await server.lines.next()).toEqual({
      jsonrpc: '2.0',
      id: 99,
      error: {
        code: -32600,
        message: 'Message too large: a JSON-RPC message may be at most 1024 bytes; it was discarded.',
      },
    });
    expect(await server.lines.next()).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
    expect(server.lines.buffered).toBe(0);
  });

  test('an oversized line in one chunk is answered to its id too', async () => {
    const server = serve({ maxMessageBytes: 1024 });
    server.input.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 'big-1', method: 'ping', params: { pad: 'x'.repeat(5000) } })}\n`,
    );
    expect(await server.lines.next()).toMatchObject({ id: 'big-1', error: { code: -32600 } });
  });
});

describe('sniffId', () => {
  test.each([
    ['{"jsonrpc":"2.0","id":7,"method":"x","params":{"pad":"', 7],
    ['{"jsonrpc":"2.0","method":"x","id":"a\\"b","params":{', 'a"b'],
    ['{"method":"x","params":{"id":5,"pad":"x"},"id":9', 9],
    ['{"method":"id","params":{"id":5', null],
    ['{"jsonrpc":"2.0","id":1.5,"method":"x"', null],
    ['{"jsonrpc":"2.0","method":"x","params":{"pad":"xxxx', null],
    ['[{"id":3,"method":"x"', null],
    // A response (a sampling result, say) is no request: its id is the client's own.
    ['{"jsonrpc":"2.0","id":7,"result":{"content":{"data":"', null],
    ['{"jsonrpc":"2.0","id":7,"params":{"method":"x"', null],
  ])('%s → %j', (head, id) => {
    expect(sniffId(head)).toEqual(id);
  });
});

describe('batches', () => {
  test('are refused with -32600 before initialize', async () => {
    const server = serve();
    server.send([ping(1), ping(2)]);
    expect(await server.lines.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message:
          'Invalid Request: JSON-RPC batches are not accepted before initialization (batching was removed in 2025-06-18); send one message per line.',
      },
    });
  });

  test.each(['2025-06-18', '2025-11-25'])('are refused with -32600 under %s', async (version) => {
    const server = serve();
    await handshake(server, version);
    expect(server.handle).toBeDefined();
    server.send([ping(1), ping(2)]);
    const response = await server.lines.next<{ error: { code: number; message: string } }>();
    expect(response).toMatchObject({ id: null, error: { code: -32600 } });
    expect(response.error.message).toContain(`under protocol revision ${version}`);
    server.send(ping(3));
    expect(await server.lines.next()).toEqual({ jsonrpc: '2.0', id: 3, result: {} });
  });

  test('an empty batch is refused', async () => {
    const server = serve();
    server.send([]);
    expect(await server.lines.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request: an empty JSON-RPC batch.' },
    });
  });

  describe('under 2025-03-26', () => {
    test('are served as one JSON array holding every response', async () => {
      const server = serve();
      await handshake(server, '2025-03-26');
      server.send([
        ping(1),
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'x', progress: 1 } },
      ]);
      const responses = await server.lines.next<Json[]>();
      expect(Array.isArray(responses)).toBe(true);
      expect(responses).toHaveLength(2);
      const byId = new Map(responses.map((response) => [response.id, response]));
      expect(byId.get(1)).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
      expect(byId.get(2)).toMatchObject({ result: { tools: [{ name: 'gated' }, { name: 'hang' }] } });
    });

    test('include an error for an invalid item', async () => {
      const server = serve();
      await handshake(server, '2025-03-26');
      server.send([ping(1), { id: 2, method: 'ping' }]);
      const responses = await server.lines.next<Json[]>();
      expect(responses).toHaveLength(2);
      expect(responses).toContainEqual({ jsonrpc: '2.0', id: 1, result: {} });
      expect(responses).toContainEqual(
        expect.objectContaining({ id: 2, error: expect.objectContaining({ code: -32600 }) }),
      );
    });

    test('refuse an initialize inside the batch and serve the rest', async () => {
      const server = serve();
      await handshake(server, '2025-03-26');
      server.send([initialize(5, '2025-03-26'), ping(6)]);
      const responses = await server.lines.next<Json[]>();
      expect(responses).toHaveLength(2);
      expect(responses).toContainEqual({
        jsonrpc: '2.0',
        id: 5,
        error: { code: -32600, message: 'Invalid Request: initialize must not be part of a batch.' },
      });
      expect(responses).toContainEqual({ jsonrpc: '2.0', id: 6, result: {} });
    });

    test('of notifications only get no response at all', async () => {
      const server = serve();
      await handshake(server, '2025-03-26');
      server.send([
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'x', progress: 1 } },
        { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
      ]);
      server.send(ping(7));
      expect(await server.lines.next()).toEqual({ jsonrpc: '2.0', id: 7, result: {} });
    });

    test('wait for the slowest request before writing the array', async () => {
      const server = serve();
      await handshake(server, '2025-03-26');
      started.current = deferred();
      release.current = deferred();
      server.send([call(1, 'gated'), ping(2)]);
      await started.current.promise;
      expect(server.lines.buffered).toBe(0);
      release.current.resolve();
      const responses = await server.lines.next<Json[]>();
      expect(responses.map((response) => response.id).sort()).toEqual([1, 2]);
    });
  });
});

describe('end of input', () => {
  test('lets requests in flight finish within drainMs, then closes', async () => {
    const server = serve({ drainMs: 10_000 });
    await handshake(server, '2025-11-25');
    started.current = deferred();
    release.current = deferred();
    server.send(call(1, 'gated'));
    await started.current.promise;
    server.input.end();
    let closed = false;
    void server.handle.closed.then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release.current.resolve();
    expect(await server.lines.next()).toMatchObject({
      id: 1,
      result: { content: [{ type: 'text', text: 'released' }] },
    });
    const before = performance.now();
    await server.handle.closed;
    expect(performance.now() - before).toBeLessThan(5000);
  });

  test('closes after drainMs when a request never finishes', async () => {
    const server = serve({ drainMs: 200 });
    await handshake(server, '2025-11-25');
    started.current = deferred();
    server.send(call(1, 'hang'));
    await started.current.promise;
    const before = performance.now();
    server.input.end();
    await server.handle.closed;
    const elapsed = performance.now() - before;
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(5000);
  });

  test('closes at once when nothing is in flight', async () => {
    const server = serve({ drainMs: 60_000 });
    await handshake(server, '2025-11-25');
    const before = performance.now();
    server.input.end();
    await server.handle.closed;
    expect(performance.now() - before).toBeLessThan(5000);
  });

  test('cancelled requests do not hold the drain', async () => {
    const server = serve({ drainMs: 60_000 });
    await handshake(server, '2025-11-25');
    started.current = deferred();
    server.send(call(1, 'hang'));
    await started.current.promise;
    server.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'user' } });
    server.input.end();
    const before = performance.now();
    await server.handle.closed;
    expect(performance.now() - before).toBeLessThan(5000);
  });
});

describe('JsonRpcStdioTransport', () => {
  function raw(options: StdioTransportOptions = {}) {
    const input = new PassThrough();
    const output = new PassThrough();
    const transport = new JsonRpcStdioTransport(input, output, options);
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => void received.push(message);
    return { input, output, transport, received, lines: new Lines(output) };
  }

  test('lists the revisions that had batching', () => {
    expect([...BATCH_REVISIONS].sort()).toEqual(['2024-10-07', '2024-11-05', '2025-03-26']);
  });

  test('records the negotiated protocol version from the initialize response', async () => {
    const { input, transport, received } = raw();
    await transport.start();
    expect(transport.protocolVersion).toBeUndefined();
    input.write(`${JSON.stringify(initialize(1, '2025-03-26'))}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toHaveLength(1);
    expect(transport.pendingRequests).toBe(1);
    await transport.send({ jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-03-26' } });
    expect(transport.protocolVersion).toBe('2025-03-26');
    expect(transport.pendingRequests).toBe(0);
    await transport.close();
  });

  test('refuses a second start()', async () => {
    const { transport } = raw();
    await transport.start();
    await expect(transport.start()).rejects.toThrow('JsonRpcStdioTransport already started');
    await transport.close();
  });

  test('close() is idempotent: onclose fires once and later sends are dropped', async () => {
    const { transport, output } = raw();
    let closes = 0;
    transport.onclose = () => void (closes += 1);
    await transport.start();
    await transport.close();
    await transport.close();
    expect(closes).toBe(1);
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    expect(output.readableLength).toBe(0);
  });

  test('ignores requests that arrive after the end of input', async () => {
    const { input, transport, received } = raw({ drainMs: 60_000 });
    await transport.start();
    input.write(`${JSON.stringify(ping(1))}\n`);
    input.end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toHaveLength(1);
    expect(transport.pendingRequests).toBe(1);
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    await transport.closed;
  });

  test('an output error is reported and closes the transport', async () => {
    const input = new PassThrough();
    const output = new Writable({
      write: (_chunk, _encoding, callback) => callback(new Error('EPIPE')),
    });
    const transport = new JsonRpcStdioTransport(input, output);
    const errors: Error[] = [];
    transport.onerror = (error) => void errors.push(error);
    await transport.start();
    await transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    await transport.closed;
    expect(errors.map((error) => error.message)).toContain('EPIPE');
  });
});
