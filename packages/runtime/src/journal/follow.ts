/**
 * Following a journal as it grows (`tail -f`), across rotation: the follower reads the segment it
 * is on to its end, and once a newer segment exists (the writer finishes a segment before it
 * creates the next) it finishes the old one and moves on. Polls; no file watchers, which differ
 * across platforms and miss events on network file systems.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { chunksFrom, LineSplitter } from './lines.js';
import { matchesFilter, journalSegments, type ReadJournalOptions } from './reader.js';
import { decodeRecord, type JournalRecord } from './record.js';
import type { Segment } from './segments.js';

/** Options of {@link followJournal}. */
export interface FollowJournalOptions extends ReadJournalOptions {
  /** Ends the iteration. */
  readonly signal?: AbortSignal;
  /** How often to look for new records; default 200 ms. */
  readonly pollMs?: number;
  /** `end` (default): only records appended from now on; `start`: every record first, then new ones. */
  readonly from?: 'start' | 'end';
}

/** Waits `ms`; false when `signal` aborted (now or before). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return false;
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * The records of the journal in `dir` that pass the filter, as they are appended, until `signal`
 * aborts. Throws a `not_found` `JournalError` when `dir` does not exist; waits for a first segment
 * in an empty one.
 */
export async function* followJournal(dir: string, options: FollowJournalOptions = {}): AsyncGenerator<JournalRecord> {
  const pollMs = options.pollMs ?? 200;
  const signal = options.signal;
  // A function, not `signal.aborted` inline: TypeScript would keep the loop condition's narrowing across a yield.
  const stopped = (): boolean => signal?.aborted === true;
  let segments = await journalSegments(dir);
  let first = options.from === 'start' ? segments[0] : segments.at(-1);
  while (first === undefined) {
    if (!(await pause(pollMs, signal))) return;
    segments = await journalSegments(dir);
    first = options.from === 'start' ? segments[0] : segments.at(-1);
  }
  let current: Segment = first;
  // Records that end before this offset of the first segment existed already: `from: 'end'` skips them.
  let quietUntil = options.from === 'start' ? 0 : await stat(current.path).then((info) => info.size);
  let offset = 0;
  let splitter = new LineSplitter();
  let previousSeq = 0;
  /** The current segment was deleted under us: wait for a newer one. */
  let gone = false;

  while (!stopped()) {
    // Listed before reading: if a newer segment exists now, the current one is already complete.
    const next = (await journalSegments(dir)).find((segment) => segment.number > current.number);
    let progressed = false;
    if (!gone) {
      try {
        for await (const chunk of chunksFrom(current.path, offset)) {
          offset += chunk.length;
          progressed = true;
          for (const line of splitter.push(chunk)) {
            const decoded = decodeRecord(line.text, previousSeq);
            if (!decoded.ok) {
              options.onCorrupt?.({
                segment: current.name,
                line: line.number,
                offset: line.offset,
                reason: decoded.reason,
              });
              continue;
            }
            previousSeq = decoded.record.seq;
            if (line.end > quietUntil && matchesFilter(decoded.record, options)) yield decoded.record;
            if (stopped()) return;
          }
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        gone = true;
        options.onCorrupt?.({
          segment: current.name,
          line: splitter.nextNumber,
          offset,
          reason: 'segment deleted (retention) before it was read to its end',
        });
      }
    }
    if (next !== undefined) {
      if (splitter.rest.length > 0) {
        options.onCorrupt?.({
          segment: current.name,
          line: splitter.nextNumber,
          offset: splitter.restOffset,
          reason: 'incomplete line',
        });
      }
      current = next;
      offset = 0;
      splitter = new LineSplitter();
      quietUntil = 0;
      gone = false;
      continue;
    }
    if (!progressed && !(await pause(pollMs, signal))) return;
  }
}
