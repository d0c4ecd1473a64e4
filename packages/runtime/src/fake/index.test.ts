import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';

import { startFakeUpstream, type FakeUpstream } from './index.js';

let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeUpstream({
    name: 'Acme',
    routes: [
      { method: 'GET', path: '/items/:id', handle: (req) => ({ body: { id: req.params.id, q: req.query } }) },
      {
        method: 'GET',
        path: '/orgs/:org/repos/:repo',
        handle: (req) => ({ body: req.params, headers: { 'x-custom': 'yes' } }),
      },
      { method: 'POST', path: '/items', handle: (req) => ({ status: 201, body: { created: req.body } }) },
      { method: 'GET', path: '/v1.0/ping', handle: () => ({ raw: 'pong' }) },
      {
        method: 'GET',
        path: '/explode',
        handle: () => {
          throw new Error('route exploded');
        },
      },
    ],
    authenticate: (req) =>
      req.headers.authorization === 'Bearer html'
        ? { status: 403, raw: '<html>Forbidden</html>', headers: { 'content-type': 'text/html' } }
        : req.headers.authorization === 'Bearer good' || req.path === '/v1.0/ping',
    errorBody: (status, message) => ({ error: { status, message } }),
  });
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.reset();
});

const auth = { authorization: 'Bearer good' };

describe('startFakeUpstream', () => {
  test('listens on 127.0.0.1 with a free port', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('matches routes with :params and passes the query', async () => {
    const response = await fetch(`${fake.url}/items/a%20b?limit=2`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ id: 'a b', q: { limit: '2' } });
  });

  test('matches several params and sends route headers', async () => {
    const response = await fetch(`${fake.url}/orgs/acme/repos/rocket`, { headers: auth });
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(await response.json()).toEqual({ org: 'acme', repo: 'rocket' });
  });

  test('escapes regex characters in literal segments', async () => {
    expect(await (await fetch(`${fake.url}/v1.0/ping`)).text()).toBe('pong');
    expect((await fetch(`${fake.url}/v1x0/ping`, { headers: auth })).status).toBe(404);
  });

  test('does not match a param across slashes or the wrong method', async () => {
    expect((await fetch(`${fake.url}/items/a/b`, { headers: auth })).status).toBe(404);
    const wrongMethod = await fetch(`${fake.url}/items/1`, { method: 'DELETE', headers: auth });
    expect(wrongMethod.status).toBe(404);
    expect(await wrongMethod.json()).toEqual({ error: { status: 404, message: 'No route for DELETE /items/1' } });
  });

  test('records every request with method, path, query, lower-cased headers and parsed body', async () => {
    await fetch(`${fake.url}/items?x=1`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json', 'X-Request-ID': 'r-1' },
      body: JSON.stringify({ name: 'n' }),
    });
    await fetch(`${fake.url}/items`, { method: 'POST', headers: auth, body: 'not json' });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/items',
      query: { x: '1' },
      body: { name: 'n' },
      params: {},
    });
    expect(fake.requests[0]!.headers['x-request-id']).toBe('r-1');
    expect(fake.requests[1]!.body).toBe('not json');
  });

  test('answers 401 with the preset error body when authenticate refuses', async () => {
    const response = await fetch(`${fake.url}/items/1`, { headers: { authorization: 'Bearer bad' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { status: 401, message: 'Invalid API key' } });
  });

  test('answers with the reply authenticate returns instead of a 401 (providers that send 403 or HTML)', async () => {
    const response = await fetch(`${fake.url}/items/1`, { headers: { authorization: 'Bearer html' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<html>Forbidden</html>');
  });

  test('answers 500 with the error body when a route throws', async () => {
    const response = await fetch(`${fake.url}/explode`, { headers: auth });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { status: 500, message: 'route exploded' } });
  });
});

