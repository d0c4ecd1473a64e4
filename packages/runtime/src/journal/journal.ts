/**
 * The journal's writer: an append-only, crash-safe log of calls, one JSON record per line (see
 * `record.ts`) in numbered segments (see `segments.ts`).
 *
 * - **One writer, one queue.** `append()` stamps the entry with the time, redacts and serializes
 *   it, and queues the text; a single lane drains the queue in order, numbering and checksumming
 *   each batch, so records are never interleaved or reordered. Serializing at once keeps one flat
 *   string per waiting record rather than the call's whole result object, which the `interval`
 *   policy would otherwise hold for up to 100 ms, long enough for the collector to promote it:
 *   that cost more than the serialization. (The journal policy appends after the answer was sent,
 *   on the runtime's own fronts.) Sequence numbers are given when a record is written, so a
 *   failed write leaves no gap.
 * - **Durability.** `append()` resolves with the record's sequence number once the record is
 *   durable per the fsync policy: `always`, after an fsync covering it (appends that queue up
 *   while one fsync runs share the next: group commit); `interval` (default), after the next
 *   timer-driven fsync, at most `fsyncIntervalMs` (100) later (the records wait in memory and are
 *   written in one batch right before that fsync, or earlier once 512 wait: a crash loses at most
 *   the last interval either way); `off`, once the OS has the bytes.
 * - **Rotation.** Before a record would take a segment past `maxSegmentBytes`, or once the
 *   segment's first record is `maxSegmentAgeMs` old, the segment is synced and closed, the next is
 *   created (`wx`, mode 0600) and the directory synced. Retention then deletes the oldest segments
 *   beyond `retainSegments` or older than `retainAgeMs`.
 * - **Recovery.** Opening runs `recoverJournal` first (torn tails are cut and quarantined).
 * - **Failures.** A failed write is cut back off the segment and its appends rejected; a failed
 *   fsync (whose outcome the OS no longer tells) or an uncuttable write leaves the journal
 *   not {@link Journal.writable}: appends are rejected from then on, serving goes on.
 *
 * @module
 */
import {
  chmodSync,
  close,
  fchmodSync,
  fdatasync,
  fstatSync,
  ftruncate,
  mkdirSync,
  open,
  openSync,
  statSync,
  write,
} from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { ConfigError, isMcpFactoryError } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { runtimeMetrics, type RuntimeMetrics } from '../observability/metrics.js';
import { JournalError } from './errors.js';
import { recordLineBytes, writeRecord, type JournalEntry } from './record.js';
import { recoverJournal, type RecoveryReport } from './recovery.js';
import { createRedactor, type Redactor } from './redact.js';
import { listSegments, listSegmentsSync, segmentName, syncDirectory, syncDirectorySync } from './segments.js';

/** When an append counts as durable; see the module comment. */
export type FsyncPolicy = 'always' | 'interval' | 'off';

/** Options of {@link openJournal}. */
export interface JournalOptions {
  /** The journal's directory; created with mode 0700 if missing (and tightened to 0700 if wider). */
  readonly dir: string;
  /** Default `interval`. */
  readonly fsync?: FsyncPolicy;
  /** Group-commit period of the `interval` policy; default 100 ms. */
  readonly fsyncIntervalMs?: number;
  /** Rotate before a segment would grow past this; default 16 MiB. A larger single record gets a segment of its own. */
  readonly maxSegmentBytes?: number;
  /** Rotate once a segment's first record is this old; default 24 h, 0 for never. */
  readonly maxSegmentAgeMs?: number;
  /** Keep at most this many segments (the current one included); default 64, 0 for no limit. */
  readonly retainSegments?: number;
  /** Delete segments last written longer ago than this; default 0 (no age limit). */
  readonly retainAgeMs?: number;
  /** Field names redacted on top of the defaults (`authorization`, `token`, `password`, …). */
  readonly redact?: readonly string[];
  /** Keep the response bodies of upstream exchanges (redacted), for record/replay; default false. */
  readonly recordBodies?: boolean;
  /** Where recovery reports and write failures go; default a JSON logger on stderr. */
  readonly logger?: Logger;
  /** Where records are counted (`mcp_journal_records_total`); default the process's metrics, `false` for none. */
  readonly metrics?: RuntimeMetrics | false;
  /** The clock (epoch ms), for tests of rotation by age. */
  readonly now?: () => number;
}

