import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { allLines, collect, entry, memoryLogger, open, removeTempDirs, tempDir } from './__fixtures__/helpers.js';
import { readJournal } from './reader.js';
import { encodeRecord, type CorruptLine } from './record.js';
import { recoverJournal } from './recovery.js';

afterEach(removeTempDirs);

/** A journal of `count` records in one segment, closed; returns the segment's path. */
async function journalWith(dir: string, count: number): Promise<string> {
  const journal = open(dir, { fsync: 'off' });
  for (let index = 1; index <= count; index++) await journal.append(entry({ requestId: `r${index}` }));
  await journal.close();
  return join(dir, 'journal-000001.jsonl');
}

/** Six records over several small segments, closed, then a new last segment holding `text`; returns its name. */
async function rotatedWith(text: string): Promise<{ dir: string; last: string }> {
  const dir = await tempDir();
  const journal = open(dir, { fsync: 'always', maxSegmentBytes: 400, retainSegments: 0 });
  for (let index = 0; index < 6; index++) await journal.append(entry());
  await journal.close();
  const count = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).length;
  const last = `journal-${String(count + 1).padStart(6, '0')}.jsonl`;
  await writeFile(join(dir, last), text);
  return { dir, last };
}

async function quarantines(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.includes('.quarantine-'));
}

