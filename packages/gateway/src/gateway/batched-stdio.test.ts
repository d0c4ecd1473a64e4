import { Writable } from 'node:stream';

import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';

import { childProcessOf, corkUntilNextTick } from './batched-stdio.js';

function recorder(): { stream: Writable; syscalls: string[][] } {
  const syscalls: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      syscalls.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      syscalls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      done();
    },
  });
  return { stream, syscalls };
}

describe('corkUntilNextTick', () => {
  it('turns the writes of one tick into one writev, in order', async () => {
    const { stream, syscalls } = recorder();
    for (const line of ['a\n', 'b\n', 'c\n']) {
      corkUntilNextTick(stream);
      stream.write(line);
    }
    expect(syscalls).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(syscalls).toEqual([['a\n', 'b\n', 'c\n']]);
    expect(stream.writableCorked).toBe(0);
  });

  it('corks again on a later tick', async () => {
    const { stream, syscalls } = recorder();
    corkUntilNextTick(stream);
    stream.write('1\n');
    await new Promise((resolve) => setImmediate(resolve));
    corkUntilNextTick(stream);
    stream.write('2\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(syscalls).toEqual([['1\n'], ['2\n']]);
  });

  it('ignores a missing stream', () => {
    expect(() => corkUntilNextTick(undefined)).not.toThrow();
    expect(() => corkUntilNextTick(null)).not.toThrow();
  });
});

describe('childProcessOf', () => {
  // The SDK keeps the child in a private field (pinned version): if an upgrade renames it, the
  // batching and the crash sweep would silently stop working; this fails first.
  it("finds the started transport's child process, and nothing once it is closed", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['-e', 'process.stdin.resume()'],
      stderr: 'ignore',
    });
    expect(childProcessOf(transport)).toBeUndefined();
    await transport.start();
    try {
      const child = childProcessOf(transport);
      expect(child?.pid).toBe(transport.pid);
      expect(typeof child?.stdin?.write).toBe('function');
    } finally {
      await transport.close();
    }
    expect(childProcessOf(transport)).toBeUndefined();
  });
});
