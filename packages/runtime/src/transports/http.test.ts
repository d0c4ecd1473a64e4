import { createServer as createNodeServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';

import { defineTool } from '../define.js';
import { createLogger } from '../logger.js';
import { createServer, type McpApp } from '../server.js';
import { connectHttp, type Connection } from '../testing/index.js';
import { createHttpListener, serveHttp, type HttpHandle, type HttpListener, type ServeHttpOptions } from './http.js';

type Json = Record<string, unknown>;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** One HTTP request with full control over the headers (fetch forbids setting Host). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    if (options.chunked === true && options.body !== undefined) {
      // Without Content-Length: the body arrives in chunks and the limit is enforced while reading.
      const body = Buffer.from(options.body);
      for (let offset = 0; offset < body.length; offset += 16_384) req.write(body.subarray(offset, offset + 16_384));
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The JSON-RPC messages of a response, whether sent as JSON or as server-sent events. */
function messages(response: RawResponse): Json[] {
  if (response.headers['content-type']?.startsWith('text/event-stream')) {
    return response.body
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Json);
  }
  const value = JSON.parse(response.body) as Json | Json[];
  return Array.isArray(value) ? value : [value];
}

function rpcError(response: RawResponse): { code: number; message: string } {
  expect(response.headers['content-type']).toBe('application/json');
  const body = JSON.parse(response.body) as { jsonrpc: string; id: unknown; error: { code: number; message: string } };
  expect(body.jsonrpc).toBe('2.0');
  expect(body.id).toBeNull();
  return body.error;
}

const initialize = (protocolVersion = '2025-06-18') =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
  });

const gate = { started: deferred(), release: deferred() };

function makeApp(): McpApp {
  return createServer({
    name: 'http-test',
    version: '3.2.1',
    logger: createLogger({ level: 'silent' }),
    tools: [
      defineTool({
        name: 'echo',
        description: 'Echoes',
        input: z.object({ text: z.string() }),
        run: ({ text }, ctx) => `${text} (${ctx.era})`,
      }),
      defineTool({
        name: 'gated',
        description: 'Finishes when the test releases it',
        run: async () => {
          gate.started.resolve();
          await gate.release.promise;
          return 'released';
        },
      }),
    ],
  });
}

async function echo(connection: Connection, text: string): Promise<unknown> {
  const result = await connection.client.callTool({ name: 'echo', arguments: { text } });
  return result.content;
}

