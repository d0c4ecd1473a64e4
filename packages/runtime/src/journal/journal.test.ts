import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { ConfigError } from '../errors.js';
import { createRuntimeMetrics } from '../observability/metrics.js';
import {
  allLines,
  collect,
  entry,
  memoryLogger,
  open,
  removeTempDirs,
  segmentFiles,
  tempDir,
} from './__fixtures__/helpers.js';
import { JournalError } from './errors.js';
import type { Journal } from './journal.js';
import { readJournal } from './reader.js';
import { decodeRecord } from './record.js';

const journals: Journal[] = [];

/** Opens a journal closed after the test. */
function opened(...args: Parameters<typeof open>): Journal {
  const journal = open(...args);
  journals.push(journal);
  return journal;
}

afterEach(async () => {
  await Promise.all(journals.splice(0).map((journal) => journal.close()));
  await removeTempDirs();
});

describe('the journal writer', () => {
  test('writes one checksummed JSON record per line with sequence numbers from 1', async () => {
    const dir = await tempDir();
    const journal = opened(dir);
    expect(await journal.append(entry({ requestId: 'a' }))).toBe(1);
    expect(await journal.append(entry({ requestId: 'b', status: 'error' }))).toBe(2);
    const lines = await allLines(dir);
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown> & { ts: string };
    expect(Object.keys(first)[0]).toBe('seq');
    expect(Object.keys(first).at(-1)).toBe('crc');
    expect(first).toMatchObject({ seq: 1, method: 'tools/call', name: 'echo', requestId: 'a', status: 'ok' });
    expect(new Date(first.ts).toISOString()).toBe(first.ts);
    expect(lines.map((line) => decodeRecord(line).ok)).toEqual([true, true]);
    expect(await segmentFiles(dir)).toEqual(['journal-000001.jsonl']);
  });

  test('keeps records in append order under concurrency, with no gaps', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'always' });
    const seqs = await Promise.all(
      Array.from({ length: 300 }, (_, index) => journal.append(entry({ requestId: `r${index}` }))),
    );
    expect(seqs).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));
    const records = await collect(readJournal(dir));
    expect(records.map((record) => record.requestId)).toEqual(Array.from({ length: 300 }, (_, index) => `r${index}`));
  });

  test('creates the directory 0700 and segments 0600, and tightens a directory open to others', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'nested', 'journal');
    const journal = opened(dir);
    await journal.append(entry());
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'journal-000001.jsonl'))).mode & 0o777).toBe(0o600);
    await journal.close();

    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755);
    await chmod(join(dir, 'journal-000001.jsonl'), 0o644);
    const reopened = opened(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'journal-000001.jsonl'))).mode & 0o777).toBe(0o600);
    await reopened.close();
  });

  test('continues the sequence after a reopen', async () => {
    const dir = await tempDir();
    const journal = open(dir);
    await journal.append(entry());
    await journal.append(entry());
    await journal.close();
    const reopened = opened(dir);
    expect(reopened.recovery).toMatchObject({ lastSeq: 2, droppedBytes: 0, corrupt: [] });
    expect(await reopened.append(entry())).toBe(3);
  });

  test('refuses a second writer on the same directory in the process, until the first is closed', async () => {
    const dir = await tempDir();
    const journal = open(dir);
    expect(() => open(dir)).toThrow(JournalError);
    expect(() => open(join(dir, '.'))).toThrow(expect.objectContaining({ failure: 'in_use' }) as Error);
    await journal.close();
    opened(dir);
  });

  test('rejects appends after close, and close is idempotent', async () => {
    const dir = await tempDir();
    const journal = open(dir);
    const pending = journal.append(entry());
    const closing = journal.close();
    expect(journal.writable).toBe(false);
    await expect(pending).resolves.toBe(1);
    await expect(journal.append(entry())).rejects.toMatchObject({ failure: 'closed' });
    await closing;
    await journal.close();
    await journal.flush();
    expect(await allLines(dir)).toHaveLength(1);
  });

  test('rejects an unserializable entry without a gap in the sequence', async () => {
    const dir = await tempDir();
    const journal = opened(dir);
    await journal.append(entry());
    await expect(journal.append(entry({ result: { big: 1n } }))).rejects.toMatchObject({ failure: 'unserializable' });
    expect(await journal.append(entry())).toBe(2);
    expect(journal.writable).toBe(true);
  });

  test('ignores seq, ts and crc fields a caller slips into an entry', async () => {
    const dir = await tempDir();
    const journal = opened(dir);
    await journal.append({ ...entry(), seq: 99, ts: 'yesterday', crc: 'nope' } as never);
    const [line] = await allLines(dir);
    expect(decodeRecord(line!)).toMatchObject({ ok: true, record: { seq: 1 } });
    expect(line!.match(/"seq"/g)).toHaveLength(1);
    expect(JSON.parse(line!).ts).not.toBe('yesterday');
  });

  test('counts durable records and failed appends in the metrics', async () => {
    const dir = await tempDir();
    const metrics = createRuntimeMetrics({ defaultMetrics: false });
    const journal = opened(dir, { metrics });
    await journal.append(entry());
    await journal.append(entry());
    await journal.append(entry({ args: { n: 1n } })).catch(() => undefined);
    const values = (await metrics.journalRecords.get()).values;
    expect(values.find((value) => value.labels.result === 'ok')?.value).toBe(2);
    expect(values.find((value) => value.labels.result === 'error')?.value).toBe(1);
  });

  test('record() queues in order with append() and counts what it cannot write', async () => {
    const dir = await tempDir();
    const metrics = createRuntimeMetrics({ defaultMetrics: false });
    const journal = opened(dir, { metrics, fsync: 'interval' });
    journal.record(entry({ requestId: 'r1' }));
    expect(await journal.append(entry({ requestId: 'r2' }))).toBe(2);
    journal.record(entry({ requestId: 'r3', args: { n: 1n } }));
    journal.record(entry({ requestId: 'r4', durationMs: 2 }));
    await journal.flush();
    const records = await collect(readJournal(dir));
    expect(records.map((record) => [record.seq, record.requestId])).toEqual([
      [1, 'r1'],
      [2, 'r2'],
      [3, 'r4'],
    ]);
    expect(records[2]).toMatchObject({ durationMs: 2, args: { text: 'hi' }, status: 'ok' });
    await journal.close();
    journal.record(entry({ requestId: 'late' }));
    const values = (await metrics.journalRecords.get()).values;
    expect(values.find((value) => value.labels.result === 'ok')?.value).toBe(3);
    expect(values.find((value) => value.labels.result === 'error')?.value).toBe(2);
  });

  test('stops being writable when a rotation fails, rejecting appends from then on', async () => {
    const dir = await tempDir();
    const { logger, lines } = memoryLogger();
    const journal = opened(dir, { fsync: 'always', maxSegmentBytes: 600, logger });
    expect(await journal.append(entry())).toBe(1);
    // Something else took the next segment's name: the exclusive create fails.
    await writeFile(join(dir, 'journal-000002.jsonl'), 'not ours\n');
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => journal.append(entry())));
    expect(results.filter((result) => result.status === 'rejected').length).toBeGreaterThan(0);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ failure: 'write_failed' });
    expect(journal.writable).toBe(false);
    await expect(journal.append(entry())).rejects.toMatchObject({ failure: 'write_failed' });
    expect(lines.some((line) => line.msg === 'journal: not writable any more; calls are no longer journaled')).toBe(
      true,
    );
    await journal.close();
    expect(await readFile(join(dir, 'journal-000002.jsonl'), 'utf8')).toBe('not ours\n');
  });

  test('fails to open with a message naming the directory when it cannot be created', async () => {
    const parent = await tempDir();
    await writeFile(join(parent, 'file'), '');
    expect(() => open(join(parent, 'file', 'journal'))).toThrow(
      expect.objectContaining({
        failure: 'open_failed',
        message: expect.stringMatching(
          /^Cannot open the journal at .*file\/journal: ENOTDIR.*MCP_JOURNAL_DIR/,
        ) as string,
      }) as Error,
    );
  });

  test('validates its options', async () => {
    const dir = await tempDir();
    expect(() => open(dir, { fsync: 'sometimes' as never })).toThrow(ConfigError);
    expect(() => open(dir, { maxSegmentBytes: 0 })).toThrow(/maxSegmentBytes must be a whole number of at least 1/);
    expect(() => open(dir, { fsyncIntervalMs: 1.5 })).toThrow(ConfigError);
  });
});

