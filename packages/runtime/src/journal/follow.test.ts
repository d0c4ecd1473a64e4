import { afterEach, describe, expect, test } from 'vitest';

import { entry, open, removeTempDirs, segmentFiles, tempDir } from './__fixtures__/helpers.js';
import { followJournal } from './follow.js';
import type { JournalRecord } from './record.js';

afterEach(removeTempDirs);

/** Collects followed records until `count` arrived (or the signal aborts), then stops following. */
function follower(dir: string, count: number, options: Parameters<typeof followJournal>[1] = {}) {
  const controller = new AbortController();
  const records: JournalRecord[] = [];
  const done = (async () => {
    for await (const record of followJournal(dir, { pollMs: 20, signal: controller.signal, ...options })) {
      records.push(record);
      if (records.length >= count) controller.abort();
    }
    return records;
  })();
  return { records, done, stop: () => controller.abort() };
}

describe('following a journal', () => {
  test('yields records as they are appended, across rotations, in order and without gaps', async () => {
    const dir = await tempDir();
    const journal = open(dir, { fsync: 'off', maxSegmentBytes: 1024, retainSegments: 0 });
    await journal.append(entry({ requestId: 'before' }));
    const follow = follower(dir, 60);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let index = 0; index < 60; index++) {
      await journal.append(entry({ requestId: `r${index}` }));
      if (index % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const records = await follow.done;
    await journal.close();
    expect((await segmentFiles(dir)).length).toBeGreaterThan(5);
    expect(records.map((record) => record.requestId)).toEqual(Array.from({ length: 60 }, (_, index) => `r${index}`));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 60 }, (_, index) => index + 2));
  });

  test('from the start: existing records first, then new ones, filtered', async () => {
    const dir = await tempDir();
    const journal = open(dir, { fsync: 'off', maxSegmentBytes: 800, retainSegments: 0 });
    for (let index = 0; index < 6; index++) await journal.append(entry({ name: index % 2 === 0 ? 'a' : 'b' }));
    const follow = follower(dir, 5, { from: 'start', name: 'a' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    for (let index = 6; index < 10; index++) await journal.append(entry({ name: index % 2 === 0 ? 'a' : 'b' }));
    const records = await follow.done;
    await journal.close();
    expect(records.map((record) => record.seq)).toEqual([1, 3, 5, 7, 9]);
  });

  test('keeps going when retention deletes segments, and ends when the signal aborts', async () => {
    const dir = await tempDir();
    const journal = open(dir, { fsync: 'off', maxSegmentBytes: 600, retainSegments: 2 });
    const follow = follower(dir, 1000);
    await new Promise((resolve) => setTimeout(resolve, 60));
    for (let index = 0; index < 40; index++) await journal.append(entry({ requestId: `r${index}` }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    follow.stop();
    const records = await follow.done;
    await journal.close();
    expect(records.at(-1)?.requestId).toBe('r39');
    const seqs = records.map((record) => record.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  test('waits for a first segment in an empty directory', async () => {
    const dir = await tempDir();
    const follow = follower(dir, 1, { from: 'start' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const journal = open(dir, { fsync: 'off' });
    await journal.append(entry({ requestId: 'first' }));
    expect((await follow.done).map((record) => record.requestId)).toEqual(['first']);
    await journal.close();
  });
});
