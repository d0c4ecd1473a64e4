// Protocol fuzzing (fast-check): thousands of malformed, oversized and wrong-typed JSON-RPC frames
// over stdio and over HTTP. The server must never crash, must answer each frame the way JSON-RPC
// and the transport rules say (an oracle below computes the expected answer of every frame), and
// must keep serving valid requests afterwards.
import { parseJSONRPCMessage } from '@modelcontextprotocol/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { bundleFixture, spawnRaw, type RawServer } from '../__fixtures__/process.js';
import { defineTool } from '../define.js';
import { createLogger } from '../logger.js';
import { createServer } from '../server.js';
import * as z from 'zod';
import { serveHttp, type HttpHandle } from './http.js';

const MAX_MESSAGE_BYTES = 64 * 1024;

type Expected =
  | { kind: 'none' }
  | { kind: 'error'; code: number; id: string | number | null }
  | { kind: 'answer'; id: string | number };

const methods = fc.constantFrom(
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'prompts/list',
  'no/such/method',
  'notifications/initialized',
  'completion/complete',
);
const weird = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.string(),
  fc.jsonValue(),
  fc.constant(undefined),
);
/** Objects that look more or less like JSON-RPC messages. */
const rpcLike = fc.record(
  {
    jsonrpc: fc.oneof({ weight: 4, arbitrary: fc.constant('2.0') }, weird),
    id: fc.oneof(
      { weight: 3, arbitrary: fc.constant('USABLE') },
      fc.constant(null),
      fc.object(),
      fc.boolean(),
      fc.double({ noDefaultInfinity: false }),
    ),
    method: fc.oneof({ weight: 4, arbitrary: methods }, weird),
    params: fc.oneof(
      fc.record({
        name: fc.constantFrom('echo', 'missing'),
        arguments: fc.oneof(fc.record({ text: fc.oneof(fc.string(), fc.integer()) }), weird),
      }),
      fc.object(),
      weird,
    ),
    result: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
/** One frame as the text written on the wire. */
const frame = fc.oneof(
  { weight: 6, arbitrary: rpcLike.map((value) => ({ value })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((text) => ({ text })) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => ({ value })) },
  { weight: 1, arbitrary: fc.array(rpcLike, { maxLength: 3 }).map((value) => ({ value })) },
  { weight: 1, arbitrary: rpcLike.map((value) => ({ truncated: JSON.stringify(value) })) },
);

let nextId = 0;
/** Gives a frame a unique id where it asked for a usable one, and renders it as text. */
function render(input: { value?: unknown; text?: string; truncated?: string }): string {
  const assign = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(assign);
    const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
    // Every usable id (a string or a finite number) is made unique, keeping its type, so answers can
    // be matched to frames; unusable ids (null, objects, booleans, NaN) stay as generated.
    if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) {
      nextId += 1;
      const unique =
        id === 'USABLE'
          ? nextId % 2 === 0
            ? `f${nextId}`
            : 100_000 + nextId
          : typeof id === 'string'
            ? `s${nextId}`
            : 200_000 + nextId;
      return { ...(value as Record<string, unknown>), id: unique };
    }
    return value;
  };
  if (input.text !== undefined) return input.text.replace(/[\r\n]/g, ' ');
  if (input.truncated !== undefined) return input.truncated.slice(0, Math.max(1, input.truncated.length - 2));
  return JSON.stringify(assign(input.value)) ?? 'undefined';
}

function usableId(value: unknown): string | number | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/** What a stdio server answers to one line, per JSON-RPC and the transport's rules. */
function expectedOverStdio(line: string): Expected {
  if (line.trim() === '') return { kind: 'none' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'error', code: -32700, id: null };
  }
  if (Array.isArray(value)) return { kind: 'error', code: -32600, id: null }; // batches refused under 2025-11-25
  let valid = true;
  try {
    parseJSONRPCMessage(value);
  } catch {
    valid = false;
  }
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  if (!valid) {
    if (object !== undefined && !('id' in object) && typeof object.method === 'string') return { kind: 'none' };
    return { kind: 'error', code: -32600, id: usableId(value) };
  }
  const id = usableId(value);
  if (object !== undefined && typeof object.method === 'string' && id !== null) return { kind: 'answer', id };
  return { kind: 'none' }; // a notification, or a response to nothing
}

