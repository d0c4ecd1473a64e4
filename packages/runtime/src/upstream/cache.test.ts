/**
 * The response cache over real HTTP against the fake upstream: hits, misses, TTL, LRU eviction,
 * keys (method, URL, vary headers, hashed credentials), metrics, and the Redis store against a real
 * `redis-server` started for the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, createServer as createNetServer } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { startFakeUpstream, type FakeUpstream } from '../fake/index.js';
import { createLogger } from '../logger.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../observability/metrics.js';
import { cacheKey, MemoryStore, type CacheEntry, type CacheStore } from './cache-store.js';
import { createRedisStore } from './_redis-store.js';
import { createUpstreamClient, type UpstreamClientOptions } from './client.js';
import type { UpstreamExchange } from './exchange.js';

const SECRET = 'sk-cache-5ecret-value';

let fake: FakeUpstream;
let served = 0;

beforeAll(async () => {
  fake = await startFakeUpstream({
    name: 'Acme',
    routes: [
      {
        method: 'GET',
        path: '/v1/items/:id',
        handle: (req) => ({ body: { id: req.params.id, served: ++served, tags: ['a'] } }),
      },
      { method: 'GET', path: '/v1/private', handle: () => ({ headers: { 'cache-control': 'no-store' }, body: {} }) },
      { method: 'POST', path: '/v1/search', handle: (req) => ({ body: { echo: req.body, served: ++served } }) },
    ],
    errorBody: (status, message) => ({ error: { message } }),
  });
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.reset();
});

function cached(options: Partial<UpstreamClientOptions> = {}): {
  client: ReturnType<typeof createUpstreamClient>;
  metrics: RuntimeMetrics;
  exchanges: UpstreamExchange[];
} {
  const metrics = createRuntimeMetrics({ defaultMetrics: false });
  const exchanges: UpstreamExchange[] = [];
  const client = createUpstreamClient({
    name: 'Acme',
    baseUrl: `${fake.url}/v1`,
    headers: { authorization: `Bearer ${SECRET}` },
    env: {},
    metrics,
    health: false,
    cache: { ttlMs: 10_000 },
    ...options,
  });
  const request = client.request.bind(client);
  client.request = (req) => request({ onExchange: (exchange) => exchanges.push(exchange), ...req });
  return { client, metrics, exchanges };
}

async function cacheCounts(metrics: RuntimeMetrics): Promise<{ hits: number; misses: number }> {
  const sum = async (metric: RuntimeMetrics['cacheHits']) =>
    (await metric.get()).values.reduce((total, value) => total + value.value, 0);
  return { hits: await sum(metrics.cacheHits), misses: await sum(metrics.cacheMisses) };
}

describe('the in-memory cache', () => {
  test('a repeated GET is served from the cache, counted as a hit, and reported with fromCache', async () => {
    const { client, metrics, exchanges } = cached();
    const first = await client.request<{ served: number }>({ path: '/items/1' });
    const second = await client.request<{ served: number }>({ path: '/items/1', requestId: 'another-request' });
    expect(second.data).toEqual(first.data);
    expect(first.fromCache).toBeUndefined();
    expect(second.fromCache).toBe(true);
    expect(second.headers.get('content-type')).toBe('application/json');
    expect(fake.requests).toHaveLength(1);
    expect(await cacheCounts(metrics)).toEqual({ hits: 1, misses: 1 });
    expect(exchanges.map((exchange) => [exchange.status, exchange.fromCache])).toEqual([
      [200, undefined],
      [200, true],
    ]);
    const requests = (await metrics.upstreamRequests.get()).values;
    expect(requests.map((value) => value.value)).toEqual([1]);
  });

  test('each hit returns its own copy of the data', async () => {
    const { client } = cached();
    const first = await client.request<{ tags: string[] }>({ path: '/items/2' });
    first.data.tags.push('mutated');
    const second = await client.request<{ tags: string[] }>({ path: '/items/2' });
    expect(second.data.tags).toEqual(['a']);
  });

  test('an entry expires after its TTL', async () => {
    // Long enough that the second request surely comes within it, even on a loaded machine.
    const { client, metrics } = cached({ cache: { ttlMs: 400 } });
    await client.request({ path: '/items/3' });
    await client.request({ path: '/items/3' });
    await new Promise((resolve) => setTimeout(resolve, 450));
    await client.request({ path: '/items/3' });
    expect(fake.requests).toHaveLength(2);
    expect(await cacheCounts(metrics)).toEqual({ hits: 1, misses: 2 });
  });

  test('a request can set its own TTL', async () => {
    const { client } = cached();
    await client.request({ path: '/items/4', cache: { ttlMs: 50 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.request({ path: '/items/4' });
    expect(fake.requests).toHaveLength(2);
  });

  test('the least recently used entry is evicted first', async () => {
    const { client } = cached({ cache: { ttlMs: 10_000, maxEntries: 2 } });
    for (const id of ['a', 'b', 'a', 'c']) await client.request({ path: `/items/${id}` }); // a is fresher than b
    expect(fake.requests.map((request) => request.path)).toEqual(['/v1/items/a', '/v1/items/b', '/v1/items/c']);
    await client.request({ path: '/items/a' }); // hit
    await client.request({ path: '/items/b' }); // evicted: miss
    expect(fake.requests.map((request) => request.path).slice(3)).toEqual(['/v1/items/b']);
  });

  test('the URL, the query and the vary headers select entries; the request id does not', async () => {
    const { client } = cached();
    await client.request({ path: '/items/5', query: { lang: 'en' }, requestId: 'r1' });
    await client.request({ path: '/items/5', query: { lang: 'en' }, requestId: 'r2' });
    await client.request({ path: '/items/5', query: { lang: 'fr' } });
    await client.request({ path: '/items/5', query: { lang: 'en' }, headers: { 'accept-language': 'fr' } });
    expect(fake.requests).toHaveLength(3);
  });

  test('each credential gets its own entries', async () => {
    let key = 'sk-first-tenant-key';
    const { client } = cached({ headers: () => ({ authorization: `Bearer ${key}` }) });
    await client.request({ path: '/items/6' });
    key = 'sk-second-tenant-key';
    await client.request({ path: '/items/6' });
    key = 'sk-first-tenant-key';
    await client.request({ path: '/items/6' });
    expect(fake.requests).toHaveLength(2);
  });

  test('keys are hashes that hold no credential', () => {
    const key = cacheKey(
      'GET',
      'https://api.test/x?key=qsecret-1234',
      { authorization: `Bearer ${SECRET}` },
      [],
      undefined,
    );
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(key).not.toContain(SECRET);
    expect(cacheKey('GET', 'https://api.test/x', { Authorization: 'Bearer a-long-key-1' }, [], undefined)).not.toBe(
      cacheKey('GET', 'https://api.test/x', { Authorization: 'Bearer a-long-key-2' }, [], undefined),
    );
  });

  test('POSTs are not cached unless the request opts in; then the body is part of the key', async () => {
    const { client } = cached();
    await client.request({ method: 'POST', path: '/search', body: { q: 1 } });
    await client.request({ method: 'POST', path: '/search', body: { q: 1 } });
    expect(fake.requests).toHaveLength(2);
    await client.request({ method: 'POST', path: '/search', body: { q: 1 }, cache: true });
    await client.request({ method: 'POST', path: '/search', body: { q: 1 }, cache: true });
    await client.request({ method: 'POST', path: '/search', body: { q: 2 }, cache: true });
    expect(fake.requests).toHaveLength(4);
  });

  test('cache: false skips the cache; errors and no-store answers are never stored', async () => {
    const { client, metrics } = cached();
    await client.request({ path: '/items/7' });
    await client.request({ path: '/items/7', cache: false });
    fake.fail({ status: 404 });
    await client.request({ path: '/items/8' }).catch(() => undefined);
    await client.request({ path: '/items/8' });
    await client.request({ path: '/private' });
    await client.request({ path: '/private' });
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/v1/items/7',
      '/v1/items/7',
      '/v1/items/8',
      '/v1/items/8',
      '/v1/private',
      '/v1/private',
    ]);
    expect(await cacheCounts(metrics)).toEqual({ hits: 0, misses: 5 });
  });

  test('is off by default and on with MCP_UPSTREAM_CACHE_TTL_MS', async () => {
    const off = cached({ cache: undefined });
    await off.client.request({ path: '/items/9' });
    await off.client.request({ path: '/items/9' });
    expect(fake.requests).toHaveLength(2);
    const on = cached({ cache: undefined, env: { MCP_UPSTREAM_CACHE_TTL_MS: '5000' } });
    await on.client.request({ path: '/items/9' });
    await on.client.request({ path: '/items/9' });
    expect(fake.requests).toHaveLength(3);
  });

  test('takes a store of one’s own', async () => {
    const keys: string[] = [];
    const inner = new MemoryStore(10);
    const store: CacheStore = {
      get: (key) => inner.get(key),
      set: (key, entry: CacheEntry, ttlMs) => {
        keys.push(key);
        inner.set(key, entry, ttlMs);
      },
      close: () => inner.close(),
    };
    const { client } = cached({ cache: { ttlMs: 1000, store } });
    await client.request({ path: '/items/10', query: { key: 'qsecret-value-1' } });
    await client.request({ path: '/items/10', query: { key: 'qsecret-value-1' } });
    expect(fake.requests).toHaveLength(1);
    expect(keys).toHaveLength(1);
    expect(keys.join()).not.toContain('qsecret');
  });
});

test('without ioredis installed, a Redis URL falls back to the in-memory cache and says how to fix it', async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
  const store = createRedisStore({
    url: 'redis://:hunter2-password@127.0.0.1:1',
    prefix: 'p:',
    fallbackEntries: 10,
    logger,
    upstream: 'Acme',
    load: () =>
      Promise.reject(Object.assign(new Error("Cannot find package 'ioredis'"), { code: 'ERR_MODULE_NOT_FOUND' })),
  });
  const entry = { status: 200, headers: {}, body: '{}' };
  await store.set('k', entry, 1000);
  expect(await store.get('k')).toEqual(entry);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('npm install ioredis');
  expect(lines[0]).toContain('ERR_MODULE_NOT_FOUND');
  await store.close();
});

const REDIS_SERVER = '/usr/bin/redis-server';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe.skipIf(!existsSync(REDIS_SERVER))('the Redis cache (skipped: no /usr/bin/redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(async () => {
    await redis.stop();
  });

  test('is shared between clients (as between server instances), with the TTL in Redis and no secret in keys', async () => {
    const env = { MCP_UPSTREAM_CACHE_TTL_MS: '60000', REDIS_URL: redis.url };
    const one = cached({ cache: undefined, env });
    const two = cached({ cache: undefined, env });
    try {
      const { Redis } = await import('ioredis');
      const direct = new Redis(redis.url);
      try {
        const first = await one.client.request({ path: '/items/r1', query: { key: 'qsecret-redis-1' } });
        // The write is not awaited by the request: wait until Redis has it.
        for (let waited = 0; (await direct.keys('*')).length === 0; waited += 20) {
          if (waited > 5000) throw new Error('the cache never wrote the entry to Redis');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const second = await two.client.request({ path: '/items/r1', query: { key: 'qsecret-redis-1' } });
        expect(second.fromCache).toBe(true);
        expect(second.data).toEqual(first.data);
        expect(fake.requests).toHaveLength(1);
        expect(await cacheCounts(two.metrics)).toEqual({ hits: 1, misses: 0 });

        const keys = await direct.keys('*');
        expect(keys).toHaveLength(1);
        expect(keys[0]).toMatch(/^mcp-factory:cache:Acme:[\w-]{43}$/);
        expect(keys.join()).not.toContain('qsecret');
        expect(keys.join()).not.toContain(SECRET);
        const ttl = await direct.pttl(keys[0]!);
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      } finally {
        direct.disconnect();
      }
    } finally {
      await one.client.close();
      await two.client.close();
    }
  });

  test('an unreachable Redis is a miss, never a failed request, and is logged once without the URL’s password', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const port = await freePort();
    const { client, metrics } = cached({
      cache: undefined,
      logger,
      env: { MCP_UPSTREAM_CACHE_TTL_MS: '60000', REDIS_URL: `redis://:hunter2-password@127.0.0.1:${port}` },
    });
    try {
      const started = performance.now();
      await client.request({ path: '/items/r2' });
      await client.request({ path: '/items/r2' });
      expect(performance.now() - started).toBeLessThan(3000);
      expect(fake.requests).toHaveLength(2);
      expect(await cacheCounts(metrics)).toEqual({ hits: 0, misses: 2 });
      const warnings = lines.filter((line) => line.includes('Redis unavailable'));
      expect(warnings).toHaveLength(1);
      expect(lines.join()).not.toContain('hunter2');
    } finally {
      await client.close();
    }
  });
});
