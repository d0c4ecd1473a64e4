import { describe, expect, it } from 'vitest';

import { HarnessError } from '../errors.js';
import { StdioWire } from './stdio-wire.js';

// A tiny line server: prints a banner (noise), answers requests in reverse order of arrival for
// "slow" ones, asks the client a question, and writes a stderr line.
const SERVER = `
process.stdout.write('hello from stdout\\n');
process.stderr.write('a stderr line\\n');
const rl = require('node:readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let m; try { m = JSON.parse(line); } catch { process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }) + '\\n'); return; }
  if (m.method === 'ask') { process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: 'q1', method: 'sampling/createMessage', params: {} }) + '\\n'); return; }
  if (m.id === 'q1') { globalThis.answer = m.error.code; return; }
  if (m.method === 'answer') { process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { answer: globalThis.answer ?? null } }) + '\\n'); return; }
  if (m.method === 'stray') { process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: 'nobody', result: {} }) + '\\r\\n'); }
  if (m.id !== undefined && m.method) process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { method: m.method } }) + '\\n');
});
rl.on('close', () => process.exit(0));
`;

async function start(): Promise<StdioWire> {
  return StdioWire.start({ kind: 'stdio', command: process.execPath, args: ['-e', SERVER] });
}

describe('StdioWire', () => {
  it('matches responses to requests by id, numbers and strings alike', async () => {
    const wire = await start();
    try {
      const [a, b] = await Promise.all([
        wire.request('one', undefined, { id: 1 }),
        wire.request('two', undefined, { id: '1' }),
      ]);
      expect(a).toMatchObject({ kind: 'message', message: { id: 1, result: { method: 'one' } } });
      expect(b).toMatchObject({ kind: 'message', message: { id: '1', result: { method: 'two' } } });
    } finally {
      await wire.close();
    }
  });

  it('keeps non-JSON-RPC stdout lines with their offset, stderr lines, and stray responses', async () => {
    const wire = await start();
    try {
      await wire.request('stray');
      expect(wire.noise).toEqual([{ line: 'hello from stdout', offset: 0 }]);
      expect(wire.strayResponses).toEqual([{ jsonrpc: '2.0', id: 'nobody', result: {} }]);
      await wire.close();
      expect(wire.stderrLines).toContain('a stderr line');
    } finally {
      await wire.close();
    }
  });

  it('sends raw frames and takes an id-null answer; refuses server requests with -32601', async () => {
    const wire = await start();
    try {
      expect(await wire.sendRaw('{not json', null, 5_000)).toMatchObject({
        kind: 'message',
        message: { error: { code: -32700 } },
      });
      await wire.notify('ask');
      // The server's question and our refusal cross on the pipes: ask until the server has it.
      let answer: unknown = null;
      for (let attempt = 0; attempt < 50 && answer === null; attempt++) {
        const reply = await wire.request('answer');
        answer = reply.kind === 'message' ? (reply.message.result as { answer: unknown }).answer : null;
        if (answer === null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(answer).toBe(-32601);
      expect(wire.serverMessages).toEqual([{ jsonrpc: '2.0', id: 'q1', method: 'sampling/createMessage', params: {} }]);
    } finally {
      await wire.close();
    }
  });

  it('reports a timeout, then closed once the process is gone, and the exit status', async () => {
    const wire = await start();
    expect(await wire.sendRaw('{"jsonrpc":"2.0","method":"quiet"}', 'x', 200)).toEqual({
      kind: 'none',
      reason: 'timeout',
    });
    wire.closeStdin();
    expect(await wire.waitExit(10_000)).toEqual({ code: 0, signal: null });
    expect(wire.alive()).toBe(false);
    expect(await wire.request('ping')).toEqual({ kind: 'none', reason: 'closed' });
  });

  it('rejects with SPAWN_FAILED when the command does not exist', async () => {
    const failure = StdioWire.start({ kind: 'stdio', command: '/no/such/server-binary', args: [] });
    await expect(failure).rejects.toBeInstanceOf(HarnessError);
    await expect(failure).rejects.toMatchObject({ code: 'SPAWN_FAILED' });
  });
});