describe('stdio', () => {
  let bundle: { file: string; remove: () => Promise<void> };
  let server: RawServer;
  beforeAll(async () => {
    bundle = await bundleFixture('stdio-server.mjs');
    server = spawnRaw(bundle.file, ['--max-message-bytes', String(MAX_MESSAGE_BYTES)]);
    server.send({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } },
    });
    await server.until((messages) => messages.some((message) => (message as { id?: unknown }).id === 'init'));
    server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });
  afterAll(async () => {
    server.child.stdin.end();
    await server.exited;
    await bundle.remove();
  });

  test('2000 fuzzed frames: every one answered as JSON-RPC says, nothing else on stdout, still serving', async () => {
    const lines = fc.sample(frame, { numRuns: 2000, seed: 20261122 }).map(render);
    // Oversized lines: answered with -32600 to the id their first bytes name, and skipped; the next line still works.
    for (let index = 0; index < 5; index += 1)
      lines.splice(
        index * 300,
        0,
        `{"jsonrpc":"2.0","id":"big${index}","method":"ping","params":{"x":"${'y'.repeat(MAX_MESSAGE_BYTES)}"}}`,
      );
    const expected = lines.map((line) =>
      line.length > MAX_MESSAGE_BYTES
        ? ({ kind: 'error', code: -32600, id: (JSON.parse(line) as { id: string }).id } as const)
        : expectedOverStdio(line),
    );
    const before = server.messages().length;
    const counts = { none: 0, answer: 0, errorWithId: 0, errorNull: 0 };
    for (const entry of expected) {
      if (entry.kind === 'none') counts.none += 1;
      else if (entry.kind === 'answer') counts.answer += 1;
      else if (entry.id === null) counts.errorNull += 1;
      else counts.errorWithId += 1;
    }
    // The sample must exercise every class of frame.
    expect(counts, JSON.stringify(counts)).toEqual({
      none: expect.any(Number),
      answer: expect.any(Number),
      errorWithId: expect.any(Number),
      errorNull: expect.any(Number),
    });
    for (const count of Object.values(counts)) expect(count, JSON.stringify(counts)).toBeGreaterThan(20);
    for (const line of lines) server.child.stdin.write(`${line}\n`);
    server.send({
      jsonrpc: '2.0',
      id: 'after',
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'still here' } },
    });
    const answers = expected.filter((entry) => entry.kind === 'answer') as { id: string | number }[];
    const nullErrors = expected.filter((entry) => entry.kind === 'error' && entry.id === null).length;
    await server.until((messages) => {
      const ids = new Set(messages.map((message) => (message as { id?: unknown }).id));
      return ids.has('after') && answers.every((answer) => ids.has(answer.id));
    }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // stragglers that must not come
    const received = server.messages().slice(before) as {
      jsonrpc?: string;
      id?: unknown;
      error?: { code: number };
      result?: unknown;
    }[];
    expect(received.every((message) => message.jsonrpc === '2.0')).toBe(true);
    const byId = new Map<unknown, typeof received>();
    for (const message of received) byId.set(message.id, [...(byId.get(message.id) ?? []), message]);
    for (const [index, entry] of expected.entries()) {
      if (entry.kind === 'none' || entry.id === null) continue;
      const got = byId.get(entry.id) ?? [];
      expect(got, `frame ${index}: ${lines[index]!.slice(0, 200)}`).toHaveLength(1);
      if (entry.kind === 'error')
        expect(got[0]!.error?.code, `frame ${index}: ${lines[index]!.slice(0, 200)}`).toBe(entry.code);
      else
        expect(
          got[0]!.error === undefined || [-32601, -32602, -32600].includes(got[0]!.error.code),
          `frame ${index}`,
        ).toBe(true);
    }
    const nullIdErrors = received.filter((message) => message.id === null);
    expect(nullIdErrors).toHaveLength(nullErrors);
    expect(new Set(nullIdErrors.map((message) => message.error?.code))).toEqual(
      new Set(
        expected
          .filter((entry) => entry.kind === 'error' && entry.id === null)
          .map((entry) => (entry as { code: number }).code),
      ),
    );
    const after = byId.get('after')?.[0] as { result?: { content?: { text?: string }[] } } | undefined;
    expect(after?.result?.content?.[0]?.text).toBe('still here');
    expect(server.child.exitCode).toBeNull();
  }, 120_000);
});

describe('http', () => {
  let handle: HttpHandle;
  beforeAll(async () => {
    const app = createServer({
      name: 'fuzz',
      version: '1.0.0',
      logger: createLogger({ level: 'silent' }),
      metrics: false,
      tools: [
        defineTool({
          name: 'echo',
          description: 'Echoes',
          input: z.object({ text: z.string() }),
          run: ({ text }) => text,
        }),
      ],
    });
    handle = await serveHttp(app, { port: 0, maxBodyBytes: MAX_MESSAGE_BYTES });
  });
  afterAll(() => handle.close({ graceMs: 0 }));

  test('fuzzed POST bodies: never a 5xx, always a JSON-RPC error body for a 4xx, the right code for each class, still serving', async () => {
    await fc.assert(
      fc.asyncProperty(frame, async (input) => {
        const body = render(input);
        const response = await fetch(handle.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': '2025-11-25',
          },
          body,
        });
        const text = await response.text();
        expect(response.status, body).toBeLessThan(500);
        let parsed: unknown;
        let isJson = true;
        try {
          parsed = JSON.parse(body);
        } catch {
          isJson = false;
        }
        if (!isJson) {
          expect(response.status).toBe(400);
          expect(JSON.parse(text)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
          return;
        }
        if (Array.isArray(parsed)) {
          expect(response.status).toBe(400);
          expect((JSON.parse(text) as { error: { code: number } }).error.code).toBe(-32600);
          return;
        }
        if (response.status === 400 || response.status === 404 || response.status === 405 || response.status === 406) {
          const error = JSON.parse(text) as { jsonrpc: string; error: { code: number } };
          expect(error.jsonrpc).toBe('2.0');
          expect([-32600, -32601, -32602, -32700, -32000]).toContain(error.error.code);
          return;
        }
        expect([200, 202]).toContain(response.status);
        const id = usableId(parsed);
        if (response.status === 200 && id !== null) expect(text).toContain(JSON.stringify(id));
      }),
      { numRuns: 1500, seed: 20261122 },
    );
    const oversized = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"${'y'.repeat(MAX_MESSAGE_BYTES)}"}}`,
    });
    expect(oversized.status).toBe(413);
    const alive = await fetch(handle.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 'alive',
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'still here' } },
      }),
    });
    expect(alive.status).toBe(200);
    expect(await alive.text()).toContain('still here');
  }, 180_000);
});