describe('the HTTP front, stateless', () => {
  let handle: HttpHandle;
  let origin: string;

  beforeAll(async () => {
    handle = await serveHttp(makeApp(), { port: 0, maxBodyBytes: 64 * 1024 });
    origin = new URL(handle.url).origin;
  });

  afterAll(async () => {
    await handle.close({ graceMs: 0 });
  });

  test('listens on 127.0.0.1 with the MCP endpoint at /mcp', () => {
    expect(handle.transport).toBe('http');
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}/mcp`);
  });

  describe('Host and Origin guards', () => {
    test('a foreign Host (DNS rebinding) gets 403 with a JSON-RPC body', async () => {
      const response = await raw(handle.url, { headers: { ...JSON_HEADERS, host: 'evil.com' }, body: initialize() });
      expect(response.status).toBe(403);
      const error = rpcError(response);
      expect(error.code).toBe(-32000);
      expect(error.message).toMatch(/^Forbidden: Host "evil\.com" is not allowed \(DNS-rebinding protection\)/);
    });

    test('a foreign Origin with a good Host gets 403', async () => {
      const response = await raw(handle.url, {
        headers: { ...JSON_HEADERS, origin: 'https://evil.com' },
        body: initialize(),
      });
      expect(response.status).toBe(403);
      expect(rpcError(response).message).toMatch(/^Forbidden: Origin "https:\/\/evil\.com" is not allowed/);
    });

    test.each(['localhost', '127.0.0.1', '[::1]'])('Host %s is accepted, with no Origin', async (hostname) => {
      const response = await raw(handle.url, {
        headers: { ...JSON_HEADERS, host: `${hostname}:${handle.port}` },
        body: initialize(),
      });
      expect(response.status).toBe(200);
      expect(messages(response)[0]).toMatchObject({ id: 1, result: { serverInfo: { name: 'http-test' } } });
    });

    test('a loopback Origin is accepted', async () => {
      const response = await raw(handle.url, {
        headers: { ...JSON_HEADERS, origin: `http://localhost:5173` },
        body: initialize(),
      });
      expect(response.status).toBe(200);
    });

    test('guards /healthz too', async () => {
      const response = await raw(`${origin}/healthz`, { method: 'GET', headers: { host: 'evil.com' } });
      expect(response.status).toBe(403);
    });
  });

  describe('request checks', () => {
    test('/healthz reports the server', async () => {
      const response = await raw(`${origin}/healthz`, { method: 'GET' });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect(JSON.parse(response.body)).toEqual({ status: 'ok', server: 'http-test', version: '3.2.1' });
    });

    test('an unknown path gets 404 naming the endpoint', async () => {
      const response = await raw(`${origin}/other`, { headers: JSON_HEADERS, body: initialize() });
      expect(response.status).toBe(404);
      expect(rpcError(response)).toEqual({ code: -32000, message: 'Not found: the MCP endpoint is /mcp.' });
    });

    test('another method on an operational path gets 405 with Allow: GET, HEAD', async () => {
      const response = await raw(`${origin}/healthz`, { headers: JSON_HEADERS, body: '{}' });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    });

    test('a body nested deeper than 1000 levels gets 400 -32600, not an internal error', async () => {
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      for (const body of [
        `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"a","x":${deep}}}}`,
        `{"jsonrpc":"2.0","id":${deep},"method":"ping"}`,
      ]) {
        const response = await raw(handle.url, {
          headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25' },
          body,
        });
        expect(response.status).toBe(400);
        expect(rpcError(response)).toEqual({
          code: -32600,
          message: 'Invalid Request: the body nests arrays and objects deeper than 1000 levels.',
        });
      }
      // Nesting within the limit is served.
      const within = await raw(handle.url, {
        headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25' },
        body: `{"jsonrpc":"2.0","id":2,"method":"ping","params":{"_meta":{"x":${'['.repeat(900)}${']'.repeat(900)}}}}`,
      });
      expect(within.status).toBe(200);
    });

    test('malformed JSON gets 400 with a JSON-RPC -32700 body, not HTML', async () => {
      const response = await raw(handle.url, { headers: JSON_HEADERS, body: '{"jsonrpc": "2.0", "id": 1,' });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/json');
      expect(rpcError(response)).toEqual({ code: -32700, message: 'Parse error: the request body is not valid JSON.' });
    });

    test('a wrong content type gets 415', async () => {
      const response = await raw(handle.url, {
        headers: { ...JSON_HEADERS, 'content-type': 'text/plain' },
        body: initialize(),
      });
      expect(response.status).toBe(415);
      expect(rpcError(response).message).toBe('Unsupported Media Type: send Content-Type: application/json.');
    });

    test('accepts a content type with parameters', async () => {
      const response = await raw(handle.url, {
        headers: { ...JSON_HEADERS, 'content-type': 'Application/JSON; charset=utf-8' },
        body: initialize(),
      });
      expect(response.status).toBe(200);
    });

    test('a body over maxBodyBytes gets 413, declared or streamed', async () => {
      const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(70 * 1024) } });
      const declared = await raw(handle.url, { headers: JSON_HEADERS, body: big });
      expect(declared.status).toBe(413);
      expect(rpcError(declared)).toEqual({ code: -32600, message: 'Request body too large: at most 65536 bytes.' });
      const streamed = await raw(handle.url, { headers: JSON_HEADERS, body: big, chunked: true });
      expect(streamed.status).toBe(413);
    });

    test.each(['PUT', 'GET', 'DELETE', 'OPTIONS'])('%s gets 405 with Allow: POST (stateless)', async (method) => {
      const response = await raw(handle.url, { method, headers: JSON_HEADERS });
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('POST');
      expect(rpcError(response).message).toBe(`Method ${method} not allowed: this server is stateless; use POST.`);
    });

    test.each(['2025-06-18', '2025-11-25'])(
      'a batch under MCP-Protocol-Version %s gets 400 -32600',
      async (version) => {
        const response = await raw(handle.url, {
          headers: { ...JSON_HEADERS, 'mcp-protocol-version': version },
          body: JSON.stringify([
            { jsonrpc: '2.0', id: 1, method: 'ping' },
            { jsonrpc: '2.0', id: 2, method: 'ping' },
          ]),
        });
        expect(response.status).toBe(400);
        const error = rpcError(response);
        expect(error.code).toBe(-32600);
        expect(error.message).toContain(`not accepted under protocol revision ${version}`);
      },
    );

    test('a batch without the header (2025-03-26 assumed) is served', async () => {
      const response = await raw(handle.url, {
        headers: JSON_HEADERS,
        body: JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'ping' },
          { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        ]),
      });
      expect(response.status).toBe(200);
      const answers = messages(response);
      expect(answers.map((answer) => answer.id).sort()).toEqual([1, 2]);
      expect(answers.find((answer) => answer.id === 2)).toMatchObject({
        result: { tools: [{ name: 'echo' }, { name: 'gated' }] },
      });
    });

    test('an empty batch gets 400', async () => {
      const response = await raw(handle.url, { headers: JSON_HEADERS, body: '[]' });
      expect(response.status).toBe(400);
      expect(rpcError(response)).toEqual({ code: -32600, message: 'Invalid Request: an empty JSON-RPC batch.' });
    });
  });

  describe('official clients', () => {
    test.each(['2025-06-18', '2025-11-25'])('a %s client is served', async (protocolVersion) => {
      const connection = await connectHttp(handle.url, { protocolVersion });
      try {
        expect(connection.client.getNegotiatedProtocolVersion()).toBe(protocolVersion);
        expect(await echo(connection, 'hi')).toEqual([{ type: 'text', text: 'hi (legacy)' }]);
      } finally {
        await connection.close();
      }
    });

    test('a 2026-07-28 client is served', async () => {
      const connection = await connectHttp(handle.url, { era: 'modern' });
      try {
        expect(connection.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
        expect(await echo(connection, 'hi')).toEqual([{ type: 'text', text: 'hi (modern)' }]);
      } finally {
        await connection.close();
      }
    });
  });
});