/** The defaults of {@link JournalOptions}. */
export const JOURNAL_DEFAULTS = {
  fsync: 'interval',
  fsyncIntervalMs: 100,
  maxSegmentBytes: 16 * 1024 * 1024,
  maxSegmentAgeMs: 24 * 60 * 60 * 1000,
  retainSegments: 64,
  retainAgeMs: 0,
} as const satisfies Partial<JournalOptions>;

interface Pending {
  /** The record's text without its sequence number and checksum (see `encodeRecord`). */
  readonly body: string;
  seq: number;
  /** Absent for {@link Journal.record}: nobody waits, a failure is only logged and counted. */
  readonly resolve: ((seq: number) => void) | undefined;
  readonly reject: ((error: Error) => void) | undefined;
}

/** The interval policy writes its queue early once this many records wait (bounds the memory held). */
const BATCH_RECORDS = 512;

/** Directories open for writing in this process: a second writer would interleave with the first. */
const openDirectories = new Set<string>();

const fsWrite = promisify(write);
const fsDatasync = promisify(fdatasync);
const fsTruncate = promisify(ftruncate);
const fsClose = promisify(close);
const fsOpen = promisify(open);

async function writeAll(fd: number, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await fsWrite(fd, buffer, offset, buffer.length - offset, null);
    offset += bytesWritten;
  }
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`Journal option ${name} must be a whole number of at least ${min}, got ${value}.`);
  }
  return value;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An open journal. Create it with {@link openJournal}. */
