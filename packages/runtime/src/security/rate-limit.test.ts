import { describe, expect, test } from 'vitest';

import { createLogger } from '../logger.js';
import { createMemoryRateLimiter } from './rate-limit.js';
import { createRedisRateLimiter } from './redis-rate-limit.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('createMemoryRateLimiter', () => {
  test('allows a burst, then refuses with the time until the next token', async () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 60, intervalMs: 60_000, burst: 3, now: time.now });
    const verdicts = [];
    for (let index = 0; index < 4; index += 1) verdicts.push(await limiter.take('a'));
    expect(verdicts.map((verdict) => verdict.allowed)).toEqual([true, true, true, false]);
    expect(verdicts.map((verdict) => verdict.remaining)).toEqual([2, 1, 0, 0]);
    expect(verdicts[3]!.retryAfterMs).toBe(1000);
  });

  test('refills at the configured rate, never beyond the burst', async () => {
    const time = clock();
    const limiter = createMemoryRateLimiter({ limit: 10, intervalMs: 1000, burst: 2, now: time.now });
    await limiter.take('a');
    await limiter.take('a');
    expect((await limiter.take('a')).allowed).toBe(false);
    time.advance(50);
    expect((await limiter.take('a')).retryAfterMs).toBe(50);
    time.advance(50);
    expect((await limiter.take('a')).allowed).toBe(true);
    time.advance(60_000);
    expect((await limiter.take('a')).remaining).toBe(1);
  });

  test('keeps one bucket per key', async () => {
    const limiter = createMemoryRateLimiter({ limit: 1, intervalMs: 60_000, burst: 1 });
    expect((await limiter.take('a')).allowed).toBe(true);
    expect((await limiter.take('a')).allowed).toBe(false);
    expect((await limiter.take('b')).allowed).toBe(true);
  });

  test('forgets the least recently used buckets beyond maxKeys (a forgotten bucket is a full one)', async () => {
    const limiter = createMemoryRateLimiter({ limit: 1, intervalMs: 60_000, burst: 1, maxKeys: 2 });
    await limiter.take('a');
    await limiter.take('b');
    await limiter.take('b');
    await limiter.take('c'); // evicts a, the least recently used
    expect((await limiter.take('a')).allowed).toBe(true);
  });
});

describe('createRedisRateLimiter', () => {
  test('falls back to in-process buckets while Redis is unreachable, so limits still hold', async () => {
    const limiter = createRedisRateLimiter({
      url: 'redis://:hunter2-secret@127.0.0.1:1/0',
      keyPrefix: 'test:',
      limit: 2,
      intervalMs: 60_000,
      burst: 2,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      await limiter.ready?.();
      const verdicts = [];
      for (let index = 0; index < 3; index += 1) verdicts.push((await limiter.take('a')).allowed);
      expect(verdicts).toEqual([true, true, false]);
    } finally {
      await limiter.close();
    }
  });
});
