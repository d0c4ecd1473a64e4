/**
 * The resilience settings of upstream clients (retries, circuit breaker, bulkhead, cache) and their
 * defaults, read from the environment and validated. {@link createUpstreamClient} starts from
 * {@link upstreamSettingsFromEnv} and lets its own options win, field by field.
 *
 * | Variable                            | Default | Meaning                                                  |
 * | ----------------------------------- | ------- | -------------------------------------------------------- |
 * | `MCP_UPSTREAM_TIMEOUT_MS`           | 30000   | per-attempt timeout                                      |
 * | `MCP_UPSTREAM_RETRIES`              | 2       | retries after the first attempt (0 = off)                |
 * | `MCP_UPSTREAM_RETRY_BASE_MS`        | 200     | first backoff ceiling (full jitter: a wait in [0, ceiling)) |
 * | `MCP_UPSTREAM_RETRY_MAX_MS`         | 5000    | largest backoff ceiling                                  |
 * | `MCP_UPSTREAM_RETRY_AFTER_MAX_MS`   | 30000   | longest `Retry-After` honoured; longer fails at once     |
 * | `MCP_UPSTREAM_BREAKER_THRESHOLD`    | 5       | consecutive failed attempts that open the circuit (0 = off) |
 * | `MCP_UPSTREAM_BREAKER_COOLDOWN_MS`  | 30000   | how long an open circuit stays open before one probe     |
 * | `MCP_UPSTREAM_BREAKER_FAILURE_RATE` | unset   | also open above this failure ratio (0–1, exclusive)      |
 * | `MCP_UPSTREAM_BREAKER_WINDOW_MS`    | 60000   | the window the failure ratio is sampled over             |
 * | `MCP_UPSTREAM_BREAKER_MIN_RPS`      | 0.5     | attempts per second needed before the ratio counts       |
 * | `MCP_UPSTREAM_MAX_CONCURRENCY`      | 16      | requests in flight per upstream (0 = unlimited)          |
 * | `MCP_UPSTREAM_QUEUE`                | 64      | requests waiting for a slot; more fail at once           |
 * | `MCP_UPSTREAM_CACHE_TTL_MS`         | 0       | response cache lifetime (0 = no cache)                   |
 * | `MCP_UPSTREAM_CACHE_MAX_ENTRIES`    | 1000    | in-memory cache size (least recently used go first)      |
 * | `REDIS_URL`                         | unset   | with a TTL: cache in Redis (needs `ioredis` installed)   |
 *
 * @module
 */
import { ConfigError } from '../errors.js';

/** Retries of transient failures (network, timeout, 408, 429, 500, 502, 503, 504, 529). */
export interface UpstreamRetrySettings {
  /** Retries after the first attempt; 0 turns retrying off. */
  readonly retries: number;
  /** Ceiling of the first backoff; each retry doubles it (full jitter picks a wait below it). */
  readonly baseDelayMs: number;
  /** Largest backoff ceiling. */
  readonly maxDelayMs: number;
  /**
   * Longest wait an upstream's `Retry-After` (or the `retryAfter` hook) may ask for; a longer one,
   * or one beyond the call's remaining time, fails at once with the wait in the message.
   */
  readonly maxRetryAfterMs: number;
}

/** The circuit breaker: opens on repeated failures, fails fast while open, then probes once. */
export interface UpstreamBreakerSettings {
  /** Consecutive failed attempts that open the circuit; 0 turns the breaker off. */
  readonly threshold: number;
  /** How long the circuit stays open before one probe request is let through. */
  readonly cooldownMs: number;
  /** Also open when more than this ratio of attempts fail over `windowMs` (0–1); unset: off. */
  readonly failureRate?: number | undefined;
  /** Window the failure ratio is sampled over. */
  readonly windowMs: number;
  /** Attempts per second needed in the window before the ratio may open the circuit. */
  readonly minimumRps: number;
}

/** The bulkhead: a bound on concurrent requests to one upstream, with a bounded queue. */
export interface UpstreamBulkheadSettings {
  /** Requests in flight at once; 0 means unlimited (no bulkhead). */
  readonly maxConcurrent: number;
  /** Requests that may wait for a slot; a request beyond that fails at once. */
  readonly queue: number;
}

/** The response cache for GET requests (and requests that opt in). */
export interface UpstreamCacheSettings {
  /** Lifetime of a cached response; 0 turns the cache off. */
  readonly ttlMs: number;
  /** Entries the in-memory cache keeps (least recently used are evicted first). */
  readonly maxEntries: number;
  /** Cache in Redis instead of memory (`redis://` or `rediss://`); needs `ioredis` installed. */
  readonly redisUrl?: string | undefined;
}

