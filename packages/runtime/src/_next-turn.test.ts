import { describe, expect, test } from 'vitest';

import { atNextTurn } from './_next-turn.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('atNextTurn', () => {
  test('runs the work registered in one turn at the next, in order, not before', async () => {
    const ran: number[] = [];
    atNextTurn(() => ran.push(1));
    atNextTurn(() => ran.push(2));
    await Promise.resolve();
    expect(ran).toEqual([]);
    await nextTurn();
    expect(ran).toEqual([1, 2]);
  });

  test('skips work cancelled before its turn, and cancelling after it ran is harmless', async () => {
    const ran: string[] = [];
    const kept = atNextTurn(() => ran.push('kept'));
    const cancelled = atNextTurn(() => ran.push('cancelled'));
    cancelled.cancel();
    await nextTurn();
    kept.cancel();
    expect(ran).toEqual(['kept']);
  });

  test('work that throws does not keep the rest from running', async () => {
    const ran: string[] = [];
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      atNextTurn(() => {
        throw new Error('boom');
      });
      atNextTurn(() => ran.push('after'));
      await nextTurn();
      await nextTurn();
      expect(ran).toEqual(['after']);
      expect(warnings.map((warning) => warning.message)).toContain('boom');
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('many settled calls in one turn do not pile up: cancelled work is dropped as it accumulates', async () => {
    let ran = 0;
    for (let index = 0; index < 10_000; index++) atNextTurn(() => (ran += 1)).cancel();
    const last = atNextTurn(() => (ran += 100));
    await nextTurn();
    expect(ran).toBe(100);
    last.cancel();
  });
});
