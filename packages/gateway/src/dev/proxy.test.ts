import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import type { JsonRpcMessage } from './jsonrpc.js';
import { createCommandLauncher } from './launcher.js';
import { DevProxy } from './proxy.js';

/** A real child process: a minimal JSON-RPC server that reports the ids it sees. */
const SERVER = `
const seen = { hang: [], cancelled: [] };
let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (buffered + chunk).split('\\n');
  buffered = lines.pop();
  for (const line of lines) {
    const message = JSON.parse(line);
    const reply = (result) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }) + '\\n');
    if (message.method === 'notifications/cancelled') seen.cancelled.push(message.params.requestId);
    else if (message.method === 'hang') seen.hang.push(message.id);
    else if (message.method === 'seen') reply(seen);
    else if (message.id !== undefined) reply({ childId: message.id, params: message.params ?? null });
  }
});
`;

function harness() {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: JsonRpcMessage[] = [];
  let buffered = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => {
    const lines = (buffered + chunk).split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) received.push(JSON.parse(line) as JsonRpcMessage);
  });
  const proxy = new DevProxy({
    input,
    output,
    launcher: createCommandLauncher({
      cwd: process.cwd(),
      env: process.env,
      command: process.execPath,
      args: ['-e', SERVER],
    }),
    log: () => undefined,
  });
  const send = (message: object): void => void input.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  const answer = async (id: string | number): Promise<JsonRpcMessage> => {
    for (let waited = 0; waited < 10_000; waited += 10) {
      const found = received.find((message) => message.id === id && message.method === undefined);
      if (found !== undefined) return found;
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 10));
    }
    throw new Error(`no answer to ${String(id)}`);
  };
  return { input, proxy, send, answer, received };
}

describe('DevProxy routing', () => {
  it('rewrites ids per child, so 1 and "1" do not collide, and maps them back', async () => {
    const { input, proxy, send, answer } = harness();
    expect((await proxy.start()).ok).toBe(true);
    send({ id: 1, method: 'echo', params: { n: 'number' } });
    send({ id: '1', method: 'echo', params: { n: 'string' } });
    const [numeric, text] = await Promise.all([answer(1), answer('1')]);
    expect(numeric.result).toMatchObject({ params: { n: 'number' } });
    expect(text.result).toMatchObject({ params: { n: 'string' } });
    expect(numeric.result?.childId).not.toBe(text.result?.childId);
    input.end();
    await proxy.closed;
  });

  it('answers a line that is not JSON with a parse error and keeps serving', async () => {
    const { input, proxy, send, answer, received } = harness();
    await proxy.start();
    input.write('{not json\n');
    send({ id: 7, method: 'echo' });
    await answer(7);
    expect(received).toContainEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    input.end();
    await proxy.closed;
  });

  it('forwards a cancellation with the id the child knows the request by', async () => {
    const { input, proxy, send, answer } = harness();
    await proxy.start();
    send({ id: 'slow', method: 'hang' });
    send({ method: 'notifications/cancelled', params: { requestId: 'slow', reason: 'user' } });
    send({ method: 'notifications/cancelled', params: { requestId: 'unknown' } });
    let seen: { hang: unknown[]; cancelled: unknown[] } = { hang: [], cancelled: [] };
    for (let attempt = 0; seen.cancelled.length === 0 && attempt < 100; attempt++) {
      send({ id: `seen-${attempt}`, method: 'seen' });
      seen = (await answer(`seen-${attempt}`)).result as typeof seen;
    }
    expect(seen.hang).toHaveLength(1);
    expect(seen.cancelled).toEqual(seen.hang);
    expect(typeof seen.hang[0]).toBe('number');
    input.end();
    await proxy.closed;
  });
});
