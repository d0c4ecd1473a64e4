import { afterEach, describe, expect, test } from 'vitest';
import * as z from 'zod';

import { definePrompt, defineResource, defineTool } from '../define.js';
import { ToolError } from '../errors.js';
import { collect, open, removeTempDirs, tempDir } from '../journal/__fixtures__/helpers.js';
import { Journal } from '../journal/journal.js';
import { readJournal } from '../journal/reader.js';
import { createLogger } from '../logger.js';
import { createServer, type ServerOptions } from '../server.js';
import { connectInProcess } from '../testing/index.js';
import type { UpstreamExchange } from '../upstream/exchange.js';

afterEach(removeTempDirs);

const EXCHANGE: UpstreamExchange = {
  upstream: 'Acme',
  method: 'GET',
  url: 'https://api.acme.test/v1/users/ann?api_key=sk-live-123',
  status: 200,
  attempt: 1,
  startedAt: Date.parse('2026-01-01T00:00:00Z'),
  durationMs: 12.5,
  response: { headers: { 'content-type': 'application/json' }, body: '{"id":"ann"}' },
};

function app(journal: ServerOptions['journal']) {
  return createServer({
    name: 'journaled',
    version: '1.0.0',
    metrics: false,
    logger: createLogger({ level: 'silent' }),
    journal,
    tools: [
      defineTool({
        name: 'login',
        description: 'Logs in',
        input: z.object({ user: z.string(), apiSecret: z.string(), password: z.string().optional() }),
        sensitive: ['apiSecret'],
        run: ({ user }, ctx) => {
          ctx.recordExchange(EXCHANGE);
          ctx.recordExchange({ ...EXCHANGE, attempt: 2, status: 'network', error: 'ECONNRESET', response: undefined });
          return { user, token: 'session-token-1' };
        },
      }),
      defineTool({
        name: 'advise',
        description: 'Fails with advice',
        run: () => {
          throw new ToolError('Try a smaller range');
        },
      }),
      defineTool({
        name: 'crash',
        description: 'Fails unexpectedly',
        run: () => {
          throw new Error('database exploded');
        },
      }),
    ],
    resources: [defineResource({ name: 'readme', uri: 'docs://readme', read: () => 'Read me' })],
    prompts: [definePrompt({ name: 'greet', args: z.object({ who: z.string() }), get: ({ who }) => `Greet ${who}` })],
  });
}

