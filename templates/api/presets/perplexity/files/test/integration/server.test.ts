// Integration level: the official MCP client talks to the whole server in process, as a 2025-era
// client and as a 2026-07-28 client, with the Perplexity client pointed at the fake upstream.
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { connectInProcess, type Connection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeApi();
});
afterAll(() => fake.close());

const configFor = (apiKey: string | undefined): Config => ({
  baseUrl: fake.url,
  apiKey,
  model: 'sonar',
  maxTokens: 256,
  timeoutMs: 2000,
});

const eras = [
  { label: '2025-06-18', options: { protocolVersion: '2025-06-18' } },
  { label: '2025-11-25', options: {} },
  { label: '2026-07-28', options: { era: 'modern' as const } },
];

describe.each(eras)('over protocol $label', ({ options }) => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await connectInProcess(createApp({ config: configFor(FAKE_API_KEY) }), options);
  });
  afterAll(() => connection.close());

  it('lists the tools with their schemas and annotations', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['ask', 'search']);
    const search = tools.find((tool) => tool.name === 'search')!;
    expect(search.inputSchema).toMatchObject({ type: 'object', required: ['query'] });
    expect(search.inputSchema.properties?.recency).toMatchObject({ enum: ['hour', 'day', 'week', 'month', 'year'] });
    expect(search.outputSchema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['answer', 'sources']),
    });
    expect(search.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
  });

  it('searches the fake Perplexity end to end and returns numbered sources', async () => {
    const result = await connection.client.callTool({
      name: 'search',
      arguments: { query: 'ping', domains: ['arxiv.org'] },
    });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([
      {
        type: 'text',
        text: 'Echo: ping [1]\n\nSources:\n[1] Result 1 from arxiv.org (2025-01-15): https://arxiv.org/result-1',
      },
    ]);
    expect(result.structuredContent).toMatchObject({
      answer: 'Echo: ping [1]',
      sources: [{ index: 1, url: 'https://arxiv.org/result-1' }],
    });
  });

  it('reports bad arguments as a tool error naming the field', async () => {
    const result = await connection.client.callTool({ name: 'search', arguments: { query: 42 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('query');
  });

  it('reports an upstream outage as a tool error the model can act on', async () => {
    fake.fail({ status: 503 });
    const result = await connection.client.callTool({ name: 'ask', arguments: { prompt: 'x' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Perplexity is unavailable \(HTTP 503\)/);
  });
});

describe('without PERPLEXITY_API_KEY', () => {
  it('starts, lists its tools, and each tool says which variable to set', async () => {
    const connection = await connectInProcess(createApp({ config: configFor(undefined) }));
    try {
      expect((await connection.client.listTools()).tools).toHaveLength(2);
      for (const [name, args] of [
        ['search', { query: 'x' }],
        ['ask', { prompt: 'x' }],
      ] as const) {
        const result = await connection.client.callTool({ name, arguments: args });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toContain('PERPLEXITY_API_KEY is not set');
      }
    } finally {
      await connection.close();
    }
  });
});
