import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as z from 'zod';

import { defineTool } from '../define.js';
import { startFakeUpstream, type FakeUpstream } from '../fake/index.js';
import { createLogger } from '../logger.js';
import { createRuntimeMetrics } from '../observability/metrics.js';
import { createServer, type McpApp } from '../server.js';
import { serveHttp, type HttpHandle, type ServeHttpOptions } from '../transports/http.js';
import { createUpstreamClient } from '../upstream/client.js';
import type { OAuthOptions } from './config.js';
import { createMemoryRateLimiter } from './rate-limit.js';
import {
  JSON_HEADERS,
  accessToken,
  connectWithToken,
  initialize,
  post,
  raw,
  rpcError,
  serveJwks,
  signingKey,
  type JwksServer,
  type SigningKey,
} from './__fixtures__/helpers.js';

const READER = 'reader-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';
const OTHER = 'other-token-0123456789abcdef';

const gate = { entered: (): void => undefined, release: (): void => undefined };

function makeApp(options: { upstream?: string; metrics?: ReturnType<typeof createRuntimeMetrics> } = {}): McpApp {
  const upstream =
    options.upstream === undefined
      ? undefined
      : createUpstreamClient({
          name: 'Fake',
          baseUrl: options.upstream,
          headers: { authorization: 'Bearer upstream-api-key-0123456789' },
        });
  return createServer({
    name: 'secure-test',
    version: '1.0.0',
    logger: createLogger({ level: 'silent' }),
    metrics: options.metrics ?? createRuntimeMetrics({ defaultMetrics: false }),
    tools: [
      defineTool({ name: 'public', description: 'Open to every caller', run: () => 'public ok' }),
      defineTool({ name: 'read', description: 'Needs read', scopes: ['read'], run: () => 'read ok' }),
      defineTool({ name: 'admin', description: 'Needs admin', scopes: ['admin'], run: () => 'admin ok' }),
      defineTool({
        name: 'whoami',
        description: 'Reports the caller',
        run: (_args, ctx) => ({ clientId: ctx.authInfo?.clientId ?? null, scopes: ctx.authInfo?.scopes ?? null }),
      }),
      defineTool({
        name: 'gated',
        description: 'Waits for the test',
        run: () =>
          new Promise<string>((resolve) => {
            gate.release = () => resolve('released');
            gate.entered();
          }),
      }),
      defineTool({
        name: 'fetch',
        description: 'Calls the upstream',
        input: z.object({ q: z.string() }),
        run: async ({ q }, ctx) => {
          const response = await upstream!.request<{ ok: boolean }>({
            path: '/search',
            query: { q },
            signal: ctx.signal,
            requestId: ctx.requestId,
          });
          return { ok: response.data.ok };
        },
      }),
    ],
  });
}

const TOKENS = {
  tokens: [
    { token: READER, scopes: ['read'] },
    { token: OPERATOR, scopes: undefined },
    { token: OTHER, scopes: ['read'] },
  ],
};

async function start(options: ServeHttpOptions, app: McpApp = makeApp()): Promise<HttpHandle> {
  return serveHttp(app, { port: 0, ...options });
}

async function toolNames(url: string, token: string, era: 'legacy' | 'modern'): Promise<string[]> {
  const client = await connectWithToken(url, token, era);
  try {
    return (await client.listTools()).tools.map((tool) => tool.name).sort();
  } finally {
    await client.close();
  }
}

/** What a call to `name` produces: its text, or the error the client raised. */
async function callOutcome(url: string, token: string, era: 'legacy' | 'modern', name: string): Promise<string> {
  const client = await connectWithToken(url, token, era);
  try {
    const result = await client.callTool({ name, arguments: {} });
    const text = (result.content as { type: string; text: string }[])[0]?.text ?? '';
    return result.isError === true ? `isError: ${text}` : text;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  } finally {
    await client.close();
  }
}

