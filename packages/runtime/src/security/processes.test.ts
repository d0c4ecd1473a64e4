// Real processes: generated-style servers bundled from source, a real redis-server shared by two
// replicas, and the servers' stderr searched for the secrets they were given.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { bundleFixture, type BundledFixture } from '../__fixtures__/process.js';

import { startServerProcess, type ServerProcess } from '../testing/index.js';
import { connectWithToken, post, raw } from './__fixtures__/helpers.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const TOKEN = 'replica-token-0123456789abcdef';
const FROM_FILE = 'reader-token-from-file-0123456789';
const NEAR_MISS = 'replica-token-0123456789abcdeX';

let tmp: string;
let bundle: string;
const started: ServerProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(process.execPath, [bundle], {
    env: { MCP_TRANSPORT: 'http', PORT: '0', ...env },
    waitForHttp: true,
  });
  started.push(server);
  return server;
}

let fixture: BundledFixture;

beforeAll(async () => {
  fixture = await bundleFixture(new URL('./__fixtures__/secure-server.mjs', import.meta.url));
  tmp = fixture.dir;
  bundle = fixture.file;
}, 60_000);

// Every server a test started is stopped after it, before Redis goes away (a server left running
// outlives the test run).
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

afterAll(async () => {
  await fixture.remove();
});

describe('rate limits shared through Redis', () => {
  let redis: ChildProcess;
  let redisUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    redisUrl = `redis://127.0.0.1:${port}/0`;
    redis = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
      redis.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      redis.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${String(code)}):\n${output}`));
      });
    });
  }, 20_000);

  afterAll(async () => {
    if (redis.exitCode === null) {
      const exited = new Promise((resolve) => redis.once('exit', resolve));
      redis.kill('SIGTERM');
      await exited;
    }
  });

  test('two replicas on one REDIS_URL enforce one limit between them', async () => {
    const env = { MCP_AUTH_TOKENS: TOKEN, MCP_RATE_LIMIT: '6/min', REDIS_URL: redisUrl, LOG_LEVEL: 'info' };
    const [first, second] = await Promise.all([startServer(env), startServer(env)]);
    const replicas = [first.url!, second.url!];
    expect(replicas[0]).not.toBe(replicas[1]);

    const statuses: number[][] = [[], []];
    for (let index = 0; index < 10; index += 1) {
      const replica = index % 2;
      statuses[replica]!.push((await post(replicas[replica]!, TOKEN)).status);
    }
    // Six requests in all were allowed, split across both processes; then both refuse.
    expect([...statuses[0]!, ...statuses[1]!].filter((status) => status === 200)).toHaveLength(6);
    expect(statuses[0]).toEqual([200, 200, 200, 429, 429]);
    expect(statuses[1]).toEqual([200, 200, 200, 429, 429]);
    const refused = await post(replicas[1]!, TOKEN);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // The buckets live in Redis, keyed by the token's id, never the token.
    const client = new Redis(redisUrl);
    try {
      const keys = await client.keys('mcp-factory:rate:secure-fixture:*');
      expect(keys).toEqual([expect.stringMatching(/^mcp-factory:rate:secure-fixture:static:[0-9a-f]{12}$/)]);
      expect(await client.pttl(keys[0]!)).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
    for (const server of [first, second]) expect(server.stderr()).not.toContain(redisUrl.replace('/0', ''));
  });
});

describe('secrets in logs', () => {
  test('tokens never appear in a server’s log, even at trace level and with handlers logging auth info', async () => {
    const tokenFile = join(tmp, 'tokens.txt');
    await writeFile(tokenFile, `# readers\n${FROM_FILE}: read\n`);
    const server = await startServer({
      MCP_AUTH_TOKENS: TOKEN,
      MCP_AUTH_TOKENS_FILE: tokenFile,
      LOG_LEVEL: 'trace',
    });
    const url = server.url!;
    for (const token of [TOKEN, FROM_FILE]) {
      const client = await connectWithToken(url, token);
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(
        // The env token has no scopes (so every scope); the file's token only `read`.
        token === TOKEN ? ['echo', 'admin', 'careless'] : ['echo', 'careless'],
      );
      await client.callTool({ name: 'careless', arguments: {} });
      await client.close();
    }
    expect((await post(url, NEAR_MISS)).status).toBe(401);
    expect((await post(url, undefined)).status).toBe(401);
    const basic = Buffer.from(`user:${TOKEN}`).toString('base64');
    expect((await post(url, undefined, { authorization: `Basic ${basic}` })).status).toBe(401);
    expect((await raw(url, { headers: { authorization: `Bearer ${TOKEN} extra` } })).status).toBe(401);
    await server.stop();

    const log = server.stderr();
    expect(log).toContain('"msg":"caller"');
    expect(log).toContain('"msg":"credentials refused"');
    for (const secret of [TOKEN, FROM_FILE, NEAR_MISS, basic, TOKEN.slice(0, 20)]) expect(log).not.toContain(secret);
  });

  test('body-size and CORS settings from the environment reach the running server', async () => {
    const server = await startServer({ MCP_MAX_BODY_BYTES: '2048', MCP_CORS_ORIGINS: 'https://app.example.com' });
    const url = server.url!;
    const big = await raw(url, {
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(4096) } }),
    });
    expect(big.status).toBe(413);
    const preflight = await raw(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    await server.stop();
  });

  test('a bad token setting stops start-up with a message that does not echo the token', async () => {
    const server = await startServerProcess(process.execPath, [bundle], {
      env: { MCP_TRANSPORT: 'http', PORT: '0', MCP_AUTH_TOKENS: `${TOKEN},short-secret` },
    });
    started.push(server);
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain('MCP_AUTH_TOKENS entry 2: the token is shorter than 16 characters');
    expect(server.stderr()).not.toContain('short-secret');
    expect(server.stderr()).not.toContain(TOKEN);
  });
});
