import { describe, expect, test } from 'vitest';

import { ErrorCode, McpFactoryError } from '../errors.js';
import { UpstreamError, parseRetryAfter, upstreamErrorFromStatus } from './errors.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  test('reads delay-seconds, including fractions', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  test('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  });

  test('never returns a negative delay for a date in the past', () => {
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });

  test('returns undefined when absent or unparseable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('upstreamErrorFromStatus', () => {
  const base = { upstream: 'Acme', upstreamMessage: undefined, retryAfterMs: undefined, credentialHint: undefined };

  test.each([
    [401, 'auth', 'Acme rejected the credentials (HTTP 401). Check the configured credentials.'],
    [403, 'auth', 'Acme rejected the credentials (HTTP 403). Check the configured credentials.'],
    [429, 'rate_limited', 'Acme is rate limiting requests (HTTP 429). Wait a little before trying again.'],
    [404, 'not_found', 'Acme found nothing there (HTTP 404). Check the identifier or name and try again.'],
    [500, 'unavailable', 'Acme is unavailable (HTTP 500). It is failing on its side; try again later.'],
    [503, 'unavailable', 'Acme is unavailable (HTTP 503). It is failing on its side; try again later.'],
    [529, 'unavailable', 'Acme is unavailable (HTTP 529). It is failing on its side; try again later.'],
    [400, 'bad_request', 'Acme refused the request (HTTP 400). Change the arguments and try again.'],
    [422, 'bad_request', 'Acme refused the request (HTTP 422). Change the arguments and try again.'],
  ])('HTTP %i is a %s failure', (status, failure, message) => {
    const error = upstreamErrorFromStatus({ ...base, status });
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.failure).toBe(failure);
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
  });

  test('names the credential variable in auth advice', () => {
    const error = upstreamErrorFromStatus({ ...base, status: 401, credentialHint: 'ACME_API_KEY' });
    expect(error.message).toContain('Check that ACME_API_KEY is set to a valid key with access.');
  });

  test('quotes the upstream message and the retry delay in whole seconds', () => {
    const error = upstreamErrorFromStatus({
      ...base,
      status: 429,
      upstreamMessage: 'slow down',
      retryAfterMs: 1200,
    });
    expect(error.message).toBe(
      'Acme is rate limiting requests (HTTP 429): slow down. Retry after 2 s before trying again.',
    );
    expect(error.retryAfterMs).toBe(1200);
    expect(error.upstreamMessage).toBe('slow down');
  });

  test('takes a failure chosen by a classify hook, with its advice, and keeps the provider’s code', () => {
    const error = upstreamErrorFromStatus({
      ...base,
      status: 400,
      upstreamMessage: 'API key not valid',
      credentialHint: 'GEMINI_API_KEY',
      failure: 'auth',
      upstreamCode: 'API_KEY_INVALID',
    });
    expect(error.failure).toBe('auth');
    expect(error.upstreamCode).toBe('API_KEY_INVALID');
    expect(error.data).toEqual({ upstream: 'Acme', failure: 'auth', status: 400, upstreamCode: 'API_KEY_INVALID' });
    expect(error.message).toBe(
      'Acme rejected the credentials (HTTP 400): API key not valid. Check that GEMINI_API_KEY is set to a valid key with access.',
    );
  });

  test('a final 429 says waiting will not help and is not retryable', () => {
    const error = upstreamErrorFromStatus({ ...base, status: 429, retryAfterMs: 1000, retryable: false });
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'Acme refused the request (HTTP 429). Waiting will not help; the account behind the key needs more quota or a higher plan.',
    );
  });

  test('a 503 with a wait says when to retry; a final one says retrying will not help', () => {
    expect(upstreamErrorFromStatus({ ...base, status: 503, retryAfterMs: 4500 }).message).toBe(
      'Acme is unavailable (HTTP 503). It is failing on its side; retry after 5 s.',
    );
    expect(upstreamErrorFromStatus({ ...base, status: 503, retryable: false }).message).toBe(
      'Acme is unavailable (HTTP 503). Retrying will not help.',
    );
  });

  test('another reclassification gets generic advice', () => {
    const error = upstreamErrorFromStatus({ ...base, status: 408, failure: 'timeout' });
    expect(error.message).toBe('Acme failed the request (HTTP 408). Try again later.');
    expect(error.retryable).toBe(true);
  });

  test('says at least 1 s when asked to retry immediately', () => {
    expect(upstreamErrorFromStatus({ ...base, status: 429, retryAfterMs: 0 }).message).toContain('Retry after 1 s');
  });
});

describe('UpstreamError', () => {
  test('an explicit retryable wins over the failure kind', () => {
    expect(new UpstreamError('m', { upstream: 'Acme', failure: 'rate_limited', retryable: false }).retryable).toBe(
      false,
    );
    expect(new UpstreamError('m', { upstream: 'Acme', failure: 'invalid_response', retryable: true }).retryable).toBe(
      true,
    );
  });

  test('is a ToolFailed McpFactoryError whose data has no upstream message', () => {
    const error = new UpstreamError('m', {
      upstream: 'Acme',
      failure: 'unavailable',
      status: 502,
      retryAfterMs: 10,
      upstreamMessage: 'internal stack at db.query',
    });
    expect(error).toBeInstanceOf(McpFactoryError);
    expect(error.code).toBe(ErrorCode.ToolFailed);
    expect(error.name).toBe('UpstreamError');
    expect(error.data).toEqual({ upstream: 'Acme', failure: 'unavailable', status: 502, retryAfterMs: 10 });
  });

  test.each([
    ['network', undefined, true],
    ['timeout', undefined, true],
    ['rate_limited', 429, true],
    ['unavailable', 503, true],
    ['bad_request', 408, true],
    ['bad_request', 400, false],
    ['auth', 401, false],
    ['not_found', 404, false],
    ['invalid_response', 200, false],
    ['circuit_open', undefined, true],
    ['queue_full', undefined, true],
  ] as const)('a %s failure with status %s is retryable: %s', (failure, status, retryable) => {
    expect(new UpstreamError('m', { upstream: 'Acme', failure, status }).retryable).toBe(retryable);
  });
});