export class Journal {
  /** The journal's directory (absolute). */
  readonly dir: string;
  /** What recovery found when the journal was opened. */
  readonly recovery: RecoveryReport;
  /** Whether upstream response bodies are kept. */
  readonly recordBodies: boolean;
  readonly #fsync: FsyncPolicy;
  readonly #intervalMs: number;
  readonly #maxSegmentBytes: number;
  readonly #maxSegmentAgeMs: number;
  readonly #retainSegments: number;
  readonly #retainAgeMs: number;
  readonly #redactor: Redactor;
  readonly #logger: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  readonly #now: () => number;
  #fd: number;
  #segment: number;
  #size: number;
  /** When the current segment's first record was written (epoch ms). */
  #segmentStartedAt: number | undefined;
  #seq: number;
  readonly #queue: Pending[] = [];
  /** Written, waiting for the interval fsync. */
  readonly #unsynced: Pending[] = [];
  /** A write of the queue is scheduled: `soon` (next turn) or `later` (the interval policy's timer). */
  #writeScheduled: false | 'soon' | 'later' = false;
  #writeTimer: NodeJS.Timeout | undefined;
  #lane: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #broken: JournalError | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(options: JournalOptions, dir: string) {
    this.dir = dir;
    this.#fsync = options.fsync ?? JOURNAL_DEFAULTS.fsync;
    if (!['always', 'interval', 'off'].includes(this.#fsync)) {
      throw new ConfigError(`Journal option fsync must be "always", "interval" or "off", got "${this.#fsync}".`);
    }
    this.#intervalMs = checkInteger('fsyncIntervalMs', options.fsyncIntervalMs ?? JOURNAL_DEFAULTS.fsyncIntervalMs, 1);
    this.#maxSegmentBytes = checkInteger(
      'maxSegmentBytes',
      options.maxSegmentBytes ?? JOURNAL_DEFAULTS.maxSegmentBytes,
      1,
    );
    this.#maxSegmentAgeMs = checkInteger(
      'maxSegmentAgeMs',
      options.maxSegmentAgeMs ?? JOURNAL_DEFAULTS.maxSegmentAgeMs,
      0,
    );
    this.#retainSegments = checkInteger('retainSegments', options.retainSegments ?? JOURNAL_DEFAULTS.retainSegments, 0);
    this.#retainAgeMs = checkInteger('retainAgeMs', options.retainAgeMs ?? JOURNAL_DEFAULTS.retainAgeMs, 0);
    this.recordBodies = options.recordBodies ?? false;
    this.#redactor = createRedactor(options.redact);
    this.#logger = options.logger ?? createLogger({ base: { component: 'journal' } });
    this.#metrics = options.metrics === false ? undefined : (options.metrics ?? runtimeMetrics());
    this.#now = options.now ?? Date.now;

    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
    } catch (error) {
      this.#logger.warn({ dir, err: error }, 'journal: cannot restrict the directory to its owner (0700)');
    }
    this.recovery = recoverJournal(dir, this.#now);
    this.#report(this.recovery);
    const last = listSegmentsSync(dir).at(-1);
    this.#segment = last?.number ?? 1;
    const path = join(dir, segmentName(this.#segment));
    this.#fd = openSync(path, last === undefined ? 'ax' : 'a', 0o600);
    try {
      if ((fstatSync(this.#fd).mode & 0o077) !== 0) fchmodSync(this.#fd, 0o600);
    } catch (error) {
      this.#logger.warn({ path, err: error }, 'journal: cannot restrict the segment to its owner (0600)');
    }
    if (last === undefined) syncDirectorySync(dir);
    this.#size = last === undefined ? 0 : this.recovery.size;
    const firstTs = this.recovery.firstTs === undefined ? Number.NaN : Date.parse(this.recovery.firstTs);
    this.#segmentStartedAt = Number.isNaN(firstTs) ? undefined : firstTs;
    this.#seq = this.recovery.lastSeq;
    void this.#run(() => this.#applyRetention());
  }

  /** @internal Use {@link openJournal}. */
  static open(options: JournalOptions): Journal {
    const dir = resolve(options.dir);
    if (openDirectories.has(dir)) {
      throw new JournalError(
        `The journal at ${dir} is already open in this process; share that Journal instead of opening it twice.`,
        'in_use',
      );
    }
    let journal: Journal;
    try {
      journal = new Journal(options, dir);
    } catch (error) {
      if (isMcpFactoryError(error)) throw error;
      throw new JournalError(
        `Cannot open the journal at ${dir}: ${errorMessage(error)}. Check the directory (MCP_JOURNAL_DIR) and its permissions.`,
        'open_failed',
        { cause: error },
      );
    }
    openDirectories.add(dir);
    return journal;
  }

  /** False once closed, or after a write or fsync failed in a way that cannot be undone (readiness). */
  get writable(): boolean {
    return !this.#closed && this.#broken === undefined;
  }

  /** The sequence number of the last record written (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The file name of the segment being written. */
  get segment(): string {
    return segmentName(this.#segment);
  }

  /** The fsync policy in force. */
  get fsync(): FsyncPolicy {
    return this.#fsync;
  }

  /**
   * Queues a record of `entry`, redacted and serialized at once (an entry that cannot be, a BigInt
   * or a cycle, is rejected and logged). Resolves with its sequence number
   * once durable per the fsync policy; rejects with a {@link JournalError} if it cannot be written.
   */
  append(entry: JournalEntry): Promise<number> {
    const body = this.#accept(entry);
    if (typeof body !== 'string') return Promise.reject(body);
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ body, seq: 0, resolve, reject });
      this.#scheduleWrite();
    });
  }

  /**
   * {@link append} for a caller that does not wait: the record is queued the same way, in order,
   * without a promise per record. A record that cannot be written is logged and counted
   * (`mcp_journal_records_total{result="error"}`), as every failed append is.
   */
  record(entry: JournalEntry): void {
    const body = this.#accept(entry);
    if (typeof body !== 'string') return;
    this.#queue.push({ body, seq: 0, resolve: undefined, reject: undefined });
    this.#scheduleWrite();
  }

  /** The serialized body of `entry`, or why it cannot be queued (logged and counted). */
  #accept(entry: JournalEntry): string | JournalError {
    if (this.#closed || this.#broken !== undefined) {
      this.#metrics?.journalRecords.inc({ result: 'error' });
      return this.#broken ?? new JournalError('The journal is closed.', 'closed');
    }
    try {
      return this.#serialize(entry, this.#now());
    } catch (error) {
      this.#logger.warn(
        { method: entry.method, name: entry.name, requestId: entry.requestId, err: error },
        'journal: entry not serializable; not journaled',
      );
      this.#metrics?.journalRecords.inc({ result: 'error' });
      return new JournalError(
        `Cannot journal ${entry.method} ${entry.name}: ${errorMessage(error)}`,
        'unserializable',
        {
          cause: error,
        },
      );
    }
  }

  /**
   * Schedules the write of the queue. `always` and `off`: after the current I/O phase, so the
   * response being built now is written first and the appends of calls finishing meanwhile join the
   * batch. `interval`: records are durable only at the next timed fsync anyway, so they are written
   * then, in one batch with the fsync (a crash loses at most the last interval either way), or
   * sooner once {@link BATCH_RECORDS} are waiting.
   */
  #scheduleWrite(): void {
    const soon = this.#fsync !== 'interval' || this.#queue.length >= BATCH_RECORDS;
    if (this.#writeScheduled === 'soon' || (this.#writeScheduled === 'later' && !soon)) return;
    clearTimeout(this.#writeTimer);
    this.#writeScheduled = soon ? 'soon' : 'later';
    const write = (syncAfter: boolean) => (): void => {
      this.#writeTimer = undefined;
      this.#run(() => this.#writeQueued(syncAfter)).catch(() => undefined);
    };
    if (soon) setImmediate(write(false));
    else this.#writeTimer = setTimeout(write(true), this.#intervalMs);
  }

  /** Resolves once every record appended before the call is written and synced (whatever the policy). */
  async flush(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    await this.#run(async () => {
      await this.#writeQueued(false);
      await this.#syncWritten(true);
    });
  }

  /** Writes and syncs what is queued, then closes the segment. Later appends reject. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
      clearTimeout(this.#writeTimer);
      try {
        await this.#run(async () => {
          await this.#writeQueued(false);
          if (this.#broken === undefined) await this.#syncWritten(true);
        });
      } finally {
        await this.#run(async () => {
          clearTimeout(this.#timer);
          if (this.#fd >= 0) await fsClose(this.#fd);
          this.#fd = -1;
          await syncDirectory(this.dir);
        });
        openDirectories.delete(this.dir);
      }
    })();
    return this.#closing;
  }

  #serialize(entry: JournalEntry, at: number): string {
    const ts = this.#timestamp(at);
    if (!('seq' in entry || 'ts' in entry || 'crc' in entry || 'exchanges' in entry)) {
      // The common case: the entry's own JSON after the writer's `ts`, no copy of the entry.
      const json = this.#redactor.stringify(entry);
      return json === '{}' ? `{"ts":"${ts}"}` : `{"ts":"${ts}",${json.slice(1)}`;
    }
    // A caller's own `seq`, `ts` or `crc` would shadow the writer's: JSON.parse keeps the last key.
    const { seq: _seq, ts: _ts, crc: _crc, exchanges, ...rest } = entry as JournalEntry & Record<string, unknown>;
    const record = {
      ts,
      ...rest,
      ...(exchanges === undefined
        ? {}
        : { exchanges: exchanges.map((exchange) => this.#redactor.exchange(exchange, this.recordBodies)) }),
    };
    return this.#redactor.stringify(record);
  }

  #lastTsAt = Number.NaN;
  #lastTs = '';

  /** `at` as ISO 8601, formatted once per millisecond (records of one burst share it). */
  #timestamp(at: number): string {
    if (at !== this.#lastTsAt) {
      this.#lastTsAt = at;
      this.#lastTs = new Date(at).toISOString();
    }
    return this.#lastTs;
  }

  /** Runs `operation` on the lane: one file operation at a time, in order. */
  #run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#lane.then(operation);
    this.#lane = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Writes what is queued; `syncAfter`: then syncs it at once (the interval policy's timed batch). */
  async #writeQueued(syncAfter: boolean): Promise<void> {
    this.#writeScheduled = false;
    clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
    if (this.#queue.length === 0) return;
    const batch = this.#serializeBatch(this.#queue.splice(0));
    let index = 0;
    try {
      while (index < batch.length) {
        if (this.#broken !== undefined) throw this.#broken;
        if (this.#size > 0 && this.#segmentExpired()) await this.#rotate();
        const start = index;
        let bytes = 0;
        for (let item = batch[index]; item !== undefined; item = batch[index]) {
          const length = recordLineBytes(this.#seq + (index - start) + 1, item.bodyBytes);
          if (this.#size + bytes > 0 && this.#size + bytes + length > this.#maxSegmentBytes) break;
          bytes += length;
          index += 1;
        }
        if (index === start) {
          await this.#rotate();
          continue;
        }
        // One buffer for the chunk, each line written straight into it (no line strings to join).
        const written = batch.slice(start, index).map((item) => item.pending);
        const chunk = Buffer.allocUnsafe(bytes);
        let offset = 0;
        written.forEach((pending, position) => {
          offset = writeRecord(chunk, offset, this.#seq + position + 1, pending.body);
        });
        await this.#writeChunk(written, chunk);
      }
      if (syncAfter && this.#fsync === 'interval') {
        clearTimeout(this.#timer);
        this.#timer = undefined;
        await this.#syncWritten(false);
      }
    } catch (error) {
      const failure =
        error instanceof JournalError
          ? error
          : new JournalError(`Journal write failed: ${errorMessage(error)}`, 'write_failed', { cause: error });
      for (const item of batch.slice(index)) this.#reject(item.pending, failure);
    }
  }

  /** The queued records as written: each with the byte length of its serialized body. */
  #serializeBatch(queued: readonly Pending[]): { pending: Pending; bodyBytes: number }[] {
    return queued.map((pending) => ({ pending, bodyBytes: Buffer.byteLength(pending.body) }));
  }

  async #writeChunk(entries: readonly Pending[], buffer: Buffer): Promise<void> {
    try {
      await writeAll(this.#fd, buffer);
    } catch (error) {
      // Cut whatever part of the chunk reached the file, so the segment still ends on a whole record.
      try {
        await fsTruncate(this.#fd, this.#size);
      } catch (truncateError) {
        this.#break(truncateError);
      }
      this.#logger.error({ err: error, records: entries.length }, 'journal: write failed; records lost');
      const failure = new JournalError(`Journal write failed: ${errorMessage(error)}`, 'write_failed', {
        cause: error,
      });
      for (const pending of entries) this.#reject(pending, failure);
      return;
    }
    const first = this.#seq + 1;
    entries.forEach((pending, offset) => (pending.seq = first + offset));
    this.#seq += entries.length;
    this.#size += buffer.length;
    this.#segmentStartedAt ??= this.#now();
    if (this.#fsync === 'always') {
      this.#unsynced.push(...entries);
      await this.#syncWritten(false);
    } else if (this.#fsync === 'interval') {
      this.#unsynced.push(...entries);
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#run(() => this.#syncWritten(false)).catch(() => undefined);
      }, this.#intervalMs);
    } else {
      this.#resolveAll(entries);
    }
  }

  /** Syncs the segment and acknowledges what was waiting for it; `force` syncs even when nothing waits. */
  async #syncWritten(force: boolean): Promise<void> {
    if (this.#broken !== undefined) throw this.#broken;
    const waiting = this.#unsynced.splice(0);
    if (waiting.length === 0 && !force) return;
    if (this.#fd < 0) {
      for (const pending of waiting) this.#reject(pending, new JournalError('The journal is closed.', 'closed'));
      return;
    }
    try {
      await fsDatasync(this.#fd);
    } catch (error) {
      const failure = this.#break(error);
      for (const pending of waiting) this.#reject(pending, failure);
      throw failure;
    }
    this.#resolveAll(waiting);
  }

  #segmentExpired(): boolean {
    return (
      this.#maxSegmentAgeMs > 0 &&
      this.#segmentStartedAt !== undefined &&
      this.#now() - this.#segmentStartedAt >= this.#maxSegmentAgeMs
    );
  }

  /**
   * Closes the current segment and starts the next. The old one is synced first (recovery only
   * ever repairs the last segment), the new one is created exclusively and the directory synced.
   */
  async #rotate(): Promise<void> {
    await this.#syncWritten(true);
    const next = this.#segment + 1;
    const path = join(this.dir, segmentName(next));
    try {
      await fsClose(this.#fd);
      this.#fd = -1;
      this.#fd = await fsOpen(path, 'ax', 0o600);
      await syncDirectory(this.dir);
    } catch (error) {
      throw this.#break(error);
    }
    this.#segment = next;
    this.#size = 0;
    this.#segmentStartedAt = undefined;
    await this.#applyRetention();
  }

  /** Deletes the oldest segments beyond the count limit or past the age limit, never the current one. */
  async #applyRetention(): Promise<void> {
    if (this.#retainSegments === 0 && this.#retainAgeMs === 0) return;
    const removed: string[] = [];
    try {
      const segments = await listSegments(this.dir);
      let count = segments.length;
      for (const segment of segments) {
        if (segment.number >= this.#segment) break;
        let expired = this.#retainSegments > 0 && count > this.#retainSegments;
        if (!expired && this.#retainAgeMs > 0) {
          expired = this.#now() - (await stat(segment.path)).mtimeMs > this.#retainAgeMs;
        }
        if (!expired) break;
        await unlink(segment.path);
        removed.push(segment.name);
        count -= 1;
      }
      if (removed.length > 0) await syncDirectory(this.dir);
    } catch (error) {
      this.#logger.warn({ dir: this.dir, err: error }, 'journal: retention failed; old segments kept');
    }
    if (removed.length > 0) this.#logger.info({ dir: this.dir, removed }, 'journal: old segments deleted');
  }

  #break(error: unknown): JournalError {
    if (this.#broken === undefined) {
      this.#broken = new JournalError(
        `The journal at ${this.dir} cannot be written any more: ${errorMessage(error)}`,
        'write_failed',
        { cause: error },
      );
      this.#logger.error(
        { dir: this.dir, err: error },
        'journal: not writable any more; calls are no longer journaled',
      );
      // Written but never to be synced: not durable, so not acknowledged.
      for (const pending of this.#unsynced.splice(0)) this.#reject(pending, this.#broken);
    }
    return this.#broken;
  }

  /** Acknowledges durable records (counted once per batch: a labelled increment costs a hash). */
  #resolveAll(done: readonly Pending[]): void {
    if (done.length === 0) return;
    this.#metrics?.journalRecords.inc({ result: 'ok' }, done.length);
    for (const pending of done) pending.resolve?.(pending.seq);
  }

  #reject(pending: Pending, error: JournalError): void {
    this.#metrics?.journalRecords.inc({ result: 'error' });
    pending.reject?.(error);
  }

  #report(report: RecoveryReport): void {
    if (report.droppedBytes > 0) {
      this.#logger.warn(
        {
          dir: this.dir,
          segment: report.segment,
          droppedBytes: report.droppedBytes,
          droppedLines: report.dropped.length,
          reasons: [...new Set(report.dropped.map((line) => line.reason))],
          quarantine: report.quarantine,
          lastSeq: report.lastSeq,
        },
        'journal: torn tail cut at recovery (the bytes are kept in the quarantine file)',
      );
    }
    if (report.corrupt.length > 0) {
      this.#logger.warn(
        { dir: this.dir, segment: report.segment, corrupt: report.corrupt.slice(0, 10), count: report.corrupt.length },
        'journal: corrupt lines found before the last valid record (left in place)',
      );
    }
  }
}

/**
 * Opens (creating if needed) the journal in `options.dir` for writing: recovers its last segment,
 * then appends after the last valid record. Synchronous, for start-up. Throws a `ConfigError` on
 * invalid options and a {@link JournalError} (`in_use`) if this process already has it open.
 */
export function openJournal(options: JournalOptions): Journal {
  return Journal.open(options);
}
