// Unit level: each tool through the runtime's policy chain, with the API client mocked.
import { UpstreamError } from '@mcp-factory/runtime';
import { invokeTool } from '@mcp-factory/runtime/testing';
import { describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app.js';
import type { ApiClient, Item } from '../../src/client.js';

const shoes: Item = {
  id: 'itm_1',
  name: 'Red shoes',
  description: 'Fast',
  tags: ['red'],
  updatedAt: '2026-01-01T00:00:00Z',
};
const config = { baseUrl: 'http://unused.invalid', apiKey: 'k', timeoutMs: 1000 };

function mockClient(overrides: Partial<ApiClient> = {}): ApiClient {
  return {
    searchItems: vi.fn(async () => ({ items: [shoes], total: 1 })),
    getItem: vi.fn(async () => shoes),
    createItem: vi.fn(async (input) => ({ ...shoes, id: 'itm_9', name: input.name })),
    ...overrides,
  };
}

function textOf(result: { content: unknown[] }): string {
  return (result.content[0] as { text: string }).text;
}

describe('search_items', () => {
  it('passes the query and limit to the client and lists ids', async () => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'search_items', { query: 'red', limit: 5 });
    expect(result.isError).toBeUndefined();
    expect(client.searchItems).toHaveBeenCalledWith(
      { text: 'red', limit: 5 },
      expect.objectContaining({ requestId: expect.any(String) }),
    );
    expect(textOf(result)).toContain('itm_1: Red shoes');
    expect(result.structuredContent).toEqual({ total: 1, items: [{ ...shoes, tags: ['red'] }] });
  });

  it('defaults the limit to 10', async () => {
    const client = mockClient();
    await invokeTool(createApp({ config, client }), 'search_items', { query: 'red' });
    expect(client.searchItems).toHaveBeenCalledWith({ text: 'red', limit: 10 }, expect.anything());
  });

  it('says so when nothing matches', async () => {
    const client = mockClient({ searchItems: vi.fn(async () => ({ items: [], total: 0 })) });
    const { result } = await invokeTool(createApp({ config, client }), 'search_items', { query: 'zebra' });
    expect(textOf(result)).toMatch(/No items match "zebra"/);
  });

  it('rejects an empty query without calling the API', async () => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'search_items', { query: '   ' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/query/);
    expect(client.searchItems).not.toHaveBeenCalled();
  });
});

describe('get_item', () => {
  it('returns the item as structured JSON text', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'get_item', { id: 'itm_1' });
    expect(JSON.parse(textOf(result))).toMatchObject({ id: 'itm_1', name: 'Red shoes' });
  });

  it('turns the API 404 into advice to search first', async () => {
    const notFound = new UpstreamError('gone', { upstream: 'The API', failure: 'not_found', status: 404 });
    const client = mockClient({ getItem: vi.fn(async () => Promise.reject(notFound)) });
    const { result } = await invokeTool(createApp({ config, client }), 'get_item', { id: 'nope' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('No item with id "nope". Use search_items to find valid ids.');
  });

  it('surfaces upstream failures with their message and no stack', async () => {
    const down = new UpstreamError('The API is unavailable (HTTP 503). Try again later.', {
      upstream: 'The API',
      failure: 'unavailable',
      status: 503,
    });
    const client = mockClient({ getItem: vi.fn(async () => Promise.reject(down)) });
    const { result } = await invokeTool(createApp({ config, client }), 'get_item', { id: 'itm_1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(down.message);
    expect(textOf(result)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('create_item', () => {
  it('creates with defaults for the optional fields', async () => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'create_item', { name: 'Hat' });
    expect(client.createItem).toHaveBeenCalledWith({ name: 'Hat', description: '', tags: [] }, expect.anything());
    expect(textOf(result)).toBe('Created item itm_9 ("Hat").');
  });

  it('hides unexpected errors behind the request id', async () => {
    const client = mockClient({ createItem: vi.fn(async () => Promise.reject(new Error('db password=hunter2'))) });
    const { result } = await invokeTool(createApp({ config, client }), 'create_item', { name: 'Hat' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/failed unexpectedly \(request id [\w-]+\)/);
    expect(textOf(result)).not.toContain('hunter2');
  });
});
