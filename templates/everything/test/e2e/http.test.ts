// End-to-end over Streamable HTTP: spawn the built server on a free port, stateful (sessions,
// resumable streams) and stateless, and talk to it with the official client and with raw fetch.
import { request as httpRequest } from 'node:http';

import { connectHttp, startServerProcess, type ConnectOptions, type ServerProcess } from '@mcp-factory/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { answerServerRequests, BIN, CAPABILITIES, eventually, firstText } from './helpers.js';

const ACCEPT = 'application/json, text/event-stream';

/** Reads an SSE body into its events (id and data only). */
function parseSse(body: string): { id?: string; data: string }[] {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const id = lines.find((line) => line.startsWith('id: '))?.slice(4);
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      return id === undefined ? { data } : { id, data };
    });
}

describe('stateful http', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(process.execPath, [BIN, '--transport', 'http', '--stateful', '--port', '0'], {
      waitForHttp: true,
    });
  });
  afterAll(() => server.stop());

  it('binds to 127.0.0.1 and serves MCP at /mcp', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it.each<[string, ConnectOptions]>([
    ['2025-06-18', { protocolVersion: '2025-06-18' }],
    ['2026-07-28', { era: 'modern' }],
  ])('serves sampling, elicitation and subscriptions to a %s client', async (_label, options) => {
    const connection = await connectHttp(server.url!, { ...options, capabilities: CAPABILITIES });
    try {
      const { updates } = answerServerRequests(connection);
      const { client } = connection;
      expect(firstText(await client.callTool({ name: 'test_sampling', arguments: { prompt: 'Capital?' } }))).toBe(
        'LLM response: Paris.',
      );
      expect(firstText(await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who?' } }))).toMatch(
        /action=accept/,
      );
      const uri = 'test://watched-resource';
      const subscription = options.era === 'modern' ? await client.listen({ resourceSubscriptions: [uri] }) : undefined;
      if (subscription === undefined) await client.subscribeResource({ uri });
      await client.callTool({ name: 'test_update_watched_resource', arguments: {} });
      await eventually(() => updates.length === 1);
      expect(updates).toEqual([uri]);
      if (subscription === undefined) await client.unsubscribeResource({ uri });
      else await subscription.close();
      // Unsubscribing reaches the server asynchronously: delivery must stop within a bound.
      let heard = true;
      for (let attempt = 0; attempt < 40 && heard; attempt++) {
        updates.length = 0;
        await client.callTool({ name: 'test_update_watched_resource', arguments: {} });
        await new Promise((resolve) => setTimeout(resolve, 50));
        heard = updates.length > 0;
      }
      expect(heard).toBe(false);
    } finally {
      await connection.close();
    }
  });

  it('test_reconnection closes the stream mid-call and the official client resumes it', async () => {
    const connection = await connectHttp(server.url!, { protocolVersion: '2025-11-25' });
    try {
      const result = await connection.client.callTool({ name: 'test_reconnection', arguments: {} });
      expect(firstText(result)).toMatch(/the stream was closed mid-call/);
    } finally {
      await connection.close();
    }
  });

  it('test_reconnection: priming event, stream closed without the result, result replayed after Last-Event-ID', async () => {
    const url = server.url!;
    const init = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    });
    const sessionId = init.headers.get('mcp-session-id')!;
    await init.text();
    const headers = {
      'content-type': 'application/json',
      accept: ACCEPT,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    };
    await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });

    const call = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'test_reconnection', arguments: {} },
      }),
    });
    expect(call.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = parseSse(await call.text());
    // The stream ended after the priming event (an id with empty data): the result was not on it.
    expect(events).toEqual([{ id: expect.any(String), data: '' }]);

    const resumed = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2025-11-25',
        'last-event-id': events[0]!.id!,
      },
    });
    expect(resumed.status).toBe(200);
    const replayed = parseSse(await resumed.text()).map(
      (event) => JSON.parse(event.data) as { id: number; result: { content: unknown } },
    );
    expect(replayed).toEqual([expect.objectContaining({ id: 1 })]);
    expect(firstText(replayed[0]!.result)).toMatch(/closed mid-call/);
  });

  it('refuses a foreign Host or Origin (DNS-rebinding protection) and accepts localhost', async () => {
    const port = new URL(server.url!).port;
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'dns', version: '1' } },
    });
    // node:http, not fetch: fetch does not let the caller choose the Host header.
    const post = (headers: Record<string, string>) =>
      new Promise<number | undefined>((resolve, reject) => {
        const request = httpRequest(server.url!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
        });
        request.once('response', (response) => {
          response.resume();
          resolve(response.statusCode);
        });
        request.once('error', reject);
        request.end(initialize);
      });
    expect(await post({ host: `evil.example.com:${port}` })).toBe(403);
    expect(await post({ origin: 'http://evil.example.com' })).toBe(403);
    expect(await post({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(200);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const other = await startServerProcess(
      process.execPath,
      [BIN, '--transport', 'http', '--stateful', '--port', '0'],
      {
        waitForHttp: true,
      },
    );
    expect(await other.stop('SIGTERM')).toBe(0);
  });
});

describe('stateless http', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(process.execPath, [BIN, '--transport', 'http', '--port', '0'], {
      waitForHttp: true,
    });
  });
  afterAll(() => server.stop());

  it('serves elicitation to a 2026-07-28 client: input requests ride the result, no session needed', async () => {
    const connection = await connectHttp(server.url!, { era: 'modern', capabilities: CAPABILITIES });
    try {
      answerServerRequests(connection);
      const result = await connection.client.callTool({ name: 'test_elicitation', arguments: { message: 'Who?' } });
      expect(firstText(result)).toMatch(/action=accept/);
    } finally {
      await connection.close();
    }
  });

  it('tells a 2025-era client that sampling needs a session', async () => {
    const connection = await connectHttp(server.url!, { protocolVersion: '2025-11-25', capabilities: CAPABILITIES });
    try {
      answerServerRequests(connection);
      const result = await connection.client.callTool({ name: 'test_sampling', arguments: { prompt: 'hi' } });
      expect(result.isError).toBe(true);
      // Content tools still work per request.
      expect(firstText(await connection.client.callTool({ name: 'test_simple_text', arguments: {} }))).toMatch(
        /simple text/,
      );
    } finally {
      await connection.close();
    }
  });
});
