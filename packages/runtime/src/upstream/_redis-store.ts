/**
 * The Redis store of the response cache, for servers that run several instances. `ioredis` is an
 * optional peer: it is imported here, dynamically, only when a Redis URL is configured, so the
 * root entry never loads it and bundles leave it out. Redis trouble never fails a request:
 * an unreachable, slow or missing Redis is a cache miss, logged once until it recovers.
 *
 * @module
 */
import type { Logger } from '../logger.js';
import type { CacheEntry, CacheStore } from './cache-store.js';
import { MemoryStore } from './cache-store.js';

/** The part of an ioredis client this store uses. */
interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ttlMs: number): Promise<unknown>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error' | 'ready', listener: (error?: Error) => void): unknown;
}

type RedisConstructor = new (url: string, options: Record<string, unknown>) => RedisClient;

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  readonly url: string;
  /** Prepended to every key, e.g. `mcp-factory:cache:OpenAI:`. */
  readonly prefix: string;
  /** Longest wait for one Redis command before it counts as a miss. Default 250 ms. */
  readonly timeoutMs?: number;
  /** Used instead of the in-process cache when `ioredis` is not installed. */
  readonly fallbackEntries: number;
  readonly logger?: Logger | undefined;
  /** Name in log lines. */
  readonly upstream: string;
  /** Test seam: how `ioredis` is loaded. */
  readonly load?: () => Promise<RedisConstructor>;
}

/** How long requests skip Redis after it failed or was slow (reconnecting clears it sooner). */
const SKIP_AFTER_FAILURE_MS = 5000;

async function loadIoredis(): Promise<RedisConstructor> {
  // A variable specifier (as in the rate limiter): bundlers leave it alone, so a server that never
  // sets REDIS_URL neither bundles nor installs ioredis.
  const specifier = 'ioredis';
  const module = (await import(specifier)) as { Redis?: RedisConstructor; default?: RedisConstructor };
  const Redis = module.Redis ?? module.default;
  if (Redis === undefined) throw new Error('ioredis exports no Redis class');
  return Redis;
}

function reasonOf(error: unknown, url: string): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  // A Redis URL may carry a password; make sure no error text repeats it.
  const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
  return password === '' ? text : text.replaceAll(password, '[redacted]');
}

/** A {@link CacheStore} on Redis; connects on first use. */
export function createRedisStore(options: RedisStoreOptions): CacheStore {
  const timeoutMs = options.timeoutMs ?? 250;
  const log = options.logger;
  // After a failure, requests skip Redis for a while rather than each waiting `timeoutMs` for it.
  let healthy = true;
  let skipUntil = 0;
  const trouble = (error: unknown): void => {
    skipUntil = Date.now() + SKIP_AFTER_FAILURE_MS;
    if (!healthy) return;
    healthy = false;
    log?.warn(
      { upstream: options.upstream, reason: reasonOf(error, options.url) },
      'response cache: Redis unavailable; serving without the cache until it recovers',
    );
  };
  const recovered = (): void => {
    skipUntil = 0;
    if (healthy) return;
    healthy = true;
    log?.info({ upstream: options.upstream }, 'response cache: Redis available again');
  };

  let fallback: MemoryStore | undefined;
  const connecting: Promise<RedisClient | undefined> = (options.load ?? loadIoredis)().then(
    (Redis) => {
      const client = new Redis(options.url, {
        // Fail commands fast instead of queueing them through long reconnects: a miss is cheap.
        maxRetriesPerRequest: 1,
        connectTimeout: 2000,
        retryStrategy: (times: number) => Math.min(times * 200, 2000),
      });
      client.on('error', (error) => trouble(error));
      client.on('ready', recovered);
      return client;
    },
    (error: unknown) => {
      log?.warn(
        { upstream: options.upstream, reason: reasonOf(error, options.url) },
        'response cache: REDIS_URL is set but the optional package ioredis could not be loaded (npm install ioredis); caching in memory instead',
      );
      fallback = new MemoryStore(options.fallbackEntries);
      return undefined;
    },
  );

  /** `operation`'s result, or `undefined` when it fails or takes longer than `timeoutMs`. */
  const bounded = async <T>(operation: () => Promise<T>): Promise<T | undefined> => {
    if (Date.now() < skipUntil) return undefined;
    let timer: NodeJS.Timeout | undefined;
    let answered = false;
    try {
      const result = await Promise.race([
        operation().then((value) => {
          answered = true;
          return value;
        }),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => {
            trouble(new Error(`no answer within ${timeoutMs} ms`));
            resolve(undefined);
          }, timeoutMs);
          timer.unref();
        }),
      ]);
      if (answered) recovered();
      return result;
    } catch (error) {
      trouble(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async get(key) {
      const client = await connecting;
      if (client === undefined) return fallback?.get(key);
      const text = await bounded(() => client.get(options.prefix + key));
      if (typeof text !== 'string') return undefined;
      try {
        const stored = JSON.parse(text) as { s?: unknown; h?: unknown; b?: unknown };
        if (typeof stored.s !== 'number' || typeof stored.b !== 'string' || typeof stored.h !== 'object')
          return undefined;
        return { status: stored.s, headers: stored.h as Record<string, string>, body: stored.b } satisfies CacheEntry;
      } catch {
        return undefined;
      }
    },
    async set(key, entry, ttlMs) {
      const client = await connecting;
      if (client === undefined) {
        fallback?.set(key, entry, ttlMs);
        return;
      }
      const value = JSON.stringify({ s: entry.status, h: entry.headers, b: entry.body });
      await bounded(() => client.set(options.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs))));
    },
    async close() {
      const client = await connecting;
      await fallback?.close();
      if (client === undefined) return;
      try {
        await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      } catch {
        // Already closed or never connected.
      }
      client.disconnect();
    },
  };
}
