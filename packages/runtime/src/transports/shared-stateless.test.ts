import { request, type IncomingMessage } from 'node:http';

import { parseJSONRPCMessage } from '@modelcontextprotocol/server';

import { afterEach, describe, expect, test } from 'vitest';
import * as z from 'zod';

import { defineTool } from '../define.js';
import { createLogger } from '../logger.js';
import { createServer, type McpApp } from '../server.js';
import { connectHttp } from '../testing/index.js';
import { serveHttp, type HttpHandle, type ServeHttpOptions } from './http.js';
import { shareableRequest } from './shared-stateless.js';

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  contentType: string;
  messages: Json[];
}

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...HEADERS, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const contentType = res.headers['content-type'] ?? '';
        const messages = contentType.startsWith('text/event-stream')
          ? text
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => JSON.parse(line.slice(6)) as Json)
          : text === ''
            ? []
            : [JSON.parse(text) as Json];
        resolve({ status: res.statusCode!, contentType, messages });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function call(id: string | number, name: string, args: Json, meta?: Json): Json {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
  };
}

let started: { aborted: boolean } | undefined;
let release: (() => void) | undefined;

function testApp(): { app: McpApp; built: () => number } {
  const app = createServer({
    name: 'shared',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    metrics: false,
    journal: false,
    tools: [
      defineTool({
        name: 'echo',
        description: 'Echoes text after a delay, so that calls overlap.',
        input: z.object({ text: z.string(), delayMs: z.number().int().min(0).default(0) }),
        run: async ({ text, delayMs }) => {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          return `echo: ${text}`;
        },
      }),
      defineTool({
        name: 'steps',
        description: 'Reports progress twice, then answers.',
        run: async (_args, ctx) => {
          await ctx.progress(1, 2, 'half');
          await ctx.progress(2, 2, 'done');
          return 'finished';
        },
      }),
      defineTool({
        name: 'request_id',
        description: 'Answers with the request id the runtime gave the call.',
        run: (_args, ctx) => ctx.requestId,
      }),
      defineTool({
        name: 'wait',
        description: 'Waits until released or cancelled.',
        run: (_args, ctx) =>
          new Promise<string>((resolve) => {
            const state = { aborted: false };
            started = state;
            release = () => resolve('released');
            ctx.signal.addEventListener('abort', () => {
              state.aborted = true;
              resolve('aborted');
            });
          }),
      }),
    ],
  });
  let count = 0;
  const factory = app.factory;
  return {
    app: {
      ...app,
      factory: (context) => {
        count += 1;
        return factory(context);
      },
    },
    built: () => count,
  };
}

let handle: HttpHandle | undefined;
afterEach(async () => {
  await handle?.close({ graceMs: 0 });
  handle = undefined;
  started = undefined;
  release = undefined;
});

async function serve(app: McpApp, options: ServeHttpOptions = {}): Promise<string> {
  handle = await serveHttp(app, { port: 0, ...options });
  return handle.url;
}

describe('shared-stateless serving', () => {
  test('concurrent calls with the same JSON-RPC id each get their own answer, with their own id', async () => {
    const { app, built } = testApp();
    const url = await serve(app);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) => post(url, call(1, 'echo', { text: `n${index}`, delayMs: 20 - index }))),
    );
    answers.forEach((answer, index) => {
      expect(answer.status).toBe(200);
      expect(answer.messages).toEqual([
        { jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: `echo: n${index}` }] } },
      ]);
    });
    // One long-lived instance served them all.
    expect(built()).toBe(1);
  });

  test('builds one instance per request when sharing is off', async () => {
    const { app, built } = testApp();
    const url = await serve(app, { shareInstances: false });
    for (const id of ['a', 'b', 'c']) {
      const answer = await post(url, call(id, 'echo', { text: id }));
      expect(answer.messages[0]).toMatchObject({ id, result: { content: [{ text: `echo: ${id}` }] } });
    }
    expect(built()).toBe(3);
  });

  test('streams the notifications of a call as SSE, then the answer', async () => {
    const { app } = testApp();
    const url = await serve(app);
    const answer = await post(url, call('p', 'steps', {}, { progressToken: 'tok' }));
    expect(answer.contentType).toMatch(/^text\/event-stream/);
    expect(answer.messages).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 'tok', progress: 1, total: 2, message: 'half' },
      },
      {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 'tok', progress: 2, total: 2, message: 'done' },
      },
      { jsonrpc: '2.0', id: 'p', result: { content: [{ type: 'text', text: 'finished' }] } },
    ]);
  });

  test('answers protocol errors with the client id', async () => {
    const { app } = testApp();
    const url = await serve(app);
    const missing = await post(url, call(42, 'missing', {}));
    expect(missing.messages).toEqual([
      { jsonrpc: '2.0', id: 42, error: { code: -32602, message: 'Tool missing not found' } },
    ]);
    const invalid = await post(url, call(43, 'echo', { text: 7 }));
    expect(invalid.messages[0]).toMatchObject({ id: 43, result: { isError: true } });
  });

  test('takes the request id from X-Request-ID without building a web Request', async () => {
    const { app } = testApp();
    const url = await serve(app);
    const answer = await post(url, call(1, 'request_id', {}), { 'x-request-id': 'req-from-header-1' });
    expect(answer.messages[0]).toMatchObject({ result: { content: [{ text: 'req-from-header-1' }] } });
  });

  test('cancels the call when the client disconnects', async () => {
    const { app } = testApp();
    const url = await serve(app);
    const req = request(url, { method: 'POST', headers: HEADERS });
    req.on('error', () => undefined);
    req.end(JSON.stringify(call(1, 'wait', {})));
    for (let waited = 0; started === undefined && waited < 5000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(started).toBeDefined();
    req.destroy();
    for (let waited = 0; started?.aborted !== true && waited < 5000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(started?.aborted).toBe(true);
    release?.();
  });

  test('leaves initialize and 2026-07-28 clients to the SDK, which then share calls as usual', async () => {
    const { app, built } = testApp();
    const url = await serve(app);
    for (const options of [{}, { era: 'modern' as const }]) {
      const connection = await connectHttp(url, options);
      try {
        const result = await connection.client.callTool({ name: 'echo', arguments: { text: 'sdk' } });
        expect(result.content).toEqual([{ type: 'text', text: 'echo: sdk' }]);
      } finally {
        await connection.close();
      }
    }
    expect(built()).toBeGreaterThan(1);
  });
});

describe('shareableRequest', () => {
  const req = { method: 'POST', headers: { ...HEADERS } } as unknown as IncomingMessage;

  test('reads a request as the SDK parses it, with or without zod', () => {
    const bodies: unknown[] = [
      call(1, 'echo', { text: 'hi' }),
      call('a-1', 'echo', {}),
      call(2, 'echo', {}, { progressToken: 7 }),
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ];
    for (const body of bodies) {
      expect(shareableRequest(req, structuredClone(body))).toEqual(parseJSONRPCMessage(structuredClone(body)));
    }
  });

  test('refuses what the SDK would not take as a request', () => {
    const bodies: unknown[] = [
      { ...call(1, 'echo', {}), extra: true },
      { ...call(1, 'echo', {}), jsonrpc: '1.0' },
      { ...call(1.5, 'echo', {}) },
      { ...call(1, 'echo', {}), params: [] },
      call(1, 'echo', {}, { progressToken: 1.5 }),
      { jsonrpc: '2.0', method: 'tools/call', params: {} },
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: {} },
    ];
    for (const body of bodies) expect(shareableRequest(req, body)).toBeUndefined();
  });
});
