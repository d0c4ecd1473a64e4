// `--expose all`: every downstream tool as `server__tool`, collision-free and at most 64
// characters, kept in sync through list_changed; prompts and resources namespaced too. Also the
// HTTP front (the runtime's: Host/Origin checks) serving the same gateway.
import type { ServerProcess, StdioConnection } from '@mcp-factory/runtime/testing';
import { connectHttp } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  callWithProgress,
  eventually,
  fixtureEntry,
  gatewayDir,
  startGateway,
  startHttpGateway,
  textOf,
} from './helpers.js';

const LONG_SERVER = 'a-server-with-a-rather-long-name-indeed';
const LONG_PREFIX = 'and_a_tool_with_a_long_prefix_';

describe('gateway --expose all', () => {
  let gw: StdioConnection;
  beforeAll(async () => {
    const { dir } = await gatewayDir({
      a: fixtureEntry('a', { FIXTURE_TOOL_PREFIX: 'b__' }),
      a__b: fixtureEntry('a__b', { FIXTURE_PROGRESS: '1' }),
      [LONG_SERVER]: fixtureEntry('long', { FIXTURE_TOOL_PREFIX: LONG_PREFIX }),
    });
    gw = await startGateway(dir, ['--expose', 'all', '--deny-tool', 'a/b__crash']);
  });
  afterAll(async () => gw?.close());

  it('names every tool server__tool, unique and at most 64 characters', async () => {
    const { tools } = await gw.client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
    expect(names).toContain('a__b__pid');
    expect(names).not.toContain('a__b__b__crash');
    // Both `a`'s `b__echo` and `a__b`'s `echo` want `a__b__echo`: one keeps it, the other is hashed.
    const echoes = names.filter((name) => name.startsWith('a__b__echo'));
    expect(echoes).toHaveLength(2);
    expect(echoes.filter((name) => name === 'a__b__echo')).toHaveLength(1);
    expect(echoes.find((name) => name !== 'a__b__echo')).toMatch(/^a__b__echo_[0-9a-f]{8}$/);
    const long = names.filter((name) => name.startsWith(LONG_SERVER));
    expect(long).toHaveLength(6);
    for (const name of long) expect(name.length).toBe(64);
  });

  it('gives the same names on every listing (deterministic)', async () => {
    const first = (await gw.client.listTools()).tools.map((tool) => tool.name);
    const second = (await gw.client.listTools()).tools.map((tool) => tool.name);
    expect(second).toEqual(first);
  });

  it('routes each namespaced name to its own server and tool', async () => {
    const names = (await gw.client.listTools()).tools.map((tool) => tool.name);
    const hashed = names.find((name) => /^a__b__echo_[0-9a-f]{8}$/.test(name));
    expect(hashed, names.join(' ')).toBeDefined();
    const plain = textOf(await gw.client.callTool({ name: 'a__b__echo', arguments: { text: 'one' } }));
    const other = textOf(await gw.client.callTool({ name: hashed!, arguments: { text: 'two' } }));
    // Sorted by server name, `a`'s tool claims the plain name first; `a__b`'s gets the hash.
    expect(plain).toBe('a: one');
    expect(other).toBe('a__b: two');
    // A shortened name keeps the server's prefix; the description says which tool it is.
    const { tools } = await gw.client.listTools();
    const longEcho = tools.find((tool) => tool.name.startsWith(LONG_SERVER) && tool.description?.startsWith('Echo'));
    expect(longEcho?.name).toHaveLength(64);
    expect(textOf(await gw.client.callTool({ name: longEcho!.name, arguments: { text: 'far' } }))).toBe('long: far');
  });

  it('passes on every progress notification of a call, also those the server wrote with its result', async () => {
    expect(await callWithProgress(gw.client, 'a__b__count_up', { steps: 5 })).toEqual({
      text: 'a__b: counted 5',
      progress: [1, 2, 3, 4, 5],
    });
  });

  it('answers an unknown tool, prompt or resource as the SDK does: invalid params; resource not found (-32602 with the uri)', async () => {
    for (const name of ['a__nope', '../evil__x']) {
      await expect(gw.client.callTool({ name, arguments: {} })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining(`Tool ${name} not found`),
      });
    }
    await expect(gw.client.getPrompt({ name: 'a__nope' })).rejects.toMatchObject({ code: -32602 });
    await expect(gw.client.readResource({ uri: 'fixture://nowhere/x' })).rejects.toMatchObject({
      code: -32602,
      data: { uri: 'fixture://nowhere/x' },
    });
  });

  it('follows a downstream list change and tells the client', async () => {
    let changed = 0;
    gw.client.setNotificationHandler('notifications/tools/list_changed', () => {
      changed += 1;
    });
    // `a__b__add_tool` is server `a`'s `b__add_tool` (see the collision above).
    await gw.client.callTool({ name: 'a__b__add_tool', arguments: { tool: 'fresh' } });
    await eventually(async () => changed > 0, 'tools/list_changed forwarded');
    const names = (await gw.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('a__fresh');
    expect(textOf(await gw.client.callTool({ name: 'a__fresh', arguments: {} }))).toBe('a: fresh');
  });

  it('namespaces prompts and routes resources to their server', async () => {
    const { prompts } = await gw.client.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual(
      ['a__b__greeting', 'a__greeting', `${LONG_SERVER}__greeting`].sort(),
    );
    const prompt = await gw.client.getPrompt({ name: 'a__b__greeting' });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'hello from a__b' });
    const { resources } = await gw.client.listResources();
    expect(resources.map((r) => r.name).sort()).toEqual(['a__about', 'a__b__about', `${LONG_SERVER}__about`].sort());
    const read = await gw.client.readResource({ uri: 'fixture://long/about' });
    expect(read.contents[0]).toMatchObject({ text: 'about long' });
  });
});