describe('faults', () => {
  test('apply one per request, in queue order, then normal answers resume', async () => {
    fake.fail({ status: 429, headers: { 'retry-after': '7' } }, { status: 503, message: 'maintenance' });
    const first = await fetch(`${fake.url}/items/1`, { headers: auth });
    const second = await fetch(`${fake.url}/items/1`, { headers: auth });
    const third = await fetch(`${fake.url}/items/1`, { headers: auth });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(await first.json()).toEqual({ error: { status: 429, message: 'Rate limit exceeded' } });
    expect(second.status).toBe(503);
    expect(await second.json()).toEqual({ error: { status: 503, message: 'maintenance' } });
    expect(third.status).toBe(200);
    expect(fake.requests).toHaveLength(3);
  });

  test('retryAfter sets Retry-After as delay-seconds or as an HTTP-date', async () => {
    const date = new Date('2030-01-02T03:04:05Z');
    fake.fail({ status: 429, retryAfter: 3 }, { status: 503, retryAfter: date });
    const seconds = await fetch(`${fake.url}/items/1`, { headers: auth });
    const httpDate = await fetch(`${fake.url}/items/1`, { headers: auth });
    expect(seconds.headers.get('retry-after')).toBe('3');
    expect(httpDate.headers.get('retry-after')).toBe('Wed, 02 Jan 2030 03:04:05 GMT');
  });

  test('times repeats a fault for a burst of requests', async () => {
    fake.fail({ status: 503, times: 3 }, { status: 529 });
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push((await fetch(`${fake.url}/items/1`, { headers: auth })).status);
    expect(answers).toEqual([503, 503, 503, 529, 200]);
  });

  test('529 has a default message (Anthropic’s overloaded_error)', async () => {
    fake.fail({ status: 529 });
    const response = await fetch(`${fake.url}/items/1`, { headers: auth });
    expect(await response.json()).toEqual({ error: { status: 529, message: 'Overloaded' } });
  });

  test('truncate sends half the promised body, then drops the connection', async () => {
    fake.fail({ truncate: true });
    const response = await fetch(`${fake.url}/items/123456789`, { headers: auth });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(10);
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('terminated');
  });

  test('a fault applies before authentication and to unknown routes', async () => {
    fake.fail({ status: 500 });
    const response = await fetch(`${fake.url}/nowhere`);
    expect(response.status).toBe(500);
  });

  test('a custom body or raw text replaces the preset error body', async () => {
    fake.fail({ status: 400, body: { custom: true } }, { raw: '{"truncated":' });
    const custom = await fetch(`${fake.url}/items/1`, { headers: auth });
    expect(await custom.json()).toEqual({ custom: true });
    const raw = await fetch(`${fake.url}/items/1`, { headers: auth });
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe('{"truncated":');
  });

  test('delayMs delays the answer, which is otherwise normal', async () => {
    fake.fail({ delayMs: 150 });
    const started = performance.now();
    const response = await fetch(`${fake.url}/items/9`, { headers: auth });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(await response.json()).toMatchObject({ id: '9' });
  });

  test('hang never answers; the client gives up', async () => {
    fake.fail({ hang: true });
    const error = await fetch(`${fake.url}/items/1`, { headers: auth, signal: AbortSignal.timeout(200) }).catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).name).toBe('TimeoutError');
    expect(fake.requests).toHaveLength(1);
  });

  test('reset destroys the connection without an answer', async () => {
    fake.fail({ reset: true });
    const error = await fetch(`${fake.url}/items/1`, { headers: auth }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
  });

  test('reset() clears recorded requests and queued faults', async () => {
    fake.fail({ status: 500 }, { status: 500 });
    await fetch(`${fake.url}/items/1`, { headers: auth });
    expect(fake.requests).toHaveLength(1);
    fake.reset();
    expect(fake.requests).toHaveLength(0);
    expect((await fetch(`${fake.url}/items/1`, { headers: auth })).status).toBe(200);
  });
});

test('close() ends hanging connections and stops listening', async () => {
  const other = await startFakeUpstream({ name: 'Other', routes: [], errorBody: (_status, message) => ({ message }) });
  other.fail({ hang: true });
  const pending = fetch(`${other.url}/x`).catch((caught: unknown) => caught);
  await vi.waitFor(() => expect(other.requests).toHaveLength(1));
  await other.close();
  expect(await pending).toBeInstanceOf(TypeError);
  await expect(fetch(`${other.url}/x`)).rejects.toThrow('fetch failed');
});
