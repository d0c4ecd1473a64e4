/**
 * Per-client rate limits: a token bucket per key (the authenticated principal, or the remote
 * address of an unauthenticated caller). Each bucket holds up to `burst` tokens, refills at
 * `limit` per `intervalMs`, and a request takes one. This file holds the interface and the
 * in-process implementation; `redis-rate-limit.ts` shares buckets across replicas.
 *
 * @module
 */
import type { RateLimitOptions } from './config.js';

/** The answer for one request. */
export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** When refused: how long until a token is available, in milliseconds (0 when allowed). */
  readonly retryAfterMs: number;
}

/** Decides whether a client may make one more request. */
export interface RateLimiter {
  /** Takes a token from `key`'s bucket. */
  take(key: string): Promise<RateLimitVerdict>;
  /** Resolves once the limiter can serve (loads a backing store); optional. */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions extends Pick<RateLimitOptions, 'limit' | 'intervalMs' | 'burst'> {
  /** Clock in milliseconds; default `Date.now`. Tests pass a fake one. */
  now?: () => number;
  /**
   * Most buckets kept; beyond it the least recently used are dropped (a dropped bucket is a full
   * one, which only ever errs towards allowing). Default 10 000.
   */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A token bucket per key, in this process's memory. */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const perMs = options.limit / options.intervalMs;
  const burst = options.burst;
  const maxKeys = options.maxKeys ?? 10_000;
  const buckets = new Map<string, Bucket>();

  const takeNow = (key: string): RateLimitVerdict => {
    const time = now();
    const bucket = buckets.get(key) ?? { tokens: burst, updatedAt: time };
    // Re-inserted on every use, so the map's first keys are the least recently used.
    buckets.delete(key);
    buckets.set(key, bucket);
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, time - bucket.updatedAt) * perMs);
    bucket.updatedAt = time;
    if (buckets.size > maxKeys) {
      const oldest = buckets.keys().next().value;
      if (oldest !== undefined) buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((1 - bucket.tokens) / perMs) };
  };

  return {
    take: async (key) => takeNow(key),
    close: async () => buckets.clear(),
  };
}
