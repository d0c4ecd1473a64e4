import { describe, expect, test } from 'vitest';

import { ConfigError } from '../errors.js';
import { UPSTREAM_DEFAULTS, upstreamSettingsFromEnv } from './config.js';

describe('upstreamSettingsFromEnv', () => {
  test('an empty environment gives the defaults: 2 retries, breaker 5 × 30 s, bulkhead 16 + 64, no cache', () => {
    expect(upstreamSettingsFromEnv({})).toEqual(UPSTREAM_DEFAULTS);
    expect(UPSTREAM_DEFAULTS).toMatchObject({
      timeoutMs: 30_000,
      retry: { retries: 2, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterMs: 30_000 },
      breaker: { threshold: 5, cooldownMs: 30_000, failureRate: undefined },
      bulkhead: { maxConcurrent: 16, queue: 64 },
      cache: { ttlMs: 0, redisUrl: undefined },
    });
  });

  test('reads every variable', () => {
    const settings = upstreamSettingsFromEnv({
      MCP_UPSTREAM_TIMEOUT_MS: '5000',
      MCP_UPSTREAM_RETRIES: '4',
      MCP_UPSTREAM_RETRY_BASE_MS: '100',
      MCP_UPSTREAM_RETRY_MAX_MS: '2000',
      MCP_UPSTREAM_RETRY_AFTER_MAX_MS: '10000',
      MCP_UPSTREAM_BREAKER_THRESHOLD: '0',
      MCP_UPSTREAM_BREAKER_COOLDOWN_MS: '60000',
      MCP_UPSTREAM_BREAKER_FAILURE_RATE: '0.5',
      MCP_UPSTREAM_BREAKER_WINDOW_MS: '30000',
      MCP_UPSTREAM_BREAKER_MIN_RPS: '2',
      MCP_UPSTREAM_MAX_CONCURRENCY: '0',
      MCP_UPSTREAM_QUEUE: '10',
      MCP_UPSTREAM_CACHE_TTL_MS: '60000',
      MCP_UPSTREAM_CACHE_MAX_ENTRIES: '50',
      REDIS_URL: ' rediss://:pw@cache.internal:6380/2 ',
    });
    expect(settings).toEqual({
      timeoutMs: 5000,
      retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 2000, maxRetryAfterMs: 10_000 },
      breaker: { threshold: 0, cooldownMs: 60_000, failureRate: 0.5, windowMs: 30_000, minimumRps: 2 },
      bulkhead: { maxConcurrent: 0, queue: 10 },
      cache: { ttlMs: 60_000, maxEntries: 50, redisUrl: 'rediss://:pw@cache.internal:6380/2' },
    });
  });

  test('empty values keep the defaults', () => {
    expect(upstreamSettingsFromEnv({ MCP_UPSTREAM_RETRIES: '', REDIS_URL: '  ' })).toEqual(UPSTREAM_DEFAULTS);
  });

  test('a base delay above the default maximum raises the maximum with it', () => {
    expect(upstreamSettingsFromEnv({ MCP_UPSTREAM_RETRY_BASE_MS: '8000' }).retry.maxDelayMs).toBe(8000);
  });

  test.each([
    ['MCP_UPSTREAM_RETRIES', 'two', 'MCP_UPSTREAM_RETRIES must be a whole number, got "two".'],
    ['MCP_UPSTREAM_RETRIES', '11', 'MCP_UPSTREAM_RETRIES must be between 0 and 10, got 11.'],
    ['MCP_UPSTREAM_RETRIES', '-1', 'MCP_UPSTREAM_RETRIES must be a whole number, got "-1".'],
    ['MCP_UPSTREAM_BREAKER_THRESHOLD', '1.5', 'MCP_UPSTREAM_BREAKER_THRESHOLD must be a whole number, got "1.5".'],
    ['MCP_UPSTREAM_BREAKER_COOLDOWN_MS', '0', 'MCP_UPSTREAM_BREAKER_COOLDOWN_MS must be between 1 and 3600000, got 0.'],
    [
      'MCP_UPSTREAM_BREAKER_FAILURE_RATE',
      '50%',
      'MCP_UPSTREAM_BREAKER_FAILURE_RATE must be a number above 0 and below 1, got "50%".',
    ],
    [
      'MCP_UPSTREAM_BREAKER_FAILURE_RATE',
      '1',
      'MCP_UPSTREAM_BREAKER_FAILURE_RATE must be a number above 0 and below 1, got "1".',
    ],
    ['MCP_UPSTREAM_MAX_CONCURRENCY', 'lots', 'MCP_UPSTREAM_MAX_CONCURRENCY must be a whole number, got "lots".'],
    ['MCP_UPSTREAM_QUEUE', '1e3', 'MCP_UPSTREAM_QUEUE must be a whole number, got "1e3".'],
    ['MCP_UPSTREAM_CACHE_TTL_MS', '1h', 'MCP_UPSTREAM_CACHE_TTL_MS must be a whole number, got "1h".'],
    ['MCP_UPSTREAM_CACHE_MAX_ENTRIES', '0', 'MCP_UPSTREAM_CACHE_MAX_ENTRIES must be between 1 and 1000000, got 0.'],
  ])('%s=%s is refused: %s', (name, value, message) => {
    expect(() => upstreamSettingsFromEnv({ [name]: value })).toThrow(new ConfigError(message));
  });

  test('a maximum delay below the base delay is refused', () => {
    expect(() =>
      upstreamSettingsFromEnv({ MCP_UPSTREAM_RETRY_BASE_MS: '500', MCP_UPSTREAM_RETRY_MAX_MS: '100' }),
    ).toThrow('MCP_UPSTREAM_RETRY_MAX_MS (100) must not be below MCP_UPSTREAM_RETRY_BASE_MS (500).');
  });

  test.each(['http://:secret-pw@cache:6379', 'cache.internal:6379', 'redis//secret-pw'])(
    'REDIS_URL=%s is refused without quoting the value (it may hold a password)',
    (value) => {
      let error: unknown;
      try {
        upstreamSettingsFromEnv({ REDIS_URL: value });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
      expect((error as Error).message).not.toContain('secret-pw');
    },
  );
});
