import type { CallToolResult } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';

import { defineTool } from '../define.js';
import { startFakeUpstream, type FakeUpstream } from '../fake/index.js';
import { createLogger } from '../logger.js';
import { createServer, type ServerOptions } from '../server.js';
import { connectInProcess } from '../testing/index.js';
import { createUpstreamClient } from '../upstream/client.js';
import { collect, removeTempDirs, tempDir } from './__fixtures__/helpers.js';
import { readJournal } from './reader.js';
import { createReplayFetch } from './replay.js';

let fake: FakeUpstream;
let baseUrl: string;

beforeAll(async () => {
  fake = await startFakeUpstream({
    name: 'Acme',
    routes: [
      {
        method: 'GET',
        path: '/v1/items/:id',
        handle: (req) =>
          req.params.id === 'missing'
            ? { status: 404, body: { error: { message: 'No such item' } } }
            : { body: { data: { id: req.params.id, name: `Item ${req.params.id}`, owner_token: 'tok-owner-1' } } },
      },
      {
        method: 'GET',
        path: '/v1/search',
        handle: (req) => ({ body: { q: req.query.q, results: [`${req.query.q}-1`, `${req.query.q}-2`] } }),
      },
      { method: 'POST', path: '/v1/items', handle: (req) => ({ status: 201, body: { created: req.body } }) },
      { method: 'DELETE', path: '/v1/items/:id', handle: () => ({ status: 204, raw: '' }) },
    ],
    errorBody: (_status, message) => ({ error: { message } }),
  });
  baseUrl = fake.url;
});

afterAll(async () => {
  await fake.close().catch(() => undefined);
  await removeTempDirs();
});