describe('allowedHosts and allowedOrigins', () => {
  let handle: HttpHandle;

  beforeAll(async () => {
    handle = await serveHttp(makeApp(), {
      port: 0,
      allowedHosts: ['mcp.example.com'],
      allowedOrigins: ['app.example.com'],
    });
  });

  afterAll(async () => {
    await handle.close({ graceMs: 0 });
  });

  test('extend the accepted Host and Origin names', async () => {
    const response = await raw(handle.url, {
      headers: { ...JSON_HEADERS, host: 'mcp.example.com', origin: 'https://app.example.com' },
      body: initialize(),
    });
    expect(response.status).toBe(200);
  });

  test('do not accept other names, nor a Host listed only as an origin', async () => {
    expect(
      (await raw(handle.url, { headers: { ...JSON_HEADERS, host: 'app.example.com' }, body: initialize() })).status,
    ).toBe(403);
    expect(
      (await raw(handle.url, { headers: { ...JSON_HEADERS, origin: 'https://mcp.example.com' }, body: initialize() }))
        .status,
    ).toBe(403);
  });
});

describe('the HTTP front, stateful', () => {
  let server: Server;
  let listener: HttpListener;
  let url: string;

  async function start(options: ServeHttpOptions = {}): Promise<void> {
    listener = createHttpListener(makeApp(), { mode: 'stateful', ...options });
    server = createNodeServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  }

  afterEach(async () => {
    await listener.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function openSession(): Promise<string> {
    const response = await raw(url, { headers: JSON_HEADERS, body: initialize('2025-06-18') });
    expect(response.status).toBe(200);
    const sessionId = response.headers['mcp-session-id'];
    expect(typeof sessionId).toBe('string');
    await raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId as string, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    return sessionId as string;
  }

  test('initialize issues an Mcp-Session-Id and later requests reuse the session', async () => {
    await start();
    const sessionId = await openSession();
    expect(listener.sessionCount).toBe(1);
    const response = await raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'x' } },
      }),
    });
    expect(response.status).toBe(200);
    expect(messages(response)[0]).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: 'x (legacy)' }] } });
    expect(listener.sessionCount).toBe(1);
  });

  test('the official 2025-era client keeps one session across calls', async () => {
    await start();
    const connection = await connectHttp(url, { protocolVersion: '2025-11-25' });
    try {
      expect(await echo(connection, 'a')).toEqual([{ type: 'text', text: 'a (legacy)' }]);
      expect(await echo(connection, 'b')).toEqual([{ type: 'text', text: 'b (legacy)' }]);
      expect(listener.sessionCount).toBe(1);
    } finally {
      await connection.close();
    }
  });

  test('an unknown session id gets 404', async () => {
    await start();
    const response = await raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
    });
    expect(response.status).toBe(404);
    expect(rpcError(response)).toEqual({
      code: -32001,
      message: 'Session not found: it expired or was closed. Initialize a new session.',
    });
  });

  test('an unsupported method gets 405 with Allow: GET, POST, DELETE (stateful)', async () => {
    await start();
    const response = await raw(url, { method: 'PUT', headers: JSON_HEADERS, body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, POST, DELETE');
  });

  test("a batch in a session is judged by the session's negotiated revision, not by the header", async () => {
    await start();
    const sessionId = await openSession();
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ]);
    for (const header of [{}, { 'mcp-protocol-version': '2025-03-26' }] as Record<string, string>[]) {
      const response = await raw(url, {
        headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId, ...header },
        body: batch,
      });
      expect(response.status).toBe(400);
      expect(rpcError(response).message).toContain('not accepted under protocol revision 2025-06-18');
    }
  });

  test('a request without a session that is not initialize gets 400', async () => {
    await start();
    const response = await raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }),
    });
    expect(response.status).toBe(400);
    expect(rpcError(response).message).toMatch(/^Bad Request: send initialize first/);
  });

  test('DELETE ends the session', async () => {
    await start();
    const sessionId = await openSession();
    const headers = { ...JSON_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const deleted = await raw(url, { method: 'DELETE', headers });
    expect(deleted.status).toBe(200);
    expect(listener.sessionCount).toBe(0);
    const after = await raw(url, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }) });
    expect(after.status).toBe(404);
  });

  test('sessions are capped by maxSessions with 503 and Retry-After', async () => {
    await start({ maxSessions: 1 });
    await openSession();
    const refused = await raw(url, { headers: JSON_HEADERS, body: initialize('2025-06-18') });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(rpcError(refused)).toEqual({
      code: -32000,
      message: 'Too many sessions (1); close idle sessions or retry later.',
    });
    expect(listener.sessionCount).toBe(1);
  });

  test('a 2026-07-28 client is served per request, without a session', async () => {
    await start({ maxSessions: 1 });
    await openSession();
    const connection = await connectHttp(url, { era: 'modern' });
    try {
      expect(connection.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(await echo(connection, 'm')).toEqual([{ type: 'text', text: 'm (modern)' }]);
      expect(listener.sessionCount).toBe(1);
    } finally {
      await connection.close();
    }
  });

  /** A ping on the session: 200 while it lives, 404 once it is gone. */
  async function pingStatus(sessionId: string): Promise<number> {
    const response = await raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
    });
    return response.status;
  }

  test('a session idle for sessionIdleMs is closed', async () => {
    await start({ sessionIdleMs: 200 });
    const sessionId = await openSession();
    const deadline = Date.now() + 5000;
    while (listener.sessionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(listener.sessionCount).toBe(0);
    expect(await pingStatus(sessionId)).toBe(404);
  });

  test('a session with a call still running is not idle: the call gets its answer and the session lives on', async () => {
    await start({ sessionIdleMs: 400 });
    const sessionId = await openSession();
    gate.started = deferred();
    gate.release = deferred();
    const call = raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'gated', arguments: {} } }),
    });
    await gate.started.promise;
    // Sweeps (one every 400 ms) pass while the call runs.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(listener.sessionCount).toBe(1);
    gate.release.resolve();
    const response = await call;
    expect(response.status).toBe(200);
    expect(messages(response)[0]).toMatchObject({ id: 5, result: { content: [{ type: 'text', text: 'released' }] } });
    // Its idle time counts from the end of the call.
    expect(await pingStatus(sessionId)).toBe(200);
  });

  test('close() ends every session', async () => {
    await start();
    const sessionId = await openSession();
    await listener.close();
    expect(listener.sessionCount).toBe(0);
    const after = await raw(url, {
      headers: { ...JSON_HEADERS, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }),
    });
    expect(after.status).toBe(404);
  });
});