describe('bearer tokens', () => {
  let handle: HttpHandle;
  beforeAll(async () => {
    handle = await start({ auth: TOKENS });
  });
  afterAll(async () => {
    await handle.close({ graceMs: 0 });
  });

  test('no credentials: 401 with a bare Bearer challenge (RFC 6750 §3.1) and a JSON-RPC body', async () => {
    const response = await post(handle.url, undefined);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="secure-test"');
    expect(response.headers['content-type']).toBe('application/json');
    expect(rpcError(response)).toEqual({
      code: -32003,
      message: 'Unauthorized: Authentication required: send Authorization: Bearer <token>.',
    });
  });

  test.each([
    ['an unknown token', { authorization: 'Bearer unknown-token-0123456789abcdef' }],
    ['a listed token with one character changed', { authorization: `Bearer ${READER.slice(0, -1)}X` }],
    ['another scheme', { authorization: `Basic ${Buffer.from(`u:${READER}`).toString('base64')}` }],
    ['a bare token', { authorization: READER }],
  ])('%s: 401 with error="invalid_token"', async (_name, headers) => {
    const response = await raw(handle.url, { headers: { ...JSON_HEADERS, ...headers }, body: initialize() });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="secure-test", error="invalid_token", error_description="(?:[^"\\]|\\.)+"$/,
    );
    expect(rpcError(response).code).toBe(-32003);
  });

  test('a listed token is served, and the handler sees who called', async () => {
    const client = await connectWithToken(handle.url, READER);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.structuredContent ?? JSON.parse((result.content as { text: string }[])[0]!.text)).toEqual({
        clientId: expect.stringMatching(/^static:[0-9a-f]{12}$/) as unknown,
        scopes: ['read'],
      });
    } finally {
      await client.close();
    }
  });

  test('/healthz stays open; /metrics needs credentials', async () => {
    const base = new URL(handle.url).origin;
    expect((await raw(`${base}/healthz`, { method: 'GET' })).status).toBe(200);
    const refused = await raw(`${base}/metrics`, { method: 'GET' });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="secure-test"');
    const allowed = await raw(`${base}/metrics`, { method: 'GET', headers: { authorization: `Bearer ${READER}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toContain('mcp_tool_calls_total');
  });

  test.each(['legacy', 'modern'] as const)(
    'scopes decide the tools a %s client sees; an unscoped static token sees them all',
    async (era) => {
      expect(await toolNames(handle.url, READER, era)).toEqual(['fetch', 'gated', 'public', 'read', 'whoami']);
      expect(await toolNames(handle.url, OPERATOR, era)).toEqual([
        'admin',
        'fetch',
        'gated',
        'public',
        'read',
        'whoami',
      ]);
    },
  );

  test.each(['legacy', 'modern'] as const)(
    'a %s client calling a tool beyond its scopes fails exactly like a call to an unknown tool',
    async (era) => {
      const denied = await callOutcome(handle.url, READER, era, 'admin');
      const unknown = await callOutcome(handle.url, READER, era, 'no-such-tool');
      expect(denied).toMatch(/admin/);
      expect(denied).toBe(unknown.replace('no-such-tool', 'admin'));
      expect(await callOutcome(handle.url, OPERATOR, era, 'admin')).toBe('admin ok');
    },
  );

  test('DNS-rebinding and Origin checks still refuse, even with a valid token', async () => {
    const authorization = `Bearer ${READER}`;
    const rebinding = await post(handle.url, undefined, { host: 'evil.com', authorization });
    expect(rebinding.status).toBe(403);
    expect(rpcError(rebinding).message).toMatch(/Host "evil\.com" is not allowed/);
    const crossSite = await post(handle.url, undefined, { origin: 'https://evil.com', authorization });
    expect(crossSite.status).toBe(403);
    expect(rpcError(crossSite).message).toMatch(/Origin "https:\/\/evil\.com" is not allowed/);
  });

  test('CORS is off by default: no Access-Control-* header anywhere, and preflights are not answered', async () => {
    const origin = `http://localhost:${handle.port}`;
    const responses = [
      await post(handle.url, READER, { origin }),
      await post(handle.url, undefined, { origin }),
      await raw(handle.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      }),
    ];
    // The preflight is refused as a method the endpoint does not serve, before credentials are asked for.
    expect(responses.map((response) => response.status)).toEqual([200, 401, 405]);
    expect(responses[2]?.headers['www-authenticate']).toBeUndefined();
    for (const response of responses) {
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  test('the client’s token never reaches the upstream', async () => {
    const fake: FakeUpstream = await startFakeUpstream({
      name: 'Fake',
      routes: [{ method: 'GET', path: '/search', handle: () => ({ body: { ok: true } }) }],
      errorBody: (_status, message) => ({ error: message }),
    });
    const own = await start({ auth: TOKENS }, makeApp({ upstream: fake.url }));
    try {
      const client = await connectWithToken(own.url, READER);
      const result = await client.callTool({ name: 'fetch', arguments: { q: 'x' } });
      await client.close();
      expect(result.isError).not.toBe(true);
      expect(fake.requests).toHaveLength(1);
      const sent = fake.requests[0]!;
      expect(sent.headers.authorization).toBe('Bearer upstream-api-key-0123456789');
      expect(JSON.stringify(sent)).not.toContain(READER);
    } finally {
      await own.close({ graceMs: 0 });
      await fake.close();
    }
  });
});

describe('required scopes', () => {
  test('a valid token without them gets 403 insufficient_scope naming the scope', async () => {
    const handle = await start({ auth: { ...TOKENS, requiredScopes: ['mcp'] } });
    try {
      const response = await post(handle.url, READER);
      expect(response.status).toBe(403);
      expect(response.headers['www-authenticate']).toBe(
        'Bearer realm="secure-test", error="insufficient_scope", error_description="The access token lacks the scope(s) mcp.", scope="mcp"',
      );
      expect(rpcError(response)).toEqual({
        code: -32003,
        message: 'Forbidden: The access token lacks the scope(s) mcp.',
      });
      // The operator token has every scope the server knows, the required ones included.
      expect((await post(handle.url, OPERATOR)).status).toBe(200);
      expect((await post(handle.url, undefined)).headers['www-authenticate']).toBe(
        'Bearer realm="secure-test", scope="mcp"',
      );
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('OAuth resource-server mode', () => {
  const ISSUER = 'http://127.0.0.1/issuer';
  let key: SigningKey;
  let jwks: JwksServer;
  let handle: HttpHandle;
  let oauth: OAuthOptions;
  let resource: string;

  beforeAll(async () => {
    key = await signingKey('ES256', 'k1');
    jwks = await serveJwks([key]);
    // The resource is the public URL; here the server's own, known once it listens. A server is
    // started first to learn a free port, then the real one on it.
    const probe = await start({});
    const port = probe.port;
    await probe.close({ graceMs: 0 });
    resource = `http://127.0.0.1:${port}/mcp`;
    oauth = {
      issuer: ISSUER,
      audience: [resource],
      resource,
      authorizationServers: ['https://auth.example.com'],
      jwksUrl: jwks.url,
      algorithms: ['ES256'],
      clockToleranceSec: 5,
    };
    handle = await start({ port, auth: { oauth } });
  });

  afterAll(async () => {
    await handle.close({ graceMs: 0 });
    await jwks.close();
  });

  const token = (claims: Record<string, unknown> = {}): Promise<string> =>
    accessToken(key, { iss: ISSUER, aud: resource, scope: 'read', ...claims });

  test('serves the RFC 9728 metadata at the path-suffixed and the bare well-known paths', async () => {
    const base = new URL(handle.url).origin;
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await raw(`${base}${path}`, { method: 'GET' });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json');
      expect(JSON.parse(response.body)).toEqual({
        resource,
        authorization_servers: ['https://auth.example.com'],
        scopes_supported: ['read', 'admin'],
        bearer_methods_supported: ['header'],
        resource_name: 'secure-test',
      });
    }
    expect((await raw(`${base}/.well-known/oauth-protected-resource/mcp`, { method: 'POST' })).status).toBe(405);
  });

  test('401 challenges point at the metadata', async () => {
    const response = await post(handle.url, undefined);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer realm="secure-test", resource_metadata="${new URL(handle.url).origin}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  test.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 60 }, /expired/],
    ['for another audience', { aud: 'https://other.example/mcp' }, /audience/],
    ['from another issuer', { iss: 'https://evil.example' }, /another issuer/],
  ])('a token %s: 401 invalid_token with resource_metadata', async (_name, claims, description) => {
    const response = await post(handle.url, await token(claims));
    expect(response.status).toBe(401);
    const challenge = response.headers['www-authenticate'] ?? '';
    expect(challenge).toMatch(/^Bearer realm="secure-test", error="invalid_token", error_description="[^"]+"/);
    expect(challenge).toMatch(description);
    expect(challenge).toContain('resource_metadata="');
  });

  test('a token signed by another key: 401', async () => {
    const forger = await signingKey('ES256', 'k1');
    const forged = await accessToken(forger, { iss: ISSUER, aud: resource, scope: 'read admin' });
    expect((await post(handle.url, forged)).status).toBe(401);
  });

  test.each(['legacy', 'modern'] as const)('a %s client sees and calls only what its JWT scopes allow', async (era) => {
    const reader = await token({ scope: 'read' });
    expect(await toolNames(handle.url, reader, era)).toEqual(['fetch', 'gated', 'public', 'read', 'whoami']);
    expect(await callOutcome(handle.url, reader, era, 'read')).toBe('read ok');
    expect(await callOutcome(handle.url, reader, era, 'admin')).toMatch(/admin/);
    expect(await callOutcome(handle.url, reader, era, 'admin')).not.toBe('admin ok');
    const admin = await token({ scope: undefined, scp: ['read', 'admin'] });
    expect(await callOutcome(handle.url, admin, era, 'admin')).toBe('admin ok');
    // A JWT without scopes gets none: only unscoped tools.
    expect(await toolNames(handle.url, await token({ scope: undefined }), era)).toEqual([
      'fetch',
      'gated',
      'public',
      'whoami',
    ]);
  });
});

describe('stateful sessions with authentication', () => {
  test('a session belongs to the principal that opened it', async () => {
    const handle = await start({ auth: TOKENS, mode: 'stateful' });
    try {
      const opened = await post(handle.url, READER);
      expect(opened.status).toBe(200);
      const sessionId = opened.headers['mcp-session-id'] as string;
      const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
      const as = (token: string) =>
        raw(handle.url, {
          headers: {
            ...JSON_HEADERS,
            authorization: `Bearer ${token}`,
            'mcp-session-id': sessionId,
            'mcp-protocol-version': '2025-06-18',
          },
          body: list,
        });
      // Same scopes, different token: still someone else's session.
      const stranger = await as(OTHER);
      expect(stranger.status).toBe(404);
      expect(rpcError(stranger).message).toMatch(/Session not found/);
      expect((await as(READER)).status).toBe(200);
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('rate limits', () => {
  test('a burst, then 429 with Retry-After and a JSON-RPC body; counted in mcp_rate_limited_total', async () => {
    const metrics = createRuntimeMetrics({ defaultMetrics: false });
    const handle = await start(
      { auth: TOKENS, rateLimit: { limit: 3, intervalMs: 60_000, burst: 3 } },
      makeApp({ metrics }),
    );
    try {
      const statuses = [];
      for (let index = 0; index < 3; index += 1) statuses.push((await post(handle.url, READER)).status);
      expect(statuses).toEqual([200, 200, 200]);
      const refused = await post(handle.url, READER);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('20');
      expect(rpcError(refused)).toEqual({
        code: -32000,
        message: 'Too many requests: rate limit exceeded; retry after 20 s.',
      });
      // Buckets are per principal: another token is unaffected.
      expect((await post(handle.url, OPERATOR)).status).toBe(200);
      expect(await metrics.registry.getSingleMetricAsString('mcp_rate_limited_total')).toContain(
        'mcp_rate_limited_total{scope="http"} 1',
      );
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });

  test('the bucket refills', async () => {
    const handle = await start({ rateLimit: { limit: 20, intervalMs: 1000, burst: 2 } });
    try {
      expect((await post(handle.url, undefined)).status).toBe(200);
      expect((await post(handle.url, undefined)).status).toBe(200);
      const refused = await post(handle.url, undefined);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      await new Promise((resolve) => setTimeout(resolve, 120));
      expect((await post(handle.url, undefined)).status).toBe(200);
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });

  test('refused credentials count against the caller’s address, so guessing tokens is limited too', async () => {
    const handle = await start({
      auth: TOKENS,
      rateLimit: createMemoryRateLimiter({ limit: 2, intervalMs: 60_000, burst: 2 }),
    });
    try {
      const statuses = [];
      for (let index = 0; index < 3; index += 1) {
        statuses.push((await post(handle.url, `guess-${index}-0123456789abcdef`)).status);
      }
      expect(statuses).toEqual([401, 401, 429]);
      expect((await post(handle.url, READER)).status).toBe(200);
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('concurrency limit', () => {
  test('requests beyond the limit get 503 with Retry-After until one finishes', async () => {
    const handle = await start({ maxConcurrency: 1 });
    const entered = new Promise<void>((resolve) => (gate.entered = resolve));
    const call = JSON.stringify({
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'gated', arguments: {} },
    });
    try {
      const slow = raw(handle.url, {
        headers: { ...JSON_HEADERS, 'mcp-protocol-version': '2025-06-18' },
        body: call,
      });
      await entered;
      const busy = await post(handle.url, undefined);
      expect(busy.status).toBe(503);
      expect(busy.headers['retry-after']).toBe('1');
      expect(rpcError(busy).message).toMatch(/^Server busy: 1 requests are in flight/);
      gate.release();
      expect((await slow).status).toBe(200);
      expect((await post(handle.url, undefined)).status).toBe(200);
    } finally {
      await handle.close({ graceMs: 0 });
    }
  });
});

describe('CORS with an allow-list', () => {
  const APP = 'https://app.example.com';
  let handle: HttpHandle;
  beforeAll(async () => {
    handle = await start({ auth: TOKENS, corsOrigins: [APP] });
  });
  afterAll(async () => {
    await handle.close({ graceMs: 0 });
  });

  test('answers the preflight of a listed origin without credentials', async () => {
    const response = await raw(handle.url, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers':
        'Authorization, Content-Type, Mcp-Protocol-Version, Mcp-Session-Id, Mcp-Method, Mcp-Name, Last-Event-ID',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  test("a 2026-07-28 client's preflight: Mcp-Param-* headers it asks for are allowed, other headers are not", async () => {
    const response = await raw(handle.url, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, mcp-method, mcp-name, mcp-param-region, x-evil, mcp-param-',
      },
    });
    expect(response.status).toBe(204);
    const allowed = String(response.headers['access-control-allow-headers'])
      .split(',')
      .map((name) => name.trim().toLowerCase());
    expect(allowed).toEqual(expect.arrayContaining(['mcp-method', 'mcp-name', 'mcp-param-region']));
    expect(allowed).not.toContain('x-evil');
    expect(allowed).not.toContain('mcp-param-');
  });

  test('echoes the listed origin on responses, refusals included, and exposes Mcp-Session-Id', async () => {
    for (const token of [READER, undefined]) {
      const response = await post(handle.url, token, { origin: APP });
      expect(response.status).toBe(token === undefined ? 401 : 200);
      expect(response.headers['access-control-allow-origin']).toBe(APP);
      expect(response.headers['access-control-expose-headers']).toBe('Mcp-Session-Id, WWW-Authenticate, Retry-After');
    }
  });

  test('an origin not on the list gets no CORS headers (and the Origin check refuses it)', async () => {
    const response = await raw(handle.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