/** Every resilience setting of an upstream client. */
export interface UpstreamSettings {
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  readonly retry: UpstreamRetrySettings;
  readonly breaker: UpstreamBreakerSettings;
  readonly bulkhead: UpstreamBulkheadSettings;
  readonly cache: UpstreamCacheSettings;
}

/** The defaults when neither the environment nor the options say otherwise. */
export const UPSTREAM_DEFAULTS: UpstreamSettings = {
  timeoutMs: 30_000,
  retry: { retries: 2, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterMs: 30_000 },
  breaker: { threshold: 5, cooldownMs: 30_000, failureRate: undefined, windowMs: 60_000, minimumRps: 0.5 },
  bulkhead: { maxConcurrent: 16, queue: 64 },
  cache: { ttlMs: 0, maxEntries: 1000, redisUrl: undefined },
};

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(text)}.`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}.`);
  return value;
}

function decimal(env: Env, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return fallback;
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > min && value < max))
    throw new ConfigError(`${name} must be a number above ${min} and below ${max}, got ${JSON.stringify(text)}.`);
  return value;
}

function redisUrl(env: Env): string | undefined {
  const text = env.REDIS_URL?.trim();
  if (text === undefined || text === '') return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = undefined;
  }
  // The value is never quoted: a Redis URL often holds a password.
  if (protocol !== 'redis:' && protocol !== 'rediss:')
    throw new ConfigError(
      'REDIS_URL must be a redis:// or rediss:// URL (the value is not shown: it may hold a password).',
    );
  return text;
}

/**
 * Reads the resilience settings from `env` (see the table in this module's header); unset
 * variables keep {@link UPSTREAM_DEFAULTS}. Throws a {@link ConfigError} naming the variable and
 * the accepted range when a value is malformed.
 */
export function upstreamSettingsFromEnv(env: Env = process.env): UpstreamSettings {
  const d = UPSTREAM_DEFAULTS;
  const baseDelayMs = integer(env, 'MCP_UPSTREAM_RETRY_BASE_MS', d.retry.baseDelayMs, 1, 60_000);
  const maxDelayMs = integer(env, 'MCP_UPSTREAM_RETRY_MAX_MS', Math.max(d.retry.maxDelayMs, baseDelayMs), 1, 300_000);
  if (maxDelayMs < baseDelayMs)
    throw new ConfigError(
      `MCP_UPSTREAM_RETRY_MAX_MS (${maxDelayMs}) must not be below MCP_UPSTREAM_RETRY_BASE_MS (${baseDelayMs}).`,
    );
  return {
    timeoutMs: integer(env, 'MCP_UPSTREAM_TIMEOUT_MS', d.timeoutMs, 1, 600_000),
    retry: {
      retries: integer(env, 'MCP_UPSTREAM_RETRIES', d.retry.retries, 0, 10),
      baseDelayMs,
      maxDelayMs,
      maxRetryAfterMs: integer(env, 'MCP_UPSTREAM_RETRY_AFTER_MAX_MS', d.retry.maxRetryAfterMs, 0, 3_600_000),
    },
    breaker: {
      threshold: integer(env, 'MCP_UPSTREAM_BREAKER_THRESHOLD', d.breaker.threshold, 0, 1000),
      cooldownMs: integer(env, 'MCP_UPSTREAM_BREAKER_COOLDOWN_MS', d.breaker.cooldownMs, 1, 3_600_000),
      failureRate: decimal(env, 'MCP_UPSTREAM_BREAKER_FAILURE_RATE', d.breaker.failureRate, 0, 1),
      windowMs: integer(env, 'MCP_UPSTREAM_BREAKER_WINDOW_MS', d.breaker.windowMs, 1000, 3_600_000),
      minimumRps: decimal(env, 'MCP_UPSTREAM_BREAKER_MIN_RPS', d.breaker.minimumRps, 0, 100_000) ?? 0.5,
    },
    bulkhead: {
      maxConcurrent: integer(env, 'MCP_UPSTREAM_MAX_CONCURRENCY', d.bulkhead.maxConcurrent, 0, 10_000),
      queue: integer(env, 'MCP_UPSTREAM_QUEUE', d.bulkhead.queue, 0, 100_000),
    },
    cache: {
      ttlMs: integer(env, 'MCP_UPSTREAM_CACHE_TTL_MS', d.cache.ttlMs, 0, 7 * 86_400_000),
      maxEntries: integer(env, 'MCP_UPSTREAM_CACHE_MAX_ENTRIES', d.cache.maxEntries, 1, 1_000_000),
      redisUrl: redisUrl(env),
    },
  };
}
