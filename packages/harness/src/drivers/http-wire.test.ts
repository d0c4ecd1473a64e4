import { createServer, type IncomingMessage, type Server } from 'node:http';

import { afterEach, describe, expect, it } from 'vitest';

import { HttpWire } from './http-wire.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const body = async (request: IncomingMessage): Promise<string> => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
};

/** A loopback MCP-ish endpoint: JSON for ping, SSE (with a server request first) for the rest. */
async function listen(seen: { headers: IncomingMessage['headers']; body: string }[]): Promise<string> {
  server = createServer((request, response) => {
    void body(request).then((text) => {
      seen.push({ headers: request.headers, body: text });
      let message: { id?: unknown; method?: string };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
        return;
      }
      if (message.id === undefined) {
        response.writeHead(202).end();
        return;
      }
      if (message.method === 'ping' || message.method === 'initialize') {
        response.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'session-1' });
        response.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-11-25' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(`data: ${JSON.stringify({ jsonrpc: '2.0', id: 'srv-1', method: 'roots/list' })}\n\n`);
      response.write(
        `event: message\r\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { ok: true } })}\r\n\r\n`,
      );
      // The stream stays open: the wire must not wait for its end.
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}/mcp`;
}

describe('HttpWire', () => {
  it('reads JSON and SSE answers, carries the session and version, and answers server requests', async () => {
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const url = await listen(seen);
    const wire = new HttpWire({ kind: 'http', url, headers: { authorization: 'Bearer t' } });
    expect(await wire.request('initialize', {})).toMatchObject({ kind: 'message', httpStatus: 200 });
    expect(wire.sessionId).toBe('session-1');
    expect(await wire.request('tools/list', {}, { timeoutMs: 5_000 })).toMatchObject({
      kind: 'message',
      message: { result: { ok: true } },
    });
    const last = seen.find((item) => item.body.includes('tools/list'))!;
    expect(last.headers).toMatchObject({
      'mcp-session-id': 'session-1',
      'mcp-protocol-version': '2025-11-25',
      authorization: 'Bearer t',
      accept: 'application/json, text/event-stream',
    });
    // The driver answers the server's request on its own POST: wait for it to arrive.
    for (let waited = 0; !seen.some((item) => item.body.includes('srv-1')) && waited < 5000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const refusal = seen.find((item) => item.body.includes('srv-1'));
    expect(JSON.parse(refusal!.body)).toEqual({
      jsonrpc: '2.0',
      id: 'srv-1',
      error: { code: -32601, message: 'Method not found' },
    });
  });

  it('takes an id-null error for a raw frame, and reports an unreachable server as closed', async () => {
    const url = await listen([]);
    const wire = new HttpWire({ kind: 'http', url });
    expect(await wire.sendRaw('{bad', null)).toMatchObject({
      kind: 'message',
      httpStatus: 400,
      message: { error: { code: -32700 } },
    });
    const nowhere = new HttpWire({ kind: 'http', url: 'http://127.0.0.1:1/mcp' });
    expect(await nowhere.request('ping')).toMatchObject({ kind: 'none', reason: 'closed' });
  });

  it('resends once when a kept-alive connection closed under the request, not when nothing listens', async () => {
    let calls = 0;
    const flaky = (async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed', { cause: new Error('other side closed') });
      return new Response(JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} }), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    const wire = new HttpWire({ kind: 'http', url: 'http://127.0.0.1:5/mcp' }, flaky);
    expect(await wire.request('ping')).toMatchObject({ kind: 'message', message: { id: 1 } });
    expect(calls).toBe(2);
    let refused = 0;
    const down = (async () => {
      refused += 1;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5') });
    }) as typeof fetch;
    const reply = await new HttpWire({ kind: 'http', url: 'http://127.0.0.1:5/mcp' }, down).request('ping');
    expect(reply).toEqual({ kind: 'none', reason: 'closed', body: 'fetch failed: connect ECONNREFUSED 127.0.0.1:5' });
    expect(refused).toBe(1);
  });
});
