// Integration level: the official MCP client talks to the whole server in process, as a 2025-era
// client and as a 2026-07-28 client, with the Anthropic client pointed at the fake upstream.
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
  model: 'claude-sonnet-4-5',
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
    expect(tools.map((tool) => tool.name).sort()).toEqual(['ask', 'list_models']);
    const ask = tools.find((tool) => tool.name === 'ask')!;
    expect(ask.inputSchema).toMatchObject({ type: 'object', required: ['prompt'] });
    expect(ask.outputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['text', 'model']) });
    expect(ask.description).toContain('default model "claude-sonnet-4-5"');
    expect(ask.inputSchema.properties?.model).toMatchObject({ description: expect.stringContaining('list_models') });
    expect(ask.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: true });
  });

  it('asks the fake Anthropic API end to end', async () => {
    const result = await connection.client.callTool({ name: 'ask', arguments: { prompt: 'ping pong' } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: ping pong' }]);
    expect(result.structuredContent).toMatchObject({ model: 'claude-sonnet-4-5-20250929', stopReason: 'end_turn' });
  });

  it('lists the fake models', async () => {
    const result = await connection.client.callTool({ name: 'list_models', arguments: { contains: 'opus' } });
    expect(result.structuredContent).toEqual({
      models: [{ id: 'claude-opus-4-1-20250805', displayName: 'Claude Opus 4.1', createdAt: '2025-08-05T00:00:00Z' }],
    });
  });

  it('reports bad arguments as a tool error naming the field', async () => {
    const result = await connection.client.callTool({ name: 'ask', arguments: { prompt: 42 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('prompt');
  });

  it('reports an overload (529) as a tool error the model can act on', async () => {
    fake.fail({ status: 529 });
    const result = await connection.client.callTool({ name: 'ask', arguments: { prompt: 'x' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(
      /Anthropic is unavailable \(HTTP 529\): Overloaded \(overloaded_error\)/,
    );
  });
});

describe('without ANTHROPIC_API_KEY', () => {
  it('starts, lists its tools, and each tool says which variable to set', async () => {
    const connection = await connectInProcess(createApp({ config: configFor(undefined) }));
    try {
      expect((await connection.client.listTools()).tools).toHaveLength(2);
      for (const [name, args] of [
        ['ask', { prompt: 'x' }],
        ['list_models', {}],
      ] as const) {
        const result = await connection.client.callTool({ name, arguments: args });
        expect(result.isError).toBe(true);
        expect(JSON.stringify(result.content)).toContain('ANTHROPIC_API_KEY is not set');
      }
    } finally {
      await connection.close();
    }
  });
});
