/**
 * Crash safety, with real processes: a child appends under load with `fsync: 'always'` and prints
 * each acknowledged sequence number; the test kills it with SIGKILL at random moments, over and
 * over. After every kill each acknowledged record must be on disk and valid, the sequence must be
 * gapless, and the next start must cut exactly the torn tail (if any), quarantine it and go on
 * after the last valid record.
 */
import { spawn } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { bundleFixture, type BundledFixture } from '../__fixtures__/process.js';

import { collect } from './__fixtures__/helpers.js';
import { openJournal } from './journal.js';
import { readJournal } from './reader.js';
import { decodeRecord, encodeRecord, type CorruptLine } from './record.js';
import { listSegments } from './segments.js';

const KILLS = 32;
const SEGMENT_BYTES = 32 * 1024;

let tmp: string;
let appender: string;

let fixture: BundledFixture;

beforeAll(async () => {
  fixture = await bundleFixture('journal-appender.mjs');
  tmp = fixture.dir;
  appender = fixture.file;
});

afterAll(async () => {
  await fixture.remove();
});

interface Opened {
  lastSeq: number;
  droppedBytes: number;
  dropped: CorruptLine[];
  corrupt: CorruptLine[];
  quarantine: string | null;
}

/** Runs the appender until killed after `delayMs`; resolves with what it reported. */
function runAndKill(dir: string, delayMs: number): Promise<{ opened: Opened; acked: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [appender, dir, String(SEGMENT_BYTES)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let opened: Opened | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (opened === undefined && stdout.includes('\n')) {
        opened = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as Opened;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (opened === undefined || signal !== 'SIGKILL') {
        reject(new Error(`appender ended with ${code ?? signal}; stderr:\n${stderr}`));
        return;
      }
      // Only complete lines were acknowledged; a number cut by the kill is not one.
      const lines = stdout.split('\n').slice(1, -1);
      resolve({ opened, acked: lines.map(Number) });
    });
  });
}

/**
 * A kill rarely tears a line by itself (Linux finishes a write(2) before it delivers SIGKILL), so
 * every few rounds the test tears one as a crash mid-write or a lost page would: part of a next
 * record, a complete line whose checksum fails, or a valid line with a stale sequence number.
 */
async function tearTail(dir: string, round: number, lastSeq: number): Promise<boolean> {
  const last = (await listSegments(dir)).at(-1);
  // Kills before the first segment exists (a slow start under load) leave nothing to tear yet.
  if (last === undefined) return false;
  const line = encodeRecord(
    lastSeq + 1,
    JSON.stringify({ ts: new Date().toISOString(), name: 'torn', pad: 'y'.repeat(round * 13) }),
  );
  // A stale record repeats the last sequence number, so it needs one: before the first record, tear a line instead.
  const variant = lastSeq === 0 ? round % 2 : round % 3;
  const torn =
    variant === 0
      ? line.slice(0, 1 + Math.floor(Math.random() * (line.length - 2)))
      : variant === 1
        ? line.replace('torn', 'tore')
        : encodeRecord(Math.max(1, lastSeq), JSON.stringify({ ts: new Date().toISOString(), name: 'stale' }));
  await appendFile(last.path, torn);
  return true;
}

interface Inspection {
  seqs: number[];
  tail: Buffer;
  corrupt: CorruptLine[];
}

/** The journal as the next start will find it: valid sequence numbers, and the bytes after the last valid record. */
async function inspect(dir: string): Promise<Inspection> {
  const corrupt: CorruptLine[] = [];
  const seqs = (await collect(readJournal(dir, { onCorrupt: (line) => corrupt.push(line) }))).map((r) => r.seq);
  // Numbers carry over from segment to segment: a record must come after the last valid one before it.
  let previous = 0;
  let tail: Buffer = Buffer.alloc(0);
  for (const segment of await listSegments(dir)) {
    const bytes = await readFile(segment.path);
    let validEnd = 0;
    let start = 0;
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, start)) {
      const decoded = decodeRecord(bytes.toString('utf8', start, newline), previous);
      if (decoded.ok) {
        previous = decoded.record.seq;
        validEnd = newline + 1;
      }
      start = newline + 1;
    }
    tail = bytes.subarray(validEnd);
  }
  return { seqs, tail, corrupt };
}

