import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { corkUntilNextTick } from './batched-stdio.js';

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
