/**
 * Retries, Retry-After, deadlines, the circuit breaker and the bulkhead, over real HTTP against the
 * fake upstream. Each fault case checks the result, the attempts the fake saw, the time taken
 * (generous bounds), the breaker's state and the exchanges reported to `onExchange`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';

import * as z from 'zod';

import { defineTool } from '../define.js';
import { CancelledError, ConfigError, TimeoutError } from '../errors.js';
import { startFakeUpstream, type FakeUpstream } from '../fake/index.js';
import { createLogger } from '../logger.js';
import { HealthRegistry } from '../observability/health.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../observability/metrics.js';
import { createServer } from '../server.js';
import { invokeTool } from '../testing/index.js';
import { createUpstreamClient, type UpstreamClientOptions } from './client.js';
import { UpstreamError } from './errors.js';
import type { UpstreamExchange } from './exchange.js';

const HEADER_SECRET = 'sk-resilience-5ecret-value';
const QUERY_SECRET = 'qk-resilience-5ecret-value';

let fake: FakeUpstream;
/** Requests of the `/slow` route in flight right now, and the most seen at once. */
let inflight = 0;
let maxInflight = 0;
let release: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

function closeGate(): void {
  gate = new Promise((resolve) => (release = resolve));
}

beforeAll(async () => {
  fake = await startFakeUpstream({
    name: 'Acme',
    routes: [
      { method: 'GET', path: '/v1/items/:id', handle: (req) => ({ body: { id: req.params.id } }) },
      { method: 'POST', path: '/v1/items', handle: (req) => ({ status: 201, body: { echo: req.body } }) },
      {
        method: 'GET',
        path: '/v1/slow',
        handle: async () => {
          inflight += 1;
          maxInflight = Math.max(maxInflight, inflight);
          await gate;
          inflight -= 1;
          return { body: { ok: true } };
        },
      },
    ],
    errorBody: (status, message) => ({ error: { code: status, message } }),
  });
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.reset();
  release();
  inflight = 0;
  maxInflight = 0;
});

interface Harness {
  client: ReturnType<typeof createUpstreamClient>;
  metrics: RuntimeMetrics;
  health: HealthRegistry;
  exchanges: UpstreamExchange[];
  onExchange: (exchange: UpstreamExchange) => void;
}

/** A client with short backoffs, its own metrics and readiness registry, and an exchange recorder. */
function harness(options: Partial<UpstreamClientOptions> = {}): Harness {
  const metrics = createRuntimeMetrics({ defaultMetrics: false });
  const health = new HealthRegistry();
  const exchanges: UpstreamExchange[] = [];
  const client = createUpstreamClient({
    name: 'Acme',
    baseUrl: `${fake.url}/v1`,
    headers: { authorization: `Bearer ${HEADER_SECRET}` },
    errorMessage: (body) => (body as { error?: { message?: string } } | undefined)?.error?.message,
    env: {},
    metrics,
    health,
    ...options,
    retry: options.retry === false ? false : { baseDelayMs: 20, maxDelayMs: 100, ...options.retry },
  });
  return { client, metrics, health, exchanges, onExchange: (exchange) => exchanges.push(exchange) };
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

/** `{ label value: count }` of a counter, e.g. `{ '503': 2, '200': 1 }` by status. */
async function counts(metrics: RuntimeMetrics, name: string, label: string): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return Object.fromEntries(values.map((value) => [String(value.labels[label]), value.value]));
}

async function gauge(metrics: RuntimeMetrics): Promise<number | undefined> {
  return (await metrics.circuitState.get()).values.find((value) => value.labels.upstream === 'Acme')?.value;
}

const statuses = (exchanges: UpstreamExchange[]): (number | string)[] => exchanges.map((exchange) => exchange.status);

