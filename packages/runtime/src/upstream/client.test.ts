import { createServer as createNetServer } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import * as z from 'zod';

import { CancelledError, TimeoutError } from '../errors.js';
import { startFakeUpstream, type FakeUpstream } from '../fake/index.js';
import { createLogger } from '../logger.js';
import { createUpstreamClient, expectShape, redactUrl, type UpstreamClientOptions } from './client.js';
import { UpstreamError } from './errors.js';

const HEADER_SECRET = 'sk-header-5ecret-value';
const QUERY_SECRET = 'qk-query-5ecret-value';

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream({
    name: 'Acme',
    routes: [
      { method: 'GET', path: '/v1/items/:id', handle: (req) => ({ body: { id: req.params.id } }) },
      { method: 'POST', path: '/v1/items', handle: (req) => ({ status: 201, body: { echo: req.body } }) },
      { method: 'GET', path: '/v1/empty', handle: () => ({ raw: '' }) },
    ],
    errorBody: (status, message) => ({ error: { code: status, message } }),
  });
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.reset();
});

function memoryLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

/** A client with one attempt per request: these tests pin the mapping of single exchanges (see resilience.test.ts). */
function client(options: Partial<UpstreamClientOptions> = {}) {
  return createUpstreamClient({
    env: {},
    retry: false,
    health: false,
    name: 'Acme',
    baseUrl: `${fake.url}/v1`,
    headers: { authorization: `Bearer ${HEADER_SECRET}` },
    credentialHint: 'ACME_API_KEY',
    errorMessage: (body) => (body as { error?: { message?: string } } | undefined)?.error?.message,
    ...options,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

describe('requests', () => {
  test('GETs JSON below the base path with query, auth header, accept and X-Request-ID', async () => {
    const response = await client().request<{ id: string }>({
      path: '/items/42',
      query: { expand: true, limit: 5, skip: undefined },
      requestId: 'req-7',
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ id: '42' });
    const seen = fake.requests[0]!;
    expect(seen.method).toBe('GET');
    expect(seen.path).toBe('/v1/items/42');
    expect(seen.query).toEqual({ expand: 'true', limit: '5' });
    expect(seen.headers.authorization).toBe(`Bearer ${HEADER_SECRET}`);
    expect(seen.headers.accept).toBe('application/json');
    expect(seen.headers['x-request-id']).toBe('req-7');
  });

  test('POSTs a body as JSON by default and accepts a path without a leading slash', async () => {
    const response = await client({ baseUrl: `${fake.url}/v1/` }).request({ path: 'items', body: { name: 'n' } });
    expect(response.status).toBe(201);
    expect(response.data).toEqual({ echo: { name: 'n' } });
    expect(fake.requests[0]!.headers['content-type']).toBe('application/json');
    expect(fake.requests[0]!.path).toBe('/v1/items');
  });

  test('calls a headers function on every request and lets request headers override', async () => {
    let calls = 0;
    const upstream = client({ headers: () => ({ 'x-call': String(++calls) }) });
    await upstream.request({ path: '/items/1' });
    await upstream.request({ path: '/items/2', headers: { 'x-extra': 'e' } });
    expect(fake.requests.map((req) => req.headers['x-call'])).toEqual(['1', '2']);
    expect(fake.requests[1]!.headers['x-extra']).toBe('e');
  });

  test('an empty 2xx body is undefined data', async () => {
    expect((await client().request({ path: '/empty' })).data).toBeUndefined();
  });
});

describe('failures', () => {
  test.each([
    [401, 'auth', 'Acme rejected the credentials (HTTP 401): Invalid API key. Check that ACME_API_KEY is set'],
    [403, 'auth', 'Acme rejected the credentials (HTTP 403): Forbidden.'],
    [404, 'not_found', 'Acme found nothing there (HTTP 404): Not found.'],
    [400, 'bad_request', 'Acme refused the request (HTTP 400): Bad request.'],
    [429, 'rate_limited', 'Acme is rate limiting requests (HTTP 429): Rate limit exceeded. Wait a little'],
    [500, 'unavailable', 'Acme is unavailable (HTTP 500): Internal server error.'],
    [503, 'unavailable', 'Acme is unavailable (HTTP 503): Service unavailable.'],
  ])('HTTP %i becomes a %s UpstreamError with the upstream’s message', async (status, failure, message) => {
    fake.fail({ status });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.failure).toBe(failure);
    expect(error.status).toBe(status);
    expect(error.message).toContain(message);
  });

  test('reads Retry-After in seconds', async () => {
    fake.fail({ status: 429, headers: { 'retry-after': '3' } });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toContain('Retry after 3 s before trying again.');
    expect(error.retryable).toBe(true);
  });

  test('reads Retry-After as an HTTP-date', async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    fake.fail({ status: 503, headers: { 'retry-after': date } });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test('caps the quoted upstream message at 500 characters', async () => {
    fake.fail({ status: 400, message: 'x'.repeat(2000) });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.upstreamMessage).toHaveLength(500);
  });

  test('an error status without a JSON body still maps by status', async () => {
    fake.fail({ status: 502, raw: '<html>Bad gateway</html>' });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.failure).toBe('unavailable');
    expect(error.upstreamMessage).toBeUndefined();
    expect(error.message).toBe('Acme is unavailable (HTTP 502). It is failing on its side; try again later.');
  });

  test('a 2xx body that is not JSON is an invalid_response', async () => {
    fake.fail({ raw: '{"id": 1,' });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.failure).toBe('invalid_response');
    expect(error.status).toBe(200);
    expect(error.message).toBe(
      'Acme sent a response that is not valid JSON (HTTP 200). It may be failing; try again later.',
    );
  });

  test('a reset connection is a network failure', async () => {
    fake.fail({ reset: true });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.failure).toBe('network');
    expect(error.message).toMatch(/^Could not reach Acme \(.+\)\. Check the network and the configured base URL/);
    expect(error.retryable).toBe(true);
  });

  test('a refused connection names the system error code', async () => {
    const port = await closedPort();
    const error = await failureOf(client({ baseUrl: `http://127.0.0.1:${port}` }).request({ path: '/x' }));
    expect(error.failure).toBe('network');
    expect(error.message).toContain('(ECONNREFUSED)');
  });

  test('no answer within timeoutMs is a timeout failure caused by a TimeoutError', async () => {
    fake.fail({ hang: true });
    const started = performance.now();
    const error = await failureOf(client({ timeoutMs: 200 }).request({ path: '/items/1' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.failure).toBe('timeout');
    expect(error.message).toMatch(/^Acme did not answer within 200 ms\./);
    expect(error.cause).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
  });

  test('caller cancellation rejects with the caller’s reason, not an upstream failure', async () => {
    fake.fail({ hang: true });
    const controller = new AbortController();
    const pending = client({ timeoutMs: 10_000 }).request({ path: '/items/1', signal: controller.signal });
    await waitForRequests(1);
    const reason = new CancelledError('the client cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  test('caller cancellation wins even when the caller’s signal is already aborted', async () => {
    const reason = new TimeoutError('call deadline passed');
    const error = await client()
      .request({ path: '/items/1', signal: AbortSignal.abort(reason) })
      .catch((caught: unknown) => caught);
    expect(error).toBe(reason);
  });
});

describe('credentials', () => {
  const secretQuery = { key: QUERY_SECRET, q: 'visible' };

  test.each([
    ['401', { status: 401 }],
    ['429 with retry-after', { status: 429, headers: { 'retry-after': '1' } }],
    ['500', { status: 500 }],
    ['reset', { reset: true }],
    ['invalid JSON', { raw: 'nope' }],
  ])('never appear in the error or the debug log line (%s)', async (_label, fault) => {
    const { logger, lines } = memoryLogger();
    fake.fail(fault);
    const error = await failureOf(client({ logger }).request({ path: '/items/1', query: secretQuery }));
    const exposed = [error.message, JSON.stringify(error.data), JSON.stringify(error), JSON.stringify(lines)].join(
      '\n',
    );
    expect(exposed).not.toContain(HEADER_SECRET);
    expect(exposed).not.toContain(QUERY_SECRET);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'debug', msg: 'upstream exchange', upstream: 'Acme', method: 'GET' });
    expect(lines[0]!.url).toBe(`${fake.url}/v1/items/1?key=%5Bredacted%5D&q=visible`);
  });

  test('never appear even when the upstream echoes them in its error message', async () => {
    fake.fail({ status: 400, message: `Invalid API key: ${HEADER_SECRET}` });
    const error = await failureOf(client().request({ path: '/items/1' }));
    expect(error.message).not.toContain(HEADER_SECRET);
    expect(error.message).toContain('Invalid API key: [redacted]');
  });

  test('never appear in a timeout error or its log line', async () => {
    const { logger, lines } = memoryLogger();
    fake.fail({ hang: true });
    const error = await failureOf(client({ logger, timeoutMs: 100 }).request({ path: '/items/1', query: secretQuery }));
    expect(error.failure).toBe('timeout');
    const exposed = `${error.message}\n${JSON.stringify(error.data)}\n${JSON.stringify(lines)}`;
    expect(exposed).not.toContain(HEADER_SECRET);
    expect(exposed).not.toContain(QUERY_SECRET);
    expect(lines[0]).toMatchObject({ status: 'timeout' });
  });

  test('the debug line of a successful exchange has status and duration and a redacted URL', async () => {
    const { logger, lines } = memoryLogger();
    await client({ logger }).request({ path: '/items/1', query: secretQuery });
    expect(lines).toEqual([
      expect.objectContaining({
        upstream: 'Acme',
        method: 'GET',
        status: 200,
        url: `${fake.url}/v1/items/1?key=%5Bredacted%5D&q=visible`,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(QUERY_SECRET);
    expect(fake.requests[0]!.query.key).toBe(QUERY_SECRET);
  });
});

describe('redactUrl', () => {
  test('redacts credential-like query values, case-insensitively, and user info', () => {
    const url = new URL(
      'https://user:pw@api.example.com/x?key=1&API_KEY=2&api-key=3&apikey=4&access_token=5&token=6&secret=7&password=8&sig=9&Signature=10&page=2',
    );
    const redacted = redactUrl(url);
    expect(redacted).toBe(
      'https://api.example.com/x?key=%5Bredacted%5D&API_KEY=%5Bredacted%5D&api-key=%5Bredacted%5D&apikey=%5Bredacted%5D&access_token=%5Bredacted%5D&token=%5Bredacted%5D&secret=%5Bredacted%5D&password=%5Bredacted%5D&sig=%5Bredacted%5D&Signature=%5Bredacted%5D&page=2',
    );
    expect(url.searchParams.get('key')).toBe('1');
  });

  test('leaves a URL without secrets unchanged', () => {
    expect(redactUrl(new URL('https://api.example.com/v1/items?page=2&keyword=k'))).toBe(
      'https://api.example.com/v1/items?page=2&keyword=k',
    );
  });
});

describe('expectShape', () => {
  const Item = z.object({ id: z.string(), tags: z.array(z.string()).default([]) });

  test('returns the parsed data, defaults applied', () => {
    expect(expectShape('Acme', Item, { id: 'a' })).toEqual({ id: 'a', tags: [] });
  });

  test('turns a mismatch into an invalid_response UpstreamError naming up to three paths', () => {
    let error: unknown;
    try {
      expectShape('Acme', z.object({ a: z.string(), b: z.number(), c: z.boolean(), d: z.string() }), {
        a: 1,
        b: 'x',
        c: 'y',
        d: 2,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).failure).toBe('invalid_response');
    const message = (error as UpstreamError).message;
    expect(message).toMatch(
      /^Acme sent a response in an unexpected shape \(a: .*; b: .*; c: .*\)\. Its API may have changed\.$/,
    );
    expect(message).not.toContain('d: ');
  });

  test('names the root when the whole body is wrong', () => {
    expect(() => expectShape('Acme', Item, null)).toThrow(/\(\(root\): /);
  });
});

async function waitForRequests(count: number): Promise<void> {
  await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThanOrEqual(count));
}

function closedPort(): Promise<number> {
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
