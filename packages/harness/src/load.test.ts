import { describe, expect, it } from 'vitest';

import { HarnessError } from './errors.js';
import { percentile, runLoad } from './load.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('runLoad', () => {
  it('refuses a concurrency below 1 or a zero duration before connecting', async () => {
    const target = { kind: 'stdio', command: 'never-started', args: [] } as const;
    await expect(runLoad(target, { concurrency: 0, durationS: 1, tool: 't' })).rejects.toBeInstanceOf(HarnessError);
    await expect(runLoad(target, { concurrency: 1, durationS: 0, tool: 't' })).rejects.toMatchObject({
      code: 'BAD_OPTION',
    });
  });
});