/** A server whose tools call Acme through the upstream client, reporting each exchange to the call. */
function server(options: { fetch?: typeof fetch; journal: ServerOptions['journal'] }) {
  const upstream = createUpstreamClient({
    name: 'Acme',
    baseUrl: `${baseUrl}/v1`,
    headers: { authorization: 'Bearer sk-header-secret' },
    errorMessage: (body) => (body as { error?: { message?: string } } | undefined)?.error?.message,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
    breaker: false,
    metrics: false,
    health: false,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  return createServer({
    name: 'acme',
    version: '1.0.0',
    metrics: false,
    logger: createLogger({ level: 'silent' }),
    journal: options.journal,
    tools: [
      defineTool({
        name: 'get_item',
        description: 'Gets an item',
        input: z.object({ id: z.string() }),
        run: async ({ id }, ctx) => {
          const response = await upstream.request({
            path: `/items/${id}`,
            signal: ctx.signal,
            requestId: ctx.requestId,
            onExchange: (exchange) => ctx.recordExchange(exchange),
          });
          return response.data as Record<string, unknown>;
        },
      }),
      defineTool({
        name: 'search',
        description: 'Searches',
        input: z.object({ q: z.string() }),
        run: async ({ q }, ctx) => {
          const response = await upstream.request({
            path: '/search',
            query: { q, key: 'qk-query-secret' },
            signal: ctx.signal,
            onExchange: (exchange) => ctx.recordExchange(exchange),
          });
          return response.data as Record<string, unknown>;
        },
      }),
      defineTool({
        name: 'create_item',
        description: 'Creates an item',
        input: z.object({ name: z.string() }),
        run: async ({ name }, ctx) => {
          const response = await upstream.request({
            method: 'POST',
            path: '/items',
            body: { name },
            signal: ctx.signal,
            onExchange: (exchange) => ctx.recordExchange(exchange),
          });
          return { status: response.status, ...(response.data as Record<string, unknown>) };
        },
      }),
      defineTool({
        name: 'delete_item',
        description: 'Deletes an item',
        input: z.object({ id: z.string() }),
        run: async ({ id }, ctx) => {
          const response = await upstream.request({
            method: 'DELETE',
            path: `/items/${id}`,
            signal: ctx.signal,
            onExchange: (exchange) => ctx.recordExchange(exchange),
          });
          return `deleted (${response.status})`;
        },
      }),
    ],
  });
}

const CALLS: { name: string; arguments: Record<string, unknown>; before?: () => void }[] = [
  { name: 'get_item', arguments: { id: 'a' } },
  { name: 'search', arguments: { q: 'cats' } },
  // The first attempt fails with a 503 and is retried: both attempts are recorded and replayed.
  { name: 'get_item', arguments: { id: 'b' }, before: () => fake.fail({ status: 503, message: 'Overloaded' }) },
  { name: 'get_item', arguments: { id: 'missing' } },
  { name: 'create_item', arguments: { name: 'Lamp' } },
  { name: 'get_item', arguments: { id: 'a' } },
  { name: 'search', arguments: { q: 'dogs' } },
  { name: 'delete_item', arguments: { id: 'a' } },
];

/** A result without what differs between runs by design (the request id in error metadata). */
function comparable(result: unknown): unknown {
  const { _meta: _ignored, ...rest } = result as CallToolResult;
  return rest;
}

async function runCalls(app: ReturnType<typeof server>): Promise<unknown[]> {
  const { client, close } = await connectInProcess(app);
  const results: unknown[] = [];
  for (const call of CALLS) {
    call.before?.();
    results.push(comparable(await client.callTool({ name: call.name, arguments: call.arguments })));
  }
  await close();
  return results;
}

describe('record and replay', () => {
  test('calls recorded against the fake upstream replay with identical results once the fake is gone', async () => {
    const dir = await tempDir();
    const recording = server({ journal: { dir, fsync: 'off', recordBodies: true, redact: ['owner_token'] } });
    const recorded = await runCalls(recording);
    await recording.close();
    expect(fake.requests).toHaveLength(CALLS.length + 1);
    expect(recorded[3]).toMatchObject({ isError: true });

    const records = await collect(readJournal(dir));
    const retried = records[2]!.exchanges!;
    expect(retried.map((exchange) => [exchange.status, exchange.attempt])).toEqual([
      [503, 1],
      [200, 2],
    ]);
    const text = JSON.stringify(records);
    expect(text).not.toMatch(/sk-header-secret|qk-query-secret|tok-owner-1/);
    expect(records[0]!.exchanges![0]!.response?.body).toContain('"owner_token":"[redacted]"');

    await fake.close();
    const replay = await createReplayFetch(dir);
    const replaying = server({ fetch: replay, journal: false });
    // The one difference is the redacted field: the recording kept no secret to replay.
    const expected = JSON.parse(JSON.stringify(recorded).replaceAll('tok-owner-1', '[redacted]')) as unknown[];
    expect(await runCalls(replaying)).toEqual(expected);
    expect(replay.unused()).toEqual([]);
  });

  test('an unrecorded request fails clearly, naming it and what was recorded', async () => {
    const dir = await tempDir();
    const { openJournal } = await import('./journal.js');
    const journal = openJournal({ dir, metrics: false, recordBodies: true, logger: createLogger({ level: 'silent' }) });
    await journal.append({
      method: 'tools/call',
      name: 'get_item',
      requestId: 'r1',
      durationMs: 1,
      status: 'ok',
      exchanges: [
        {
          upstream: 'Acme',
          method: 'GET',
          url: 'http://127.0.0.1:9/v1/items/a?api_key=live-key',
          status: 200,
          attempt: 1,
          startedAt: 0,
          durationMs: 1,
          response: { headers: { 'content-type': 'application/json' }, body: '{"id":"a"}' },
        },
      ],
    });
    await journal.close();

    const replay = await createReplayFetch(dir);
    await expect(replay('http://elsewhere.test/v1/items/b')).rejects.toMatchObject({
      failure: 'not_recorded',
      message:
        'Replay has no recorded exchange for GET /v1/items/b. Recorded: GET /v1/items/a?api_key=%5Bredacted%5D (1 left).',
    });
    // The secret query value was redacted when recorded; any value matches it.
    const response = await replay('http://elsewhere.test/v1/items/a?api_key=another-key');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ id: 'a' });
    await expect(replay('http://elsewhere.test/v1/items/a?api_key=x')).rejects.toThrow(
      'Replay has no recorded exchange for GET /v1/items/a?api_key=%5Bredacted%5D. Every recording of it was replayed already. Nothing is left to replay.',
    );
    const repeating = await createReplayFetch(dir, { exhausted: 'repeat' });
    await repeating('http://x.test/v1/items/a?api_key=1');
    expect((await repeating('http://x.test/v1/items/a?api_key=2')).status).toBe(200);
  });

  test('a recording without bodies says how to record them', async () => {
    const dir = await tempDir();
    const { openJournal } = await import('./journal.js');
    const journal = openJournal({ dir, metrics: false, logger: createLogger({ level: 'silent' }) });
    await journal.append({
      method: 'tools/call',
      name: 't',
      requestId: 'r',
      durationMs: 1,
      status: 'ok',
      exchanges: [
        {
          method: 'GET',
          url: 'http://h/x',
          status: 200,
          attempt: 1,
          startedAt: 0,
          durationMs: 1,
          response: { body: '{}' },
        },
      ],
    });
    await journal.close();
    const replay = await createReplayFetch(dir);
    await expect(replay('http://h/x')).rejects.toThrow(
      'The recording of GET /x has no response body: record with MCP_JOURNAL_RECORD_BODIES=1.',
    );
  });
});