test(`every acknowledged record survives ${KILLS} SIGKILLs; only torn tails are cut, and reported`, async () => {
  const dir = join(tmp, 'journal');
  const acked = new Set<number>();
  const stats = {
    kills: 0,
    acked: 0,
    tornByKill: 0,
    tornByTest: 0,
    tornTails: 0,
    droppedBytes: 0,
    droppedLines: 0,
    rotations: 0,
  };
  let before: Inspection = { seqs: [], tail: Buffer.alloc(0), corrupt: [] };

  for (let round = 0; round < KILLS; round++) {
    // Some kills land during start-up and recovery, most under load.
    const delayMs = round % 8 === 3 ? 0 : 20 + Math.floor(Math.random() * 180);
    const { opened, acked: now } = await runAndKill(dir, delayMs);
    stats.kills += 1;

    // Recovery cut exactly the torn tail the last kill left, kept it, and continues after the last valid record.
    const lastValid = before.seqs.at(-1) ?? 0;
    expect(opened.lastSeq).toBe(lastValid);
    expect(opened.corrupt).toEqual([]);
    expect(opened.droppedBytes).toBe(before.tail.length);
    if (before.tail.length > 0) {
      stats.tornTails += 1;
      stats.droppedBytes += opened.droppedBytes;
      stats.droppedLines += opened.dropped.length;
      expect(opened.quarantine).not.toBeNull();
      expect(await readFile(opened.quarantine!)).toEqual(before.tail);
    } else {
      expect(opened.quarantine).toBeNull();
    }
    if (now.length > 0) expect(Math.min(...now)).toBe(lastValid + 1);

    for (const seq of now) acked.add(seq);
    stats.acked += now.length;
    const after = await inspect(dir);
    // Every acknowledged record is there and valid; the sequence has no gap and no repeat.
    expect(after.seqs).toEqual(Array.from({ length: after.seqs.length }, (_, index) => index + 1));
    const present = new Set(after.seqs);
    expect([...acked].filter((seq) => !present.has(seq))).toEqual([]);
    // Whatever is invalid sits after the last valid record of the last segment.
    const lastSegment = (await listSegments(dir)).at(-1)?.name;
    expect(after.corrupt.every((line) => line.segment === lastSegment)).toBe(true);
    if (after.tail.length > 0) stats.tornByKill += 1;
    else if (round % 4 === 1 && (await tearTail(dir, round, after.seqs.at(-1) ?? 0))) {
      stats.tornByTest += 1;
      before = await inspect(dir);
      expect(before.tail.length).toBeGreaterThan(0);
      continue;
    }
    before = after;
  }

  // A last, orderly open recovers the final kill's tail the same way.
  const journal = openJournal({
    dir,
    fsync: 'always',
    metrics: false,
    maxSegmentBytes: SEGMENT_BYTES,
    retainSegments: 0,
  });
  expect(journal.recovery.lastSeq).toBe(before.seqs.at(-1) ?? 0);
  expect(journal.recovery.droppedBytes).toBe(before.tail.length);
  const seq = await journal.append({
    method: 'tools/call',
    name: 'final',
    requestId: 'final',
    durationMs: 0,
    status: 'ok',
  });
  expect(seq).toBe(journal.recovery.lastSeq + 1);
  await journal.close();
  stats.rotations = (await listSegments(dir)).length - 1;

  expect(stats.acked).toBeGreaterThan(KILLS * 10);
  console.info(`journal crash test: ${JSON.stringify({ ...stats, records: seq })}`);
}, 120_000);