describe('fsync policies', () => {
  /** Milliseconds from append to acknowledgement. */
  async function ackTime(journal: Journal): Promise<number> {
    const started = performance.now();
    await journal.append(entry());
    return performance.now() - started;
  }

  test('interval: an append is acknowledged by the next timer-driven fsync, shared by all appends waiting', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'interval', fsyncIntervalMs: 400 });
    const started = performance.now();
    const seqs = await Promise.all([journal.append(entry()), journal.append(entry()), journal.append(entry())]);
    expect(seqs).toEqual([1, 2, 3]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
  });

  test('always: an append is acknowledged after its own fsync, without waiting for a timer', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'always', fsyncIntervalMs: 5000 });
    expect(await ackTime(journal)).toBeLessThan(2000);
  });

  test('off: an append is acknowledged once written', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'off', fsyncIntervalMs: 5000 });
    expect(await ackTime(journal)).toBeLessThan(2000);
    expect(await allLines(dir)).toHaveLength(1);
  });

  test('flush makes everything appended before it durable whatever the policy', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'interval', fsyncIntervalMs: 60_000 });
    const appended = journal.append(entry());
    const started = performance.now();
    await journal.flush();
    await expect(appended).resolves.toBe(1);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('rotation and retention', () => {
  test('rotates by size into numbered segments, each within the limit, sequences continuing', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'always', maxSegmentBytes: 1024, retainSegments: 0 });
    for (let index = 0; index < 40; index++) await journal.append(entry({ requestId: `r${index}` }));
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    expect(files[0]).toBe('journal-000001.jsonl');
    expect(files.at(-1)).toBe(journal.segment);
    for (const file of files) expect((await stat(join(dir, file))).size).toBeLessThanOrEqual(1024);
    const records = await collect(readJournal(dir));
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
  });

  test('gives a record larger than the limit a segment of its own', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { fsync: 'always', maxSegmentBytes: 1024, retainSegments: 0 });
    await journal.append(entry());
    await journal.append(entry({ args: { text: 'x'.repeat(3000) } }));
    await journal.append(entry());
    const files = await segmentFiles(dir);
    expect(files).toEqual(['journal-000001.jsonl', 'journal-000002.jsonl', 'journal-000003.jsonl']);
    expect((await stat(join(dir, files[1]!))).size).toBeGreaterThan(3000);
  });

  test('rotates by age, measured from the segment’s first record', async () => {
    const dir = await tempDir();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const journal = opened(dir, { fsync: 'always', maxSegmentAgeMs: 60_000, now: () => now });
    await journal.append(entry());
    now += 59_000;
    await journal.append(entry());
    expect(await segmentFiles(dir)).toEqual(['journal-000001.jsonl']);
    now += 1000;
    await journal.append(entry());
    expect(await segmentFiles(dir)).toEqual(['journal-000001.jsonl', 'journal-000002.jsonl']);
    const records = await collect(readJournal(dir));
    expect(records.map((record) => record.ts)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:59.000Z',
      '2026-01-01T00:01:00.000Z',
    ]);
  });

  test('keeps at most retainSegments segments, deleting the oldest first', async () => {
    const dir = await tempDir();
    const { logger, lines } = memoryLogger();
    const journal = opened(dir, { fsync: 'always', maxSegmentBytes: 600, retainSegments: 3, logger });
    for (let index = 0; index < 30; index++) await journal.append(entry({ requestId: `r${index}` }));
    const files = await segmentFiles(dir);
    expect(files).toHaveLength(3);
    expect(files.at(-1)).toBe(journal.segment);
    const records = await collect(readJournal(dir));
    expect(records.at(-1)?.seq).toBe(30);
    expect(records.map((record) => record.seq)).toEqual(
      Array.from({ length: records.length }, (_, index) => 31 - records.length + index),
    );
    expect(lines.some((line) => line.msg === 'journal: old segments deleted')).toBe(true);
  });

  test('deletes segments older than retainAgeMs, never the current one', async () => {
    const dir = await tempDir();
    const first = open(dir, { fsync: 'always', maxSegmentBytes: 600, retainSegments: 0 });
    for (let index = 0; index < 12; index++) await first.append(entry());
    await first.close();
    const before = await segmentFiles(dir);
    expect(before.length).toBeGreaterThan(2);
    const old = new Date(Date.now() - 3_600_000);
    for (const file of before) await utimes(join(dir, file), old, old);
    const journal = opened(dir, { retainAgeMs: 60_000, retainSegments: 0 });
    await journal.flush();
    expect(await segmentFiles(dir)).toEqual([before.at(-1)]);
  });

  test('a segment ends on a whole record after rotation (synced before the next is created)', async () => {
    const dir = await tempDir();
    const journal = opened(dir, { maxSegmentBytes: 700, retainSegments: 0 });
    await Promise.all(Array.from({ length: 25 }, () => journal.append(entry())));
    for (const file of await segmentFiles(dir))
      expect((await readFile(join(dir, file), 'utf8')).endsWith('\n')).toBe(true);
  });
});