describe('the journal policy', () => {
  test('records each call through a real client: args redacted, result or error, duration, request id, exchanges', async () => {
    const dir = await tempDir();
    const server = app({ dir, fsync: 'always' });
    const { client, close } = await connectInProcess(server);
    await client.callTool({ name: 'login', arguments: { user: 'ann', apiSecret: 's3cret', password: 'pw' } });
    const advised = await client.callTool({ name: 'advise', arguments: {} });
    const crashed = await client.callTool({ name: 'crash', arguments: {} });
    await client.readResource({ uri: 'docs://readme' });
    await client.getPrompt({ name: 'greet', arguments: { who: 'Bo' } });
    await close();
    await server.close();
    expect(server.journal?.writable).toBe(false);

    const records = await collect(readJournal(dir));
    expect(records.map((record) => [record.seq, record.method, record.name, record.status])).toEqual([
      [1, 'tools/call', 'login', 'ok'],
      [2, 'tools/call', 'advise', 'error'],
      [3, 'tools/call', 'crash', 'error'],
      [4, 'resources/read', 'readme', 'ok'],
      [5, 'prompts/get', 'greet', 'ok'],
    ]);
    const [login, advise, crash, readme, greet] = records;
    for (const record of records) {
      expect(record.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(record.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(records.map((record) => record.requestId)).size).toBe(5);

    expect(login!.args).toEqual({ user: 'ann', apiSecret: '[redacted]', password: '[redacted]' });
    // An object result without an output schema is a text block of JSON: redacted inside.
    const text = (login!.result as { content: { text: string }[] }).content[0]!.text;
    expect(JSON.parse(text)).toEqual({ user: 'ann', token: '[redacted]' });
    expect(JSON.stringify(login)).not.toMatch(/s3cret|session-token-1|sk-live-123/);
    expect(login!.exchanges).toEqual([
      {
        upstream: 'Acme',
        method: 'GET',
        url: 'https://api.acme.test/v1/users/ann?api_key=%5Bredacted%5D',
        status: 200,
        attempt: 1,
        startedAt: EXCHANGE.startedAt,
        durationMs: 12.5,
      },
      {
        upstream: 'Acme',
        method: 'GET',
        url: 'https://api.acme.test/v1/users/ann?api_key=%5Bredacted%5D',
        status: 'network',
        attempt: 2,
        startedAt: EXCHANGE.startedAt,
        durationMs: 12.5,
        error: 'ECONNRESET',
      },
    ]);

    expect(advise!.error).toEqual({ code: 'TOOL_FAILED', message: 'Try a smaller range' });
    expect(advise!.result).toEqual(advised);
    expect(advise!.requestId).toBe((advised._meta?.['dev.mcp-factory/error'] as { requestId: string }).requestId);
    expect(crash!.error).toMatchObject({ code: 'INTERNAL', detail: 'database exploded' });
    expect(crash!.error?.message).toMatch(/failed unexpectedly \(request id /);
    expect(crash!.result).toEqual(crashed);

    expect(readme).toMatchObject({
      uri: 'docs://readme',
      result: { contents: [{ uri: 'docs://readme', text: 'Read me' }] },
    });
    expect(readme).not.toHaveProperty('args');
    expect(greet).toMatchObject({ args: { who: 'Bo' } });
  });

  test('records a failed resource read with the error the client got', async () => {
    const dir = await tempDir();
    const server = createServer({
      name: 'journaled',
      version: '1.0.0',
      metrics: false,
      logger: createLogger({ level: 'silent' }),
      journal: { dir, fsync: 'off' },
      resources: [
        defineResource({
          name: 'broken',
          uri: 'docs://broken',
          read: () => {
            throw new ToolError('The document store is down');
          },
        }),
      ],
    });
    const { client, close } = await connectInProcess(server);
    await expect(client.readResource({ uri: 'docs://broken' })).rejects.toThrow('The document store is down');
    await close();
    await server.close();
    const [record] = await collect(readJournal(dir));
    expect(record).toMatchObject({
      method: 'resources/read',
      status: 'error',
      error: { code: 'TOOL_FAILED', message: 'The document store is down' },
    });
    expect(record).not.toHaveProperty('result');
  });

  test('keeps upstream response bodies only when asked to', async () => {
    const dir = await tempDir();
    const server = app({ dir, fsync: 'off', recordBodies: true });
    const { client, close } = await connectInProcess(server);
    await client.callTool({ name: 'login', arguments: { user: 'ann', apiSecret: 'x' } });
    await close();
    await server.close();
    const [record] = await collect(readJournal(dir));
    expect(record!.exchanges?.[0]?.response).toEqual({
      headers: { 'content-type': 'application/json' },
      body: '{"id":"ann"}',
    });
  });

  test('a journal that cannot write does not fail the call', async () => {
    const dir = await tempDir();
    const journal = open(dir);
    const server = app(journal);
    await journal.close();
    const { client, close } = await connectInProcess(server);
    const result = await client.callTool({ name: 'login', arguments: { user: 'ann', apiSecret: 'x' } });
    expect(result.isError).toBeFalsy();
    await close();
    await server.close();
  });

  test('a shared journal is flushed by app.close() but stays open; an owned one is closed', async () => {
    const dir = await tempDir();
    const journal = open(dir, { fsync: 'interval', fsyncIntervalMs: 60_000 });
    const shared = app(journal);
    expect(shared.journal).toBe(journal);
    const { client, close } = await connectInProcess(shared);
    const called = client.callTool({ name: 'advise', arguments: {} });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await shared.close();
    await called;
    expect(journal.writable).toBe(true);
    await close();
    await journal.close();
    expect(await collect(readJournal(dir))).toHaveLength(1);
  });

  test('opens the journal from the environment unless told otherwise', async () => {
    const dir = await tempDir();
    const saved = process.env.MCP_JOURNAL_DIR;
    try {
      delete process.env.MCP_JOURNAL_DIR;
      expect(app(undefined).journal).toBeUndefined();
      process.env.MCP_JOURNAL_DIR = dir;
      expect(app(false).journal).toBeUndefined();
      const fromEnv = app(undefined);
      expect(fromEnv.journal).toBeInstanceOf(Journal);
      expect(fromEnv.journal?.dir).toBe(dir);
      await fromEnv.close();
    } finally {
      if (saved === undefined) delete process.env.MCP_JOURNAL_DIR;
      else process.env.MCP_JOURNAL_DIR = saved;
    }
  });
});