describe('recovery', () => {
  test('cuts an incomplete last line, quarantines it, reports it and continues the sequence', async () => {
    const dir = await tempDir();
    const segment = await journalWith(dir, 3);
    const intact = await readFile(segment);
    const torn = '{"seq":4,"ts":"2026-01-01T00:00:00.000Z","method":"tools/ca';
    await appendFile(segment, torn);

    const { logger, lines } = memoryLogger();
    const journal = open(dir, { logger });
    expect(journal.recovery).toMatchObject({
      segment: 'journal-000001.jsonl',
      lastSeq: 3,
      droppedBytes: torn.length,
      dropped: [{ segment: 'journal-000001.jsonl', line: 4, offset: intact.length, reason: 'incomplete line' }],
      corrupt: [],
    });
    expect(await readFile(segment)).toEqual(intact);
    const [quarantine] = await quarantines(dir);
    expect(quarantine).toMatch(/^journal-000001\.jsonl\.quarantine-\d{8}T\d{9}Z$/);
    expect(journal.recovery.quarantine).toBe(join(dir, quarantine!));
    expect(await readFile(join(dir, quarantine!), 'utf8')).toBe(torn);
    expect((await stat(join(dir, quarantine!))).mode & 0o777).toBe(0o600);
    const warning = lines.find((line) => line.level === 'warn');
    expect(warning).toMatchObject({ droppedBytes: torn.length, droppedLines: 1, reasons: ['incomplete line'] });

    expect(await journal.append(entry())).toBe(4);
    await journal.close();
    expect((await collect(readJournal(dir))).map((record) => record.seq)).toEqual([1, 2, 3, 4]);
  });

  test('cuts complete records at the end whose checksum fails', async () => {
    const dir = await tempDir();
    const segment = await journalWith(dir, 3);
    const text = await readFile(segment, 'utf8');
    const damaged = text.replace('"requestId":"r3"', '"requestId":"r9"');
    await writeFile(segment, damaged);
    const journal = open(dir);
    expect(journal.recovery).toMatchObject({ lastSeq: 2, dropped: [{ line: 3, reason: 'checksum mismatch' }] });
    expect(await journal.append(entry())).toBe(3);
    await journal.close();
    expect((await collect(readJournal(dir))).map((record) => record.requestId)).toEqual(['r1', 'r2', 'req-1']);
  });

  test('cuts records at the end whose sequence does not increase, even with a valid checksum', async () => {
    const dir = await tempDir();
    const segment = await journalWith(dir, 3);
    await appendFile(segment, encodeRecord(2, JSON.stringify({ ts: new Date().toISOString(), name: 'replayed' })));
    const journal = open(dir);
    expect(journal.recovery).toMatchObject({ lastSeq: 3, dropped: [{ line: 4, reason: 'sequence not increasing' }] });
    await journal.close();
  });

  test('reports garbage in the middle without cutting it; the reader skips and reports it too', async () => {
    const dir = await tempDir();
    const segment = await journalWith(dir, 3);
    const [first, ...rest] = (await readFile(segment, 'utf8')).split('\n');
    const text = [first, 'garbage that is not a record', ...rest].join('\n');
    await writeFile(segment, text);
    const journal = open(dir);
    expect(journal.recovery).toMatchObject({
      lastSeq: 3,
      droppedBytes: 0,
      quarantine: undefined,
      corrupt: [{ segment: 'journal-000001.jsonl', line: 2, offset: first!.length + 1, reason: 'no checksum' }],
    });
    expect(await readFile(segment, 'utf8')).toBe(text);
    expect(await quarantines(dir)).toEqual([]);
    await journal.close();

    const corrupt: CorruptLine[] = [];
    const records = await collect(readJournal(dir, { onCorrupt: (line) => corrupt.push(line) }));
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3]);
    expect(corrupt).toEqual([
      { segment: 'journal-000001.jsonl', line: 2, offset: first!.length + 1, reason: 'no checksum' },
    ]);
  });

  test('empties a last segment without a valid record and takes the sequence from the one before', async () => {
    // As if killed right after rotating, in the middle of the new segment's first write.
    const { dir, last } = await rotatedWith('{"seq":7,"ts":"torn');
    const reopened = open(dir);
    expect(reopened.recovery).toMatchObject({ segment: last, lastSeq: 6, size: 0, droppedBytes: 19 });
    expect(await reopened.append(entry())).toBe(7);
    await reopened.close();
    expect((await allLines(dir)).length).toBe(7);
  });

  test('cuts a stale record at the start of a fresh segment: sequence numbers carry over from the segment before', async () => {
    // A lost page or a replayed write: a whole, checksummed record repeating the last number, alone in a new segment.
    const stale = encodeRecord(6, JSON.stringify({ ts: '2026-01-01T00:00:00.000Z', name: 'stale' }));
    const { dir, last } = await rotatedWith(stale);
    const reopened = open(dir);
    expect(reopened.recovery).toMatchObject({
      segment: last,
      lastSeq: 6,
      size: 0,
      droppedBytes: Buffer.byteLength(stale),
      dropped: [{ segment: last, line: 1, reason: 'sequence not increasing' }],
    });
    expect(await reopened.append(entry())).toBe(7);
    await reopened.close();
    const seqs = (await collect(readJournal(dir))).map((record) => record.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('takes the highest valid number of the segment before, not merely its last line', async () => {
    const dir = await tempDir();
    const line = (seq: number) =>
      encodeRecord(seq, JSON.stringify({ ts: '2026-01-01T00:00:00.000Z', name: `n${seq}` }));
    // A sealed segment whose last line repeats an earlier number, then a fresh segment starting with a stale 3.
    await writeFile(join(dir, 'journal-000001.jsonl'), [1, 2, 3, 2].map(line).join(''));
    await writeFile(join(dir, 'journal-000002.jsonl'), line(3));
    expect(recoverJournal(dir)).toMatchObject({
      segment: 'journal-000002.jsonl',
      lastSeq: 3,
      size: 0,
      dropped: [{ line: 1, reason: 'sequence not increasing' }],
    });
  });

  test('finds the last number of a segment larger than the tail it reads first', async () => {
    const dir = await tempDir();
    const journal = open(dir, { fsync: 'off', maxSegmentBytes: 256 * 1024, retainSegments: 0 });
    // One record longer than the 64 KiB read from a sealed segment's end, then a fresh segment.
    await journal.append(entry());
    await journal.append(entry({ requestId: 'x'.repeat(80 * 1024) }));
    await journal.close();
    await writeFile(join(dir, 'journal-000002.jsonl'), '');
    expect(recoverJournal(dir)).toMatchObject({ segment: 'journal-000002.jsonl', lastSeq: 2, droppedBytes: 0 });
  });

  test('leaves a clean journal alone and reports an empty directory as empty', async () => {
    const empty = await tempDir();
    expect(recoverJournal(empty)).toMatchObject({ segment: undefined, lastSeq: 0, droppedBytes: 0 });
    const dir = await tempDir();
    const segment = await journalWith(dir, 2);
    const before = await readFile(segment);
    expect(recoverJournal(dir)).toMatchObject({ lastSeq: 2, droppedBytes: 0, dropped: [], corrupt: [] });
    expect(await readFile(segment)).toEqual(before);
  });
});
