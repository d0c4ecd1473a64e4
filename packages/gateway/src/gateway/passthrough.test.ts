import { PassThrough, Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { compileAccessLists } from './access-lists.js';
import type { CallRecorder } from './call-record.js';
import { StdioPassthrough } from './passthrough.js';
import type { RelayDownstream } from './relay-downstream.js';

/** The client's output and a downstream that keeps what it is sent. */
function fakeEnds(requestTimeoutMs = 30_000) {
  const written: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  const sentDown: string[] = [];
  const downstream = {
    name: 'tiny',
    state: 'ready',
    readySince: 0,
    requestTimeoutMs,
    attach: () => undefined,
    send: (text: string) => void sentDown.push(text),
    close: () => Promise.resolve(),
  } as unknown as RelayDownstream;
  return { written, output, sentDown, downstream };
}

describe('StdioPassthrough', () => {
  it("writes a call's answer to the client before recording the call", async () => {
    const { written, output, sentDown, downstream } = fakeEnds();
    const recorded: { record: Record<string, unknown>; writtenBefore: string }[] = [];
    const recorder = {
      journaling: true,
      record: (record: Record<string, unknown>) => void recorded.push({ record, writtenBefore: written.join('') }),
    } as unknown as CallRecorder;
    const input = new PassThrough();
    const passthrough = new StdioPassthrough({ input, output, downstream, access: compileAccessLists(), recorder });
    passthrough.start();
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'shout', arguments: { words: 'hi' } } };
    input.write(`${JSON.stringify(call)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sentDown.join('')).toBe(`${JSON.stringify(call)}\n`);

    const answer = JSON.stringify({ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: 'HI' }] } });
    passthrough.fromServer([answer]);
    expect(written).toEqual([`${answer}\n`]);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.writtenBefore).toBe(`${answer}\n`);
    expect(recorded[0]?.record).toMatchObject({
      server: 'tiny',
      tool: 'shout',
      requestId: '7',
      status: 'ok',
      args: { words: 'hi' },
      result: { content: [{ type: 'text', text: 'HI' }] },
    });
    expect(recorded[0]?.record.durationMs).toBeGreaterThanOrEqual(0);
    await passthrough.close();
  });

  it("answers lines that are no JSON-RPC message itself, and keeps a server's stray prints off stdout", async () => {
    const { written, output, sentDown, downstream } = fakeEnds();
    const recorder = { journaling: false, record: () => undefined } as unknown as CallRecorder;
    const strays: string[] = [];
    const input = new PassThrough();
    const passthrough = new StdioPassthrough({
      input,
      output,
      downstream,
      access: compileAccessLists(),
      recorder,
      onStrayOutput: (line) => void strays.push(line),
    });
    passthrough.start();
    input.write('garbage from client\n{"jsonrpc":"2.0","id":1,\n[]\n42\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(sentDown).toEqual([]);
    expect(written.map((line) => JSON.parse(line) as { id: unknown; error: { code: number } })).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not valid JSON.' } },
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the line is not valid JSON.' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: an empty JSON-RPC batch.' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: not a JSON-RPC 2.0 message.' } },
    ]);
    written.length = 0;
    // A second request under an id still in flight is refused; the first goes on.
    const ping = '{"jsonrpc":"2.0","id":5,"method":"ping"}';
    input.write(`${ping}\n${ping}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sentDown).toEqual([`${ping}\n`]);
    expect(JSON.parse(written[0] ?? '{}')).toMatchObject({
      id: 5,
      error: { code: -32600, message: 'Invalid Request: request id 5 is already in flight.' },
    });
    written.length = 0;
    const note = '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}';
    passthrough.fromServer(['hello I am garbage', note, 'GARBAGE LINE', `${note}\r`]);
    expect(written.join('')).toBe(`${note}\n${note}\r\n`);
    expect(strays).toEqual(['hello I am garbage', 'GARBAGE LINE']);
    await passthrough.close();
  });

  it('answers a request past the deadline with -32001, cancels it downstream and drops its late answer', async () => {
    const { written, output, sentDown, downstream } = fakeEnds(50);
    const recorder = { journaling: false, record: () => undefined } as unknown as CallRecorder;
    const input = new PassThrough();
    const passthrough = new StdioPassthrough({ input, output, downstream, access: compileAccessLists(), recorder });
    passthrough.start();
    const call = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'slow', arguments: {} } };
    input.write(`${JSON.stringify(call)}\n`);
    const deadline = Date.now() + 5000;
    while (written.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(JSON.parse(written[0] ?? '{}')).toMatchObject({ id: 9, error: { code: -32001 } });
    expect(sentDown.at(-1)).toContain('"method":"notifications/cancelled"');
    // The same id again is still refused: the server may yet answer the first one.
    input.write(`${JSON.stringify(call)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(written[1] ?? '{}')).toMatchObject({ id: 9, error: { code: -32600 } });
    // Its late answer does not reach the client: it already has one for that id.
    passthrough.fromServer(['{"jsonrpc":"2.0","id":9,"result":{"content":[]}}']);
    expect(written).toHaveLength(2);
    await passthrough.close();
  });
});
