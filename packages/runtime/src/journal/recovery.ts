/**
 * Recovery, run when a journal is opened for writing: a crash (or a kill) can leave the last
 * segment with a torn tail, an incomplete last line or records that fail their checksum or come
 * out of sequence. Recovery truncates the segment back to the end of its last valid record and
 * moves the dropped bytes to a quarantine file next to it, so nothing is silently lost.
 *
 * Only the last segment is ever repaired: the writer syncs a segment before it creates the next,
 * so earlier segments end on a complete record. Invalid lines before the last valid record (bit
 * rot, a stray edit) are reported and left where they are.
 *
 * @module
 */
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, truncateSync, writeSync } from 'node:fs';

import { LineSplitter } from './lines.js';
import { decodeRecord, type CorruptLine } from './record.js';
import { fileTimestamp, listSegmentsSync, syncDirectorySync, type Segment } from './segments.js';

/** What recovery found and did. */
export interface RecoveryReport {
  /** The last segment's file name; `undefined` for a journal without segments. */
  readonly segment: string | undefined;
  /** The last valid sequence number of the journal (0 when there is none): writing continues after it. */
  readonly lastSeq: number;
  /** Size of the last segment after recovery. */
  readonly size: number;
  /** `ts` of the last segment's first valid record (its age, for rotation by age). */
  readonly firstTs: string | undefined;
  /** Bytes cut from the end of the last segment (0 when its tail was intact). */
  readonly droppedBytes: number;
  /** The invalid lines that were cut, with why (an unfinished last line counts as one). */
  readonly dropped: readonly CorruptLine[];
  /** Where the cut bytes were kept. */
  readonly quarantine: string | undefined;
  /** Invalid lines before the last valid record: reported, left in place. */
  readonly corrupt: readonly CorruptLine[];
}

interface Scan {
  readonly lastSeq: number;
  readonly firstTs: string | undefined;
  /** Where the last valid record ends (0 when there is none). */
  readonly validEnd: number;
  readonly invalid: CorruptLine[];
}

/** Scans a segment's lines; a record must come after `previousSeq` (the last one before the segment) to be valid. */
function scan(segment: Segment, bytes: Buffer, previousSeq = 0): Scan {
  const splitter = new LineSplitter();
  let lastSeq = previousSeq;
  let firstTs: string | undefined;
  let validEnd = 0;
  const invalid: CorruptLine[] = [];
  for (const line of splitter.push(bytes)) {
    const decoded = decodeRecord(line.text, lastSeq);
    if (decoded.ok) {
      lastSeq = decoded.record.seq;
      firstTs ??= decoded.record.ts;
      validEnd = line.end;
    } else {
      invalid.push({ segment: segment.name, line: line.number, offset: line.offset, reason: decoded.reason });
    }
  }
  if (splitter.rest.length > 0) {
    invalid.push({
      segment: segment.name,
      line: splitter.nextNumber,
      offset: splitter.restOffset,
      reason: 'incomplete line',
    });
  }
  return { lastSeq: validEnd === 0 ? 0 : lastSeq, firstTs, validEnd, invalid };
}

const NEWLINE = 0x0a;

/** How much of a sealed segment's end is read to find its last record before falling back to the whole file. */
const TAIL_WINDOW = 64 * 1024;

/**
 * The sequence number of a sealed segment's last valid record. A sealed segment ends on a complete,
 * synced record, so its last {@link TAIL_WINDOW} bytes are scanned (by the same rules as a whole
 * segment: numbers must increase); a window without a valid record sends it to the whole file.
 */
function lastSeqOf(segment: Segment): number {
  const fd = openSync(segment.path, 'r');
  let window: Buffer;
  let whole: boolean;
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_WINDOW);
    window = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, window, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    window = window.subarray(0, read);
    whole = read === size;
  } finally {
    closeSync(fd);
  }
  if (!whole) {
    // The window's first line is cut by its start (or is the line the window starts on): skip it.
    const newline = window.indexOf(NEWLINE);
    window = newline === -1 ? Buffer.alloc(0) : window.subarray(newline + 1);
  }
  const { lastSeq } = scan(segment, window);
  return lastSeq > 0 || whole ? lastSeq : scan(segment, readFileSync(segment.path)).lastSeq;
}

/** The last valid sequence number among `segments` (oldest first), read from the newest back until one has a record. */
function lastSeqBefore(segments: readonly Segment[]): number {
  for (const segment of [...segments].reverse()) {
    const lastSeq = lastSeqOf(segment);
    if (lastSeq > 0) return lastSeq;
  }
  return 0;
}

function writeQuarantine(path: string, bytes: Buffer): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Quarantine path for `segment` at `now` (the caller adds a counter if two recoveries share a millisecond). */
function quarantinePath(segment: Segment, now: Date): string {
  return `${segment.path}.quarantine-${fileTimestamp(now)}`;
}

/**
 * Recovers the journal in `dir` (which must exist): scans the last segment, cuts a torn tail into
 * a quarantine file, and reports. Synchronous: it runs once, at start-up, before anything is served.
 */
export function recoverJournal(dir: string, now: () => number = Date.now): RecoveryReport {
  const segments = listSegmentsSync(dir);
  const last = segments.at(-1);
  if (last === undefined) {
    return {
      segment: undefined,
      lastSeq: 0,
      size: 0,
      firstTs: undefined,
      droppedBytes: 0,
      dropped: [],
      quarantine: undefined,
      corrupt: [],
    };
  }
  // A record of the last segment must also come after the segments before it: a stale record
  // repeating an earlier number at the start of a fresh segment is a torn tail, not a record.
  const before = lastSeqBefore(segments.slice(0, -1));
  const bytes = readFileSync(last.path);
  const found = scan(last, bytes, before);
  const corrupt = found.invalid.filter((line) => line.offset < found.validEnd);
  const dropped = found.invalid.filter((line) => line.offset >= found.validEnd);
  let quarantine: string | undefined;
  if (found.validEnd < bytes.length) {
    quarantine = quarantinePath(last, new Date(now()));
    for (let attempt = 1; ; attempt++) {
      try {
        writeQuarantine(quarantine, bytes.subarray(found.validEnd));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw error;
        quarantine = `${quarantinePath(last, new Date(now()))}-${attempt}`;
      }
    }
    truncateSync(last.path, found.validEnd);
    const fd = openSync(last.path, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    syncDirectorySync(dir);
  }
  return {
    segment: last.name,
    lastSeq: found.lastSeq > 0 ? found.lastSeq : before,
    size: found.validEnd,
    firstTs: found.firstTs,
    droppedBytes: bytes.length - found.validEnd,
    dropped,
    quarantine,
    corrupt,
  };
}

/** Whether recovery found anything worth a warning. */
export function recoveryIsClean(report: RecoveryReport): boolean {
  return report.droppedBytes === 0 && report.corrupt.length === 0;
}