describe('retries', () => {
  test('429 with Retry-After in seconds: waits that long, then succeeds', async () => {
    const h = harness();
    fake.fail({ status: 429, retryAfter: 1 });
    const { result, ms } = await timed(() => h.client.request({ path: '/items/1', onExchange: h.onExchange }));
    expect(result.data).toEqual({ id: '1' });
    expect(fake.requests).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(3000);
    expect(statuses(h.exchanges)).toEqual([429, 200]);
    expect(h.exchanges.map((exchange) => exchange.attempt)).toEqual([1, 2]);
    expect(await counts(h.metrics, 'mcp_upstream_retries_total', 'upstream')).toEqual({ Acme: 1 });
    expect(h.client.health()).toEqual({ upstream: 'Acme', circuit: 'closed' });
  });

  test('429 with Retry-After as an HTTP-date: waits until then, then succeeds', async () => {
    const h = harness();
    // HTTP-dates have whole seconds: 2 s ahead is a wait of 1 to 2 s.
    fake.fail({ status: 429, retryAfter: new Date(Date.now() + 2000) });
    const { result, ms } = await timed(() => h.client.request({ path: '/items/2', onExchange: h.onExchange }));
    expect(result.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(4000);
    expect(statuses(h.exchanges)).toEqual([429, 200]);
  });

  test('a Retry-After beyond the call’s remaining budget fails at once with the wait in the message', async () => {
    const h = harness();
    fake.fail({ status: 429, retryAfter: 30 });
    const { result: error, ms } = await timed(() =>
      failureOf(h.client.request({ path: '/items/1', deadline: Date.now() + 2000, onExchange: h.onExchange })),
    );
    expect(ms).toBeLessThan(500);
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.message).toBe(
      'Acme is rate limiting requests (HTTP 429): Rate limit exceeded. Retry after 30 s before trying again.',
    );
    expect(error.attempts).toBe(1);
    expect(fake.requests).toHaveLength(1);
    expect(statuses(h.exchanges)).toEqual([429]);
  });

  test('a Retry-After beyond maxRetryAfterMs fails at once even without a deadline', async () => {
    const h = harness({ retry: { maxRetryAfterMs: 5000 } });
    fake.fail({ status: 503, retryAfter: 10 });
    const { result: error, ms } = await timed(() => failureOf(h.client.request({ path: '/items/1' })));
    expect(ms).toBeLessThan(500);
    expect(error.failure).toBe('unavailable');
    expect(error.message).toContain('retry after 10 s');
    expect(fake.requests).toHaveLength(1);
  });

  test('a 503 burst is retried with backoff until it passes', async () => {
    const h = harness();
    fake.fail({ status: 503, times: 2 });
    const { result, ms } = await timed(() => h.client.request({ path: '/items/3', onExchange: h.onExchange }));
    expect(result.data).toEqual({ id: '3' });
    expect(fake.requests).toHaveLength(3);
    expect(ms).toBeLessThan(2000);
    expect(statuses(h.exchanges)).toEqual([503, 503, 200]);
    expect(await counts(h.metrics, 'mcp_upstream_requests_total', 'status')).toEqual({ '503': 2, '200': 1 });
    expect(await counts(h.metrics, 'mcp_upstream_retries_total', 'upstream')).toEqual({ Acme: 2 });
  });

  test('a burst longer than the retries fails with the last error after 1 + retries attempts', async () => {
    const h = harness();
    fake.fail({ status: 503, times: 3 });
    const error = await failureOf(h.client.request({ path: '/items/3', onExchange: h.onExchange }));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toBe(
      'Acme is unavailable (HTTP 503): Service unavailable. It is failing on its side; try again later.',
    );
    expect(error.attempts).toBe(3);
    expect(fake.requests).toHaveLength(3);
    expect(statuses(h.exchanges)).toEqual([503, 503, 503]);
  });

  test.each([500, 502, 504, 408, 529])('HTTP %i is retried', async (status) => {
    const h = harness();
    fake.fail({ status });
    await h.client.request({ path: '/items/1', onExchange: h.onExchange });
    expect(statuses(h.exchanges)).toEqual([status, 200]);
  });

  test.each([400, 401, 403, 404, 409, 422, 501])('HTTP %i is never retried', async (status) => {
    const h = harness();
    fake.fail({ status });
    const error = await failureOf(h.client.request({ path: '/items/1', onExchange: h.onExchange }));
    expect(error.status).toBe(status);
    expect(error.attempts).toBe(1);
    expect(fake.requests).toHaveLength(1);
    expect(statuses(h.exchanges)).toEqual([status]);
  });

  test('a POST is not retried, unless it says it is idempotent', async () => {
    const h = harness();
    fake.fail({ status: 503 });
    const error = await failureOf(h.client.request({ method: 'POST', path: '/items', body: { n: 1 } }));
    expect(error.failure).toBe('unavailable');
    expect(fake.requests).toHaveLength(1);

    fake.reset();
    fake.fail({ status: 503 });
    const response = await h.client.request({ method: 'POST', path: '/items', body: { n: 2 }, idempotent: true });
    expect(response.status).toBe(201);
    expect(fake.requests.map((request) => request.body)).toEqual([{ n: 2 }, { n: 2 }]);
  });

  test('a POST refused with 429 is retried: the upstream never acted on it', async () => {
    const h = harness();
    fake.fail({ status: 429, headers: { 'retry-after': '0' } });
    const response = await h.client.request({
      method: 'POST',
      path: '/items',
      body: { n: 3 },
      onExchange: h.onExchange,
    });
    expect(response.status).toBe(201);
    expect(statuses(h.exchanges)).toEqual([429, 201]);
  });

  test('a POST to a refused connection is retried; a reset one is not', async () => {
    const closed = await import('node:net').then(
      ({ createServer }) =>
        new Promise<number>((resolve) => {
          const probe = createServer();
          probe.listen(0, '127.0.0.1', () => {
            const { port } = probe.address() as { port: number };
            probe.close(() => resolve(port));
          });
        }),
    );
    const refused = createUpstreamClient({
      name: 'Nowhere',
      baseUrl: `http://127.0.0.1:${closed}`,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
      env: {},
    });
    const exchanges: UpstreamExchange[] = [];
    const error = await failureOf(
      refused.request({ method: 'POST', path: '/x', body: {}, onExchange: (exchange) => exchanges.push(exchange) }),
    );
    expect(error.failure).toBe('network');
    expect(exchanges).toHaveLength(3);

    const h = harness();
    fake.fail({ reset: true });
    const reset = await failureOf(h.client.request({ method: 'POST', path: '/items', body: { n: 4 } }));
    expect(reset.failure).toBe('network');
    expect(fake.requests).toHaveLength(1);
  });

  test('PUT and DELETE are retried as idempotent; PATCH is not', async () => {
    const h = harness();
    fake.fail({ status: 503 });
    await failureOf(h.client.request({ method: 'PUT', path: '/items/1', body: {} }));
    expect(fake.requests).toHaveLength(2); // 503, then the fake's 404 (no PUT route), which is final
    fake.reset();
    fake.fail({ status: 503 });
    await failureOf(h.client.request({ method: 'DELETE', path: '/items/1' }));
    expect(fake.requests).toHaveLength(2);
    fake.reset();
    fake.fail({ status: 503 });
    await failureOf(h.client.request({ method: 'PATCH', path: '/items/1', body: {} }));
    expect(fake.requests).toHaveLength(1);
  });

  test('an attempt that hangs past the per-attempt timeout is retried, then succeeds', async () => {
    const h = harness({ timeoutMs: 200 });
    fake.fail({ hang: true });
    const { result, ms } = await timed(() => h.client.request({ path: '/items/4', onExchange: h.onExchange }));
    expect(result.data).toEqual({ id: '4' });
    expect(fake.requests).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(190);
    expect(ms).toBeLessThan(2000);
    expect(statuses(h.exchanges)).toEqual(['timeout', 200]);
  });

  test('the total deadline bounds all attempts and waits together', async () => {
    const h = harness({ timeoutMs: 300 });
    fake.fail({ hang: true, times: 5 });
    const { result: error, ms } = await timed(() =>
      failureOf(h.client.request({ path: '/items/5', deadline: Date.now() + 700, onExchange: h.onExchange })),
    );
    expect(error.failure).toBe('timeout');
    expect(ms).toBeGreaterThanOrEqual(550);
    expect(ms).toBeLessThan(1200);
    expect(fake.requests.length).toBeGreaterThanOrEqual(2);
    expect(fake.requests.length).toBeLessThanOrEqual(3);
    expect(h.exchanges.every((exchange) => exchange.status === 'timeout')).toBe(true);
    expect(h.exchanges).toHaveLength(fake.requests.length);
  });

  test('a deadline shorter than the timeout ends the attempt with a budget message and no retry', async () => {
    const h = harness({ timeoutMs: 10_000 });
    fake.fail({ hang: true });
    const { result: error, ms } = await timed(() =>
      failureOf(h.client.request({ path: '/items/5', deadline: Date.now() + 300 })),
    );
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(1500);
    expect(error.message).toMatch(/^Acme did not answer within the \d+ ms left of this call's time budget\./);
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(fake.requests).toHaveLength(1);
  });

  test('no retry is made when its backoff would not fit in the time left', async () => {
    const h = harness({ retry: { baseDelayMs: 5000, maxDelayMs: 5000 } });
    vi.spyOn(Math, 'random').mockReturnValue(0.99);
    try {
      fake.fail({ status: 503 });
      const { ms } = await timed(() => failureOf(h.client.request({ path: '/items/1', deadline: Date.now() + 1000 })));
      expect(ms).toBeLessThan(500);
      expect(fake.requests).toHaveLength(1);
    } finally {
      vi.restoreAllMocks();
    }
  });

  test('a reset connection is retried, then succeeds', async () => {
    const h = harness();
    fake.fail({ reset: true });
    const response = await h.client.request({ path: '/items/6', onExchange: h.onExchange });
    expect(response.data).toEqual({ id: '6' });
    expect(fake.requests).toHaveLength(2);
    expect(statuses(h.exchanges)).toEqual(['network', 200]);
    expect(h.exchanges[0]!.error).toEqual(expect.any(String));
  });

  test('a body cut short (connection dropped mid-body) is retried as a network failure', async () => {
    const h = harness();
    fake.fail({ truncate: true });
    const response = await h.client.request({ path: '/items/7', onExchange: h.onExchange });
    expect(response.data).toEqual({ id: '7' });
    expect(statuses(h.exchanges)).toEqual(['network', 200]);
  });

  test('malformed JSON in a 200 is a transient fault: retried, and reported if it persists', async () => {
    const h = harness();
    fake.fail({ raw: '{"id": "8",' });
    expect((await h.client.request({ path: '/items/8', onExchange: h.onExchange })).data).toEqual({ id: '8' });
    expect(statuses(h.exchanges)).toEqual([200, 200]);

    fake.fail({ raw: '<html>proxy error</html>', times: 3 });
    const error = await failureOf(h.client.request({ path: '/items/8' }));
    expect(error.failure).toBe('invalid_response');
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(3);
  });

  test('caller cancellation during a backoff wait rejects at once with the caller’s reason', async () => {
    const h = harness();
    fake.fail({ status: 503, retryAfter: 5 });
    const controller = new AbortController();
    const reason = new CancelledError('the client cancelled');
    setTimeout(() => controller.abort(reason), 150);
    const { result, ms } = await timed(() =>
      h.client.request({ path: '/items/1', signal: controller.signal }).catch((caught: unknown) => caught),
    );
    expect(result).toBe(reason);
    expect(ms).toBeLessThan(1000);
    expect(fake.requests).toHaveLength(1);
  });

  test('retry: false and MCP_UPSTREAM_RETRIES=0 both mean one attempt', async () => {
    fake.fail({ status: 503, times: 2 });
    await failureOf(harness({ retry: false }).client.request({ path: '/items/1' }));
    await failureOf(harness({ env: { MCP_UPSTREAM_RETRIES: '0' } }).client.request({ path: '/items/1' }));
    expect(fake.requests).toHaveLength(2);
  });

  test('malformed environment settings stop the client with a ConfigError naming the variable', () => {
    expect(() => harness({ env: { MCP_UPSTREAM_RETRIES: 'many' } })).toThrow(ConfigError);
    expect(() => harness({ env: { MCP_UPSTREAM_RETRIES: 'many' } })).toThrow(/MCP_UPSTREAM_RETRIES/);
  });
});

describe('provider hooks', () => {
  test('retryAfter reads a provider’s own hint (OpenAI-style reset headers)', async () => {
    const h = harness({
      retryAfter: (headers) =>
        headers.get('x-ratelimit-remaining-requests') === '0'
          ? Number.parseFloat(headers.get('x-ratelimit-reset-requests') ?? '') * 1000
          : undefined,
    });
    fake.fail({
      status: 429,
      headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '0.5s' },
    });
    const { ms } = await timed(() => h.client.request({ path: '/items/1', onExchange: h.onExchange }));
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(statuses(h.exchanges)).toEqual([429, 200]);
  });

  test('retryAfter reads the body (Gemini-style RetryInfo); beyond the budget it fails at once', async () => {
    const h = harness({
      retryAfter: (_headers, body) => {
        const details = (body as { error?: { details?: { retryDelay?: string }[] } } | undefined)?.error?.details;
        const delay = details?.find((detail) => detail.retryDelay !== undefined)?.retryDelay;
        return delay === undefined ? undefined : Number.parseFloat(delay) * 1000;
      },
    });
    const body = (seconds: string) => ({
      error: { code: 429, message: 'Quota exceeded', details: [{ '@type': 'RetryInfo', retryDelay: seconds }] },
    });
    fake.fail({ status: 429, body: body('0.3s') });
    await h.client.request({ path: '/items/1', onExchange: h.onExchange });
    expect(statuses(h.exchanges)).toEqual([429, 200]);

    fake.fail({ status: 429, body: body('40s') });
    const error = await failureOf(h.client.request({ path: '/items/1', deadline: Date.now() + 5000 }));
    expect(error.retryAfterMs).toBe(40_000);
    expect(error.message).toContain('Retry after 40 s before trying again.');
  });

  test('classify turns a 400 API_KEY_INVALID into an auth failure with the provider’s code', async () => {
    const h = harness({
      credentialHint: 'GEMINI_API_KEY',
      classify: (status, body) =>
        status === 400 && JSON.stringify(body).includes('API_KEY_INVALID')
          ? { failure: 'auth', code: 'API_KEY_INVALID' }
          : undefined,
    });
    fake.fail({
      status: 400,
      body: { error: { code: 400, message: 'API key not valid.', details: [{ reason: 'API_KEY_INVALID' }] } },
    });
    const error = await failureOf(h.client.request({ path: '/items/1' }));
    expect(error.failure).toBe('auth');
    expect(error.upstreamCode).toBe('API_KEY_INVALID');
    expect(error.data).toMatchObject({ upstreamCode: 'API_KEY_INVALID', status: 400 });
    expect(error.message).toBe(
      'Acme rejected the credentials (HTTP 400): API key not valid.. Check that GEMINI_API_KEY is set to a valid key with access.',
    );
    expect(fake.requests).toHaveLength(1);
  });

  test('classify makes a 429 insufficient_quota final: no retry, no breaker count, advice that waiting will not help', async () => {
    const h = harness({
      breaker: { threshold: 1 },
      classify: (status, body) =>
        status === 429 && JSON.stringify(body).includes('insufficient_quota')
          ? { code: 'insufficient_quota', retryable: false }
          : undefined,
    });
    fake.fail({
      status: 429,
      retryAfter: 1,
      body: { error: { message: 'You exceeded your quota', code: 'insufficient_quota' } },
    });
    const error = await failureOf(h.client.request({ path: '/items/1' }));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryable).toBe(false);
    expect(error.upstreamCode).toBe('insufficient_quota');
    expect(error.message).toBe(
      'Acme refused the request (HTTP 429): You exceeded your quota. Waiting will not help; the account behind the key needs more quota or a higher plan.',
    );
    expect(fake.requests).toHaveLength(1);
    expect(h.client.health().circuit).toBe('closed');
  });

  test('classify can make a normally final status retryable', async () => {
    const h = harness({ classify: (status) => (status === 409 ? { retryable: true } : undefined) });
    fake.fail({ status: 409 });
    expect((await h.client.request({ path: '/items/1' })).status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('circuit breaker', () => {
  test('opens after N consecutive failures, fails fast without contacting the upstream, probes once after the cooldown, closes on success', async () => {
    const h = harness({ retry: false, breaker: { threshold: 3, cooldownMs: 400 } });
    fake.fail({ status: 503, times: 3 });
    for (let i = 0; i < 3; i += 1) await failureOf(h.client.request({ path: '/items/1', onExchange: h.onExchange }));
    expect(h.client.health()).toEqual({ upstream: 'Acme', circuit: 'open' });
    expect(await gauge(h.metrics)).toBe(2);
    expect(await h.health.check()).toEqual({
      ready: false,
      checks: { 'upstream:Acme': { ready: false, detail: 'Acme circuit open' } },
    });

    const { result: refused, ms } = await timed(() =>
      failureOf(h.client.request({ path: '/items/1', onExchange: h.onExchange })),
    );
    expect(ms).toBeLessThan(250);
    expect(refused.failure).toBe('circuit_open');
    expect(refused.message).toBe('Acme is failing (HTTP 503); calls to it are paused for 1 s. Try again after that.');
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryable).toBe(true);
    expect(fake.requests).toHaveLength(3);
    expect(h.exchanges).toHaveLength(3);

    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(h.client.health().circuit).toBe('half-open');
    expect((await h.health.check()).ready).toBe(true);

    // The probe is slow; calls arriving meanwhile fail fast instead of waiting for it.
    fake.fail({ delayMs: 200 });
    const probe = h.client.request({ path: '/items/9', onExchange: h.onExchange });
    const others = await Promise.all([
      failureOf(h.client.request({ path: '/items/10' })),
      failureOf(h.client.request({ path: '/items/11' })),
    ]);
    expect(others.map((error) => error.failure)).toEqual(['circuit_open', 'circuit_open']);
    expect(others[0].message).toContain('paused while one test request checks whether it has recovered');
    expect(await gauge(h.metrics)).toBe(1);
    expect((await probe).data).toEqual({ id: '9' });
    expect(fake.requests.slice(3).map((request) => request.path)).toEqual(['/v1/items/9']);
    expect(h.client.health().circuit).toBe('closed');
    expect(await gauge(h.metrics)).toBe(0);
    expect(statuses(h.exchanges)).toEqual([503, 503, 503, 200]);

    await h.client.request({ path: '/items/12' });
    expect(fake.requests).toHaveLength(5);
  });

  test('a failed probe opens the circuit again for another cooldown', async () => {
    const h = harness({ retry: false, breaker: { threshold: 2, cooldownMs: 200 } });
    fake.fail({ status: 500, times: 3 });
    await failureOf(h.client.request({ path: '/items/1' }));
    await failureOf(h.client.request({ path: '/items/1' }));
    await new Promise((resolve) => setTimeout(resolve, 250));
    const probe = await failureOf(h.client.request({ path: '/items/1' }));
    expect(probe.failure).toBe('unavailable');
    expect(h.client.health().circuit).toBe('open');
    expect((await failureOf(h.client.request({ path: '/items/1' }))).failure).toBe('circuit_open');
    expect(fake.requests).toHaveLength(3);
  });

  test('client errors (4xx) and rate limits do not count as upstream failures', async () => {
    const h = harness({ retry: false, breaker: { threshold: 2 } });
    fake.fail({ status: 404 }, { status: 400 }, { status: 429 }, { status: 422 });
    for (let i = 0; i < 4; i += 1) await failureOf(h.client.request({ path: '/items/1' }));
    expect(h.client.health().circuit).toBe('closed');
  });

  test('retries stop when the breaker opens mid-request; the error says calls are paused', async () => {
    const h = harness({ retry: { retries: 3 }, breaker: { threshold: 2, cooldownMs: 10_000 } });
    fake.fail({ status: 503, times: 4 });
    const error = await failureOf(h.client.request({ path: '/items/1', onExchange: h.onExchange }));
    expect(error.failure).toBe('circuit_open');
    expect(error.message).toBe('Acme is failing (HTTP 503); calls to it are paused for 10 s. Try again after that.');
    expect(error.cause).toBeInstanceOf(UpstreamError);
    expect(error.attempts).toBe(2);
    expect(statuses(h.exchanges)).toEqual([503, 503]);
  });

  test('timeouts and network errors count; the message names them', async () => {
    const h = harness({ retry: false, timeoutMs: 100, breaker: { threshold: 2 } });
    fake.fail({ hang: true }, { reset: true });
    await failureOf(h.client.request({ path: '/items/1' }));
    await failureOf(h.client.request({ path: '/items/1' }));
    expect((await failureOf(h.client.request({ path: '/items/1' }))).message).toMatch(
      /^Acme is failing \(network errors\)/,
    );
  });

  test('a sampled failure rate opens the circuit before any run of consecutive failures', async () => {
    const h = harness({
      retry: false,
      breaker: { threshold: 0, failureRate: 0.5, windowMs: 1000, minimumRps: 5 },
    });
    fake.fail({}, { status: 503 }, {}, { status: 503 }, { status: 503 });
    for (let i = 0; i < 5; i += 1) await h.client.request({ path: '/items/1' }).catch(() => undefined);
    expect(h.client.health().circuit).toBe('open');
  });

  test('breaker: false never opens and registers no readiness check', async () => {
    const h = harness({ retry: false, breaker: false });
    fake.fail({ status: 503, times: 8 });
    for (let i = 0; i < 8; i += 1) await failureOf(h.client.request({ path: '/items/1' }));
    expect(h.client.health().circuit).toBe('closed');
    expect((await h.health.check()).checks).toEqual({});
  });
});

describe('bulkhead', () => {
  test('limits concurrent requests, queues a bounded number, and refuses the rest at once', async () => {
    const h = harness({ bulkhead: { maxConcurrent: 2, queue: 1 } });
    closeGate();
    const running = [1, 2, 3].map(() => h.client.request({ path: '/slow' }));
    await vi.waitFor(() => expect(inflight).toBe(2));
    const { result: refused, ms } = await timed(() => failureOf(h.client.request({ path: '/slow' })));
    expect(ms).toBeLessThan(250);
    expect(refused.failure).toBe('queue_full');
    expect(refused.message).toBe(
      'Too many requests to Acme are already running (2) or waiting (1); this one was not sent. Try again in a moment.',
    );
    expect(refused.retryable).toBe(true);
    release();
    const done = await Promise.all(running);
    expect(done.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(maxInflight).toBe(2);
    expect(fake.requests).toHaveLength(3);
  });

  test('a queued request leaves the queue when its caller cancels or its deadline passes', async () => {
    const h = harness({ bulkhead: { maxConcurrent: 1, queue: 1 } });
    closeGate();
    const first = h.client.request({ path: '/slow' });
    await vi.waitFor(() => expect(inflight).toBe(1));

    const controller = new AbortController();
    const cancelled = h.client.request({ path: '/slow', signal: controller.signal }).catch((caught: unknown) => caught);
    const reason = new CancelledError('gone');
    controller.abort(reason);
    expect(await cancelled).toBe(reason);

    const { result: late, ms } = await timed(() =>
      failureOf(h.client.request({ path: '/slow', deadline: Date.now() + 150 })),
    );
    expect(ms).toBeGreaterThanOrEqual(100);
    expect(ms).toBeLessThan(1000);
    expect(late.failure).toBe('timeout');
    expect(late.message).toContain('waited behind 1 running requests');

    release();
    await first;
    expect(fake.requests).toHaveLength(1);
  });
});

describe('inside a tool call', () => {
  function appWith(client: ReturnType<typeof createUpstreamClient>, timeoutMs: number) {
    const exchanges: UpstreamExchange[] = [];
    const tool = defineTool({
      name: 'get_item',
      description: 'Gets an item.',
      input: z.object({ id: z.string() }),
      timeoutMs,
      async run({ id }, ctx) {
        const response = await client.request({
          path: `/items/${id}`,
          signal: ctx.signal,
          requestId: ctx.requestId,
          deadline: ctx.deadline,
          onExchange: (exchange) => {
            exchanges.push(exchange);
            ctx.recordExchange(exchange);
          },
        });
        return JSON.stringify(response.data);
      },
    });
    return { app: createServer({ name: 't', version: '1', tools: [tool], logLevel: 'silent' }), exchanges };
  }

  test('a retry rides out a 503 within the call, and the exchanges carry the request id’s attempts', async () => {
    const { client } = harness();
    const { app, exchanges } = appWith(client, 5000);
    fake.fail({ status: 503 });
    const { result } = await invokeTool(app, 'get_item', { id: 'a' });
    expect(result.isError).toBeFalsy();
    expect(statuses(exchanges)).toEqual([503, 200]);
    expect(fake.requests.map((request) => request.headers['x-request-id'])).toEqual([
      expect.any(String),
      fake.requests[0]!.headers['x-request-id'],
    ]);
  });

  test('a Retry-After longer than the tool’s budget fails the call at once with the wait', async () => {
    const { client } = harness();
    const { app } = appWith(client, 2000);
    fake.fail({ status: 429, retryAfter: 10 });
    const { result, ms } = await timed(() => invokeTool(app, 'get_item', { id: 'a' }).then((r) => r.result));
    expect(ms).toBeLessThan(1000);
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('Retry after 10 s before trying again.');
    expect(fake.requests).toHaveLength(1);
  });

  test('the tool’s deadline ends a hanging attempt, and no retry outlives it', async () => {
    const { client } = harness({ timeoutMs: 10_000 });
    const { app, exchanges } = appWith(client, 400);
    fake.fail({ hang: true, times: 3 });
    const { result, ms } = await timed(() => invokeTool(app, 'get_item', { id: 'a' }).then((r) => r.result));
    expect(result.isError).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(350);
    expect(ms).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests).toHaveLength(1);
    expect(exchanges).toHaveLength(1);
    expect(['timeout', 'cancelled']).toContain(exchanges[0]!.status);
  });
});

describe('secrets', () => {
  test('never appear in errors, exchanges, metrics or logs, whatever the fault', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const h = harness({ logger, timeoutMs: 150, breaker: { threshold: 3, cooldownMs: 10_000 } });
    const errors: UpstreamError[] = [];
    const faults = [
      { status: 401, message: `bad key ${HEADER_SECRET}` },
      { status: 429, retryAfter: 60 },
      { status: 500, message: `key=${QUERY_SECRET}` },
      { reset: true },
      { hang: true },
      { raw: 'not json' },
    ];
    for (const fault of faults) {
      fake.fail({ ...fault, times: 3 });
      errors.push(
        await failureOf(h.client.request({ path: '/items/1', query: { key: QUERY_SECRET }, onExchange: h.onExchange })),
      );
      fake.reset();
    }
    expect(errors.some((error) => error.failure === 'circuit_open')).toBe(true);
    const exposed = [
      ...errors.map((error) => `${error.message}\n${JSON.stringify(error.data)}\n${String(error.upstreamMessage)}`),
      JSON.stringify(h.exchanges),
      await h.metrics.registry.metrics(),
      ...lines,
    ].join('\n');
    expect(exposed).not.toContain(HEADER_SECRET);
    expect(exposed).not.toContain(QUERY_SECRET);
    expect(h.exchanges.every((exchange) => exchange.url.includes('key=%5Bredacted%5D'))).toBe(true);
    expect(lines.some((line) => line.includes('upstream exchange'))).toBe(true);
  });
});