describe('gateway over HTTP', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    const { dir } = await gatewayDir({ alpha: fixtureEntry('alpha') });
    server = await startHttpGateway(dir, ['--expose', 'all']);
  });
  afterAll(async () => server?.stop());

  it('binds 127.0.0.1 and serves the namespaced tools to the SDK client', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const connection = await connectHttp(server.url!);
    try {
      const { tools } = await connection.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('alpha__echo');
      const result = await connection.client.callTool({ name: 'alpha__echo', arguments: { text: 'over http' } });
      expect(textOf(result)).toBe('alpha: over http');
    } finally {
      await connection.close();
    }
  });

  it('refuses a foreign Origin and a foreign Host (the runtime front)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const origin = await fetch(server.url!, {
      method: 'POST',
      body,
      headers: { ...headers, origin: 'https://evil.example' },
    });
    expect(origin.status).toBe(403);
    const url = new URL(server.url!);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { ...headers, host: 'evil.example' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect([403, 421]).toContain(status);
  });

  it('counts each call in /metrics under the downstream server and tool it reached', async () => {
    const connection = await connectHttp(server.url!);
    try {
      await connection.client.callTool({ name: 'alpha__echo', arguments: { text: 'count me' } });
    } finally {
      await connection.close();
    }
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/mcp_gateway_calls_total\{server="alpha",tool="echo",status="ok"\} [1-9]/);
  });
});

describe('gateway --expose meta over HTTP', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    const { dir } = await gatewayDir({ alpha: fixtureEntry('alpha') });
    server = await startHttpGateway(dir, []);
  });
  afterAll(async () => server?.stop());

  it('counts a call_tool under the server and tool it reached, not as call_tool', async () => {
    const connection = await connectHttp(server.url!);
    try {
      const result = await connection.client.callTool({
        name: 'call_tool',
        arguments: { server: 'alpha', tool: 'echo', arguments: { text: 'via meta' } },
      });
      expect(textOf(result)).toBe('alpha: via meta');
    } finally {
      await connection.close();
    }
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/mcp_gateway_calls_total\{server="alpha",tool="echo",status="ok"\} [1-9]/);
  });
});
