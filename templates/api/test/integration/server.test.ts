// Integration level: the official MCP client talks to the whole server in process, as a 2025-era
// client and as a 2026-07-28 client, with the API client pointed at the fake upstream.
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { connectInProcess, type Connection } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { createApp } from '../../src/app.js';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeApi();
});
afterAll(() => fake.close());

const eras = [
  { label: '2025-06-18', options: { protocolVersion: '2025-06-18' } },
  { label: '2025-11-25', options: {} },
  { label: '2026-07-28', options: { era: 'modern' as const } },
];

describe.each(eras)('over protocol $label', ({ options }) => {
  let connection: Connection;
  beforeAll(async () => {
    const app = createApp({ config: { baseUrl: fake.url, apiKey: FAKE_API_KEY, timeoutMs: 2000 } });
    connection = await connectInProcess(app, options);
  });
  afterAll(() => connection.close());

  it('lists the tools with their input schemas', async () => {
    const { tools } = await connection.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['create_item', 'get_item', 'search_items']);
    const search = tools.find((tool) => tool.name === 'search_items')!;
    expect(search.inputSchema).toMatchObject({ type: 'object', required: ['query'] });
    expect(search.annotations?.readOnlyHint).toBe(true);
  });

  it('searches the fake upstream end to end', async () => {
    const result = await connection.client.callTool({ name: 'search_items', arguments: { query: 'red' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ total: 2 });
  });

  it('reports bad arguments as a tool error naming the field', async () => {
    const result = await connection.client.callTool({ name: 'search_items', arguments: { query: 42 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('query');
  });

  it('rides out a brief upstream outage by retrying within the call', async () => {
    fake.fail({ status: 503 });
    const result = await connection.client.callTool({ name: 'get_item', arguments: { id: 'itm_1' } });
    expect(result.isError).toBeFalsy();
  });

  it('reports an upstream outage as a tool error the model can act on', async () => {
    fake.fail({ status: 503, times: 3 }); // the first try and both retries
    const result = await connection.client.callTool({ name: 'get_item', arguments: { id: 'itm_1' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/unavailable \(HTTP 503\)/);
  });
});
