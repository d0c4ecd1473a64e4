/**
 * Rate limits shared by every replica of a server: the token buckets live in Redis and one Lua
 * script refills and takes atomically, on Redis's clock (so replicas with skewed clocks agree).
 *
 * `ioredis` is an optional peer dependency: it is imported only here, only when `REDIS_URL` is set,
 * and through a specifier bundlers do not follow, so a server built without it still bundles.
 * While Redis is unreachable each replica falls back to its own in-memory buckets: limits get
 * looser (per replica instead of shared) but never disappear, and the server keeps serving.
 *
 * @module
 */
import type { Redis, RedisOptions } from 'ioredis';

import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RateLimitOptions } from './config.js';
import { createMemoryRateLimiter, type RateLimiter, type RateLimitVerdict } from './rate-limit.js';

/**
 * KEYS[1] bucket; ARGV: tokens per ms, burst, TTL in ms. Returns { allowed (0/1), retry after ms,
 * whole tokens left }. State is a hash { tokens, ts }; a missing key is a full bucket.
 */
export const TOKEN_BUCKET_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return { allowed, retry, math.floor(tokens) }
`;

/** Options of {@link createRedisRateLimiter}. */
export interface RedisRateLimiterOptions extends Pick<RateLimitOptions, 'limit' | 'intervalMs' | 'burst'> {
  /** `redis://` or `rediss://` URL (may hold a password; it is never logged). */
  url: string;
  /** Prefix of the bucket keys; servers sharing a Redis and a prefix share limits. */
  keyPrefix: string;
  logger: Logger;
  /** Per-command timeout in milliseconds before falling back to local buckets; default 500. */
  commandTimeoutMs?: number;
}

type BucketClient = Redis & {
  mcpTakeToken(key: string, rate: string, burst: string, ttl: string): Promise<[number, number, number]>;
};

/** The URL without its credentials, for logs. */
function safeUrl(url: string): string {
  try {
    const copy = new URL(url);
    copy.username = '';
    copy.password = '';
    return copy.href;
  } catch {
    return 'redis://[invalid]';
  }
}

/** A limiter whose buckets live in Redis (falling back to in-memory buckets while Redis is unreachable). */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const perMs = options.limit / options.intervalMs;
  // A bucket untouched for this long is full again, so Redis may forget it.
  const ttlMs = Math.ceil(options.burst / perMs) + 1000;
  const fallback = createMemoryRateLimiter(options);
  const where = safeUrl(options.url);
  let lastWarning = 0;
  const warn = (error: unknown, message: string): void => {
    // At most one line per 30 s: a Redis outage must not flood the log.
    if (Date.now() - lastWarning < 30_000) return;
    lastWarning = Date.now();
    options.logger.warn({ redis: where, reason: (error as Error).message }, message);
  };

  let client: BucketClient | undefined;
  const starting = (async () => {
    // A variable specifier: bundlers leave it alone, so servers that never set REDIS_URL need not install ioredis.
    const specifier = 'ioredis';
    let module: typeof import('ioredis');
    try {
      module = (await import(specifier)) as typeof import('ioredis');
    } catch (error) {
      throw new ConfigError(
        `REDIS_URL is set but the ioredis package could not be loaded (${(error as Error).message}); install it with npm install ioredis.`,
        { cause: error },
      );
    }
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: options.commandTimeoutMs ?? 500,
    };
    const RedisClient = module.Redis;
    const redis = new RedisClient(options.url, redisOptions) as BucketClient;
    redis.on('error', (error: unknown) => warn(error, 'redis unavailable; rate limits fall back to this process'));
    redis.defineCommand('mcpTakeToken', { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
    client = redis;
    try {
      await redis.connect();
    } catch (error) {
      warn(error, 'redis unavailable at start-up; rate limits fall back to this process until it answers');
    }
  })();

  const connected = (): BucketClient | undefined => (client?.status === 'ready' ? client : undefined);

  return {
    ready: () => starting,
    async take(key): Promise<RateLimitVerdict> {
      let redis = connected();
      if (redis === undefined) {
        await starting.catch(() => undefined);
        redis = connected();
        if (redis === undefined) return fallback.take(key);
      }
      try {
        const [allowed, retryAfterMs, remaining] = await redis.mcpTakeToken(
          `${options.keyPrefix}${key}`,
          String(perMs),
          String(options.burst),
          String(ttlMs),
        );
        return { allowed: allowed === 1, retryAfterMs, remaining };
      } catch (error) {
        warn(error, 'redis rate-limit command failed; using this process’s buckets');
        return fallback.take(key);
      }
    },
    async close() {
      await starting.catch(() => undefined);
      if (client !== undefined) {
        client.disconnect();
      }
      await fallback.close();
    },
  };
}