describe('slow uploads', () => {
  test('a body that stalls past bodyTimeoutMs gets 408 and frees its concurrency slot', async () => {
    const handle = await serveHttp(makeApp(), { port: 0, bodyTimeoutMs: 300, maxConcurrency: 1 });
    const socket = connect(handle.port, '127.0.0.1');
    try {
      const answer = new Promise<string>((resolve) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
      });
      // Headers announce 100 bytes; 10 arrive, then nothing.
      socket.write(
        'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
          'Accept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n{"jsonrpc"',
      );
      const text = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(text).toContain('Request Timeout: the body did not arrive within 300 ms');
      // The one slot is free again.
      const next = await raw(handle.url, {
        headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-11-25' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      expect(next.status).toBe(200);
    } finally {
      socket.destroy();
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('Expect: 100-continue', () => {
  test('a body over the limit is refused before it is sent; one within it is asked for and served', async () => {
    const handle = await serveHttp(makeApp(), { port: 0, maxBodyBytes: 1024 });
    const exchange = (length: number, body: string) =>
      new Promise<{ continued: boolean; text: string }>((resolve) => {
        const socket = connect(handle.port, '127.0.0.1');
        let text = '';
        let continued = false;
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
          const interim = /^HTTP\/1\.1 100 [^\r]*\r\n\r\n/.exec(text);
          if (interim !== null) {
            continued = true;
            text = text.slice(interim[0].length);
            socket.end(body);
          }
        });
        socket.on('close', () => resolve({ continued, text }));
        socket.write(
          'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
            'Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-11-25\r\n' +
            `Connection: close\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`,
        );
      });
    try {
      const refused = await exchange(5 * 1024 * 1024, '');
      // No 100 Continue first: the client never sends the body.
      expect(refused.continued).toBe(false);
      expect(refused.text).toMatch(/^HTTP\/1\.1 413 /);
      expect(refused.text).toContain('Request body too large: at most 1024 bytes.');
      const ping = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' });
      const served = await exchange(Buffer.byteLength(ping), ping);
      expect(served.continued).toBe(true);
      expect(served.text).toMatch(/^HTTP\/1\.1 200 /);
      expect(served.text).toContain('"id":7');
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('a client that disconnects mid-upload', () => {
  test('is logged at debug, not as a server error', async () => {
    const lines: { level: string; msg: string }[] = [];
    const logger = createLogger({
      level: 'debug',
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as { level: string; msg: string }) },
    });
    const app = createServer({ name: 'disconnect-test', version: '1.0.0', logger, tools: [] });
    const handle = await serveHttp(app, { port: 0 });
    try {
      const received = new Promise((resolve) => handle.server.once('request', resolve));
      const socket = connect(handle.port, '127.0.0.1');
      socket.write(
        'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"js',
      );
      // Once the front is reading the body, the client resets the connection.
      await received;
      socket.resetAndDestroy();
      const deadline = Date.now() + 5000;
      while (!lines.some((line) => line.msg.startsWith('client disconnected')) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(lines.find((line) => line.msg.startsWith('client disconnected'))?.level).toBe('debug');
      expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('serveHttp close()', () => {
  test.each([
    ['stateless', {}],
    ['stateful', { mode: 'stateful' as const }],
  ])('lets a call in flight finish and answers it (%s)', async (_label, options) => {
    gate.started = deferred();
    gate.release = deferred();
    const handle = await serveHttp(makeApp(), { port: 0, ...options });
    const connection = await connectHttp(handle.url);
    const call = connection.client.callTool({ name: 'gated', arguments: {} });
    await gate.started.promise;
    const closing = handle.close({ graceMs: 10_000 });
    gate.release.resolve();
    await expect(call).resolves.toMatchObject({ content: [{ type: 'text', text: 'released' }] });
    await closing;
    await connection.close().catch(() => undefined);
    await expect(raw(`${new URL(handle.url).origin}/healthz`, { method: 'GET' })).rejects.toThrow();
  });

  test('reports EADDRINUSE when the port is taken', async () => {
    const first = await serveHttp(makeApp(), { port: 0 });
    try {
      await expect(serveHttp(makeApp(), { port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close({ graceMs: 0 });
    }
  });
});
