// `gateway --http --expose direct` (stateless) over a stdio server is a relay: each POST goes to
// the one shared downstream with an id of the relay's own and comes back without an SDK round.
// Real gateway and server subprocesses, the official SDK client of both eras, raw HTTP for the
// refusals.
import { request } from 'node:http';
import { join } from 'node:path';

import { connectHttp, type Connection, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callWithProgress, gatewayDir, REPO, startHttpGateway, textOf } from './helpers.js';

const RELAY = join(REPO, 'test', 'gateway', 'fixtures', 'relay-server.mjs');
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(text)), ...headers },
      },
      (res) => {
        let answer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (answer += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: answer }));
      },
    );
    req.once('error', reject);
    req.end(text);
  });
}

describe('gateway --http --expose direct (stateless relay)', () => {
  let server: ServerProcess;
  const connections: Connection[] = [];
  beforeAll(async () => {
    const { dir, config } = await gatewayDir({ relay: { command: process.execPath, args: [RELAY] } });
    server = await startHttpGateway(dir, [
      '--config',
      config,
      '--expose',
      'direct',
      '--deny-tool',
      'relay/secret_tool',
      '--idle-ms',
      '0',
      '--max-body-bytes',
      '65536',
    ]);
  });
  afterAll(async () => {
    for (const connection of connections) await connection.close();
    await server?.stop();
  });

  it("serves a 2025-era client the downstream's own handshake and tools, without the denied one", async () => {
    const connection = await connectHttp(server.url!, { protocolVersion: '2025-06-18' });
    connections.push(connection);
    const { client } = connection;
    expect(client.getServerVersion()).toMatchObject({ name: 'relay-fixture', version: '2.5.0' });
    expect(client.getInstructions()).toBe('Relay fixture: call echo first.');
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-06-18');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('echo');
    expect(names).not.toContain('secret_tool');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'over http' } }))).toBe('echo: over http');
    await expect(client.callTool({ name: 'secret_tool', arguments: {} })).rejects.toThrow(/allow\/deny lists/);
  });

  it('negotiates the version: the offered one when supported, else the latest', async () => {
    const init = (protocolVersion: string) =>
      rawPost(
        server.url!,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
        },
        {},
      );
    const older = JSON.parse((await init('2025-03-26')).text) as { result: { protocolVersion: string } };
    expect(older.result.protocolVersion).toBe('2025-03-26');
    const unknown = JSON.parse((await init('1999-01-01')).text) as { result: { protocolVersion: string } };
    expect(unknown.result.protocolVersion).toBe('2025-11-25');
  });

  it('serves a 2026-07-28 client (server/discover, then enveloped requests)', async () => {
    const connection = await connectHttp(server.url!, { era: 'modern' });
    connections.push(connection);
    const { client } = connection;
    expect(client.getServerVersion()).toMatchObject({ name: 'relay-fixture' });
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'modern' } }))).toBe('echo: modern');
  });

  it('streams progress of a call as SSE, with the client token', async () => {
    const connection = await connectHttp(server.url!);
    connections.push(connection);
    expect(await callWithProgress(connection.client, 'progress', { steps: 3 })).toEqual({
      text: '3 steps',
      progress: [1, 2, 3],
    });
  });

  it('keeps equal ids of concurrent clients apart', async () => {
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((text) =>
        rawPost(
          server.url!,
          { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text } } },
          { 'mcp-protocol-version': '2025-06-18' },
        ),
      ),
    );
    expect(answers.map((answer) => JSON.parse(answer.text) as { id: number; result: unknown })).toEqual(
      ['a', 'b', 'c', 'd'].map((text) => ({
        jsonrpc: '2.0',
        id: 7,
        result: { content: [{ type: 'text', text: `echo: ${text}` }] },
      })),
    );
  });

  it('counts relayed calls in /metrics under the downstream server and tool', async () => {
    await rawPost(
      server.url!,
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'count me' } } },
      { 'mcp-protocol-version': '2025-06-18' },
    );
    const metrics = await (await fetch(new URL('/metrics', server.url))).text();
    expect(metrics).toMatch(/mcp_gateway_calls_total\{server="relay",tool="echo",status="ok"\} [1-9]/);
    expect(metrics).toMatch(/mcp_tool_calls_total\{tool="echo",status="ok"\} [1-9]/);
  });

  it('refuses a foreign Host and a foreign Origin', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    expect((await rawPost(server.url!, ping, {})).status).toBe(200);
    const host = await rawPost(server.url!, ping, { host: 'evil.example' });
    expect(host.status).toBe(403);
    expect(host.text).toMatch(/DNS-rebinding/);
    const origin = await rawPost(server.url!, ping, { origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect(origin.text).toMatch(/not allowed/);
  });

  it('refuses a body over the size limit and a non-JSON one, with JSON-RPC errors', async () => {
    const big = await rawPost(server.url!, { jsonrpc: '2.0', id: 1, method: 'ping', pad: 'x'.repeat(100_000) }, {});
    expect(big.status).toBe(413);
    expect(big.text).toMatch(/at most 65536 bytes/);
    const target = new URL(server.url!);
    const garbage = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: target.port, path: target.pathname, method: 'POST', headers: JSON_HEADERS },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', reject);
      req.end('{not json');
    });
    expect(garbage).toBe(400);
  });
});
