// The client against the fake upstream over real HTTP on 127.0.0.1: wire format and error mapping.
import type { UpstreamError } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { createApiClient } from '../../src/client.js';
import type { Config } from '../../src/config.js';

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeApi();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const clientFor = (overrides: Partial<Config> = {}) =>
  createApiClient({ baseUrl: fake.url, apiKey: FAKE_API_KEY, timeoutMs: 2000, ...overrides });

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    return error as UpstreamError;
  }
  throw new Error('expected the call to fail');
}

describe('wire format', () => {
  it('sends the bearer token, the query and the request id', async () => {
    const result = await clientFor().searchItems({ text: 'red', limit: 1 }, { requestId: 'req-42' });
    expect(result.total).toBe(2);
    expect(result.items).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(request.headers.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
    expect(request.headers['x-request-id']).toBe('req-42');
    expect(request.query).toEqual({ q: 'red', limit: '1' });
  });

  it('maps snake_case items to camelCase', async () => {
    const item = await clientFor().getItem('itm_2');
    expect(item).toEqual({
      id: 'itm_2',
      name: 'Blue rain jacket',
      description: 'Waterproof, packable',
      tags: ['jacket', 'blue'],
      updatedAt: '2026-01-15T10:00:00Z',
    });
  });

  it('posts JSON to create', async () => {
    const item = await clientFor().createItem({ name: 'Hat', description: 'Warm', tags: ['winter'] });
    expect(item.name).toBe('Hat');
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/items',
      body: { name: 'Hat', description: 'Warm', tags: ['winter'] },
    });
  });
});

describe('errors', () => {
  it('refuses to call without a key and says which variable to set', async () => {
    await expect(clientFor({ apiKey: undefined }).getItem('itm_1')).rejects.toThrow(/API_KEY is not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps 401 to an auth failure that names API_KEY and never echoes the key', async () => {
    const error = await failureOf(clientFor({ apiKey: 'wrong-key' }).getItem('itm_1'));
    expect(error.failure).toBe('auth');
    expect(error.message).toMatch(/rejected the credentials \(HTTP 401\).*API_KEY/);
    expect(error.message).not.toContain('wrong-key');
  });

  it('maps 429 with a Retry-After beyond the call’s deadline to rate_limited with the wait, at once', async () => {
    fake.fail({ status: 429, headers: { 'retry-after': '7' } });
    const error = await failureOf(clientFor().getItem('itm_1', { deadline: Date.now() + 3000 }));
    expect(fake.requests).toHaveLength(1);
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toMatch(/Retry after 7 s/);
  });

  it('maps 429 with an HTTP-date Retry-After', async () => {
    fake.fail({ status: 429, headers: { 'retry-after': new Date(Date.now() + 30_000).toUTCString() } });
    const error = await failureOf(clientFor().getItem('itm_1', { deadline: Date.now() + 3000 }));
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('retries a short 429 or 503 burst on reads, then answers', async () => {
    fake.fail({ status: 429, headers: { 'retry-after': '0' } }, { status: 503 });
    const result = await clientFor().searchItems({ text: 'red', limit: 1 });
    expect(result.total).toBe(2);
    expect(fake.requests).toHaveLength(3);
  });

  it('maps a lasting 503 to unavailable with the upstream message, after retrying', async () => {
    fake.fail({ status: 503, message: 'maintenance window', times: 3 });
    const error = await failureOf(clientFor().searchItems({ text: 'x', limit: 1 }));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('maintenance window');
    expect(error.retryable).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it('never retries a create (not idempotent)', async () => {
    fake.fail({ status: 503 });
    const error = await failureOf(clientFor().createItem({ name: 'x', description: '', tags: [] }));
    expect(error.failure).toBe('unavailable');
    expect(fake.requests).toHaveLength(1);
  });

  it('maps 404 to not_found', async () => {
    const error = await failureOf(clientFor().getItem('missing'));
    expect(error.failure).toBe('not_found');
    expect(error.message).toContain("Item 'missing' not found");
  });

  it('maps a validation failure (422) to bad_request with the upstream reason', async () => {
    fake.fail({ status: 422, message: 'name is too long' });
    const error = await failureOf(clientFor().createItem({ name: 'x', description: '', tags: [] }));
    expect(error.failure).toBe('bad_request');
    expect(error.message).toContain('name is too long');
  });

  it('reports malformed JSON as an invalid response', async () => {
    fake.fail({ status: 200, raw: '{"data": [', times: 3 });
    const error = await failureOf(clientFor().searchItems({ text: 'x', limit: 1 }));
    expect(error.failure).toBe('invalid_response');
  });

  it('reports a body of the wrong shape as an invalid response', async () => {
    fake.fail({ status: 200, body: { data: 'not a list' } });
    const error = await failureOf(clientFor().searchItems({ text: 'x', limit: 1 }));
    expect(error.failure).toBe('invalid_response');
  });

  it('reports a reset connection as a network failure', async () => {
    fake.fail({ reset: true, times: 3 });
    const error = await failureOf(clientFor().getItem('itm_1'));
    expect(error.failure).toBe('network');
  });

  it('gives up on a hanging upstream after the timeout', async () => {
    fake.fail({ hang: true, times: 3 });
    const started = Date.now();
    const error = await failureOf(clientFor({ timeoutMs: 300 }).getItem('itm_1'));
    expect(error.failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops at once when the tool call is cancelled', async () => {
    fake.fail({ hang: true });
    const controller = new AbortController();
    const pending = clientFor({ timeoutMs: 10_000 }).getItem('itm_1', { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await expect(pending).rejects.toThrow('cancelled by test');
  });
});
