// End-to-end over Streamable HTTP: spawn the built server on a free port and connect to /mcp.
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { connectHttp, startServerProcess, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { BIN } from './helpers.js';

let fake: FakeUpstream;
let server: ServerProcess;
beforeAll(async () => {
  fake = await startFakeApi();
  server = await startServerProcess(process.execPath, [BIN, '--transport', 'http', '--port', '0'], {
    env: { PERPLEXITY_BASE_URL: fake.url, PERPLEXITY_API_KEY: FAKE_API_KEY },
    waitForHttp: true,
  });
});
afterAll(async () => {
  await server.stop();
  await fake.close();
});

describe('http', () => {
  it('binds to 127.0.0.1 and serves MCP at /mcp', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it.each([
    ['2025-06-18', { protocolVersion: '2025-06-18' }],
    ['2026-07-28', { era: 'modern' as const }],
  ])('serves a %s client', async (_label, options) => {
    const connection = await connectHttp(server.url!, options);
    try {
      const result = await connection.client.callTool({
        name: 'search',
        arguments: { query: 'over http', max_tokens: 2 },
      });
      expect(result.structuredContent).toMatchObject({ answer: 'Echo: over', finishReason: 'length' });
    } finally {
      await connection.close();
    }
  });

  it('refuses a foreign Origin', async () => {
    const response = await fetch(server.url!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        origin: 'https://evil.example',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(response.status).toBe(403);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const other = await startServerProcess(process.execPath, [BIN, '--transport', 'http', '--port', '0'], {
      waitForHttp: true,
    });
    expect(await other.stop('SIGTERM')).toBe(0);
  });
});
