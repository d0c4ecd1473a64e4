/**
 * Reading a journal: every valid record across its segments, oldest first, filtered, with each
 * line that fails its checksum or its sequence reported rather than returned. Reading never
 * writes: it is safe next to a running writer (a record being written at that moment shows up as
 * an `incomplete line` at the very end).
 *
 * @module
 */
import { stat } from 'node:fs/promises';

import { JournalError } from './errors.js';
import { chunksFrom, LineSplitter } from './lines.js';
import { decodeRecord, type CorruptLine, type JournalRecord } from './record.js';
import { listSegments, type Segment } from './segments.js';

/** Which records to return. */
export interface JournalFilter {
  /**
   * Only calls of this tool, resource or prompt name: the record's own name, or the name a gateway
   * relayed the call to (see {@link relayTarget}).
   */
  readonly name?: string;
  /** Only calls a gateway relayed to this downstream server. */
  readonly server?: string;
  /** Only records appended at or after this time (a `Date` or epoch milliseconds). */
  readonly since?: Date | number;
  /** Only failed calls. */
  readonly errorsOnly?: boolean;
}

/** Options of {@link readJournal}. */
export interface ReadJournalOptions extends JournalFilter {
  /** Told about every line that is not a valid record; the reader skips those lines. */
  readonly onCorrupt?: (line: CorruptLine) => void;
}

function sinceMs(filter: JournalFilter): number | undefined {
  const since = filter.since;
  return since === undefined ? undefined : typeof since === 'number' ? since : since.getTime();
}

/** Where a gateway relayed a call: the downstream server and the name the call reached there. */
export interface RelayTarget {
  readonly server: string;
  /** The downstream's tool, resource or prompt; empty for calls about the server itself (load, reload). */
  readonly name: string;
}

/**
 * The downstream a gateway relayed `record` to, read from the exchange it notes for that
 * (`upstream: server`, URL `mcp://server/name`); `undefined` for a call no gateway relayed. The
 * journal stores URLs normalized (`new URL(…).href`), so `name` is percent-decoded back; a name
 * the URL form cannot carry as is (`.`, `..`, a literal `%41`) comes back changed.
 */
export function relayTarget(record: JournalRecord): RelayTarget | undefined {
  for (const exchange of record.exchanges ?? []) {
    if (exchange.upstream === undefined) continue;
    const prefix = `mcp://${exchange.upstream}/`;
    if (!exchange.url.startsWith(prefix)) continue;
    const name = exchange.url.slice(prefix.length);
    try {
      return { server: exchange.upstream, name: decodeURIComponent(name) };
    } catch {
      return { server: exchange.upstream, name };
    }
  }
  return undefined;
}

/** Whether `record` passes `filter`. */
export function matchesFilter(record: JournalRecord, filter: JournalFilter): boolean {
  if (filter.name !== undefined || filter.server !== undefined) {
    const relay = relayTarget(record);
    if (filter.name !== undefined && record.name !== filter.name && relay?.name !== filter.name) return false;
    if (filter.server !== undefined && relay?.server !== filter.server) return false;
  }
  if (filter.errorsOnly === true && record.status !== 'error') return false;
  const since = sinceMs(filter);
  if (since !== undefined && !(Date.parse(record.ts) >= since)) return false;
  return true;
}

/** The segments of the journal in `dir`; a `not_found` {@link JournalError} when there is no such directory. */
export async function journalSegments(dir: string): Promise<Segment[]> {
  try {
    return await listSegments(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new JournalError(`No journal at ${dir}: the directory does not exist.`, 'not_found', { cause: error });
    }
    throw error;
  }
}

/**
 * The valid records of the journal in `dir` that pass the filter, oldest first. Segments deleted by
 * retention while reading are skipped. Throws a `not_found` {@link JournalError} when `dir` does
 * not exist.
 */
export async function* readJournal(dir: string, options: ReadJournalOptions = {}): AsyncGenerator<JournalRecord> {
  const since = sinceMs(options);
  let previousSeq = 0;
  for (const segment of await journalSegments(dir)) {
    const splitter = new LineSplitter();
    try {
      // A segment last written before `since` holds nothing newer.
      if (since !== undefined && (await stat(segment.path)).mtimeMs < since) continue;
      for await (const chunk of chunksFrom(segment.path, 0)) {
        for (const line of splitter.push(chunk)) {
          const decoded = decodeRecord(line.text, previousSeq);
          if (!decoded.ok) {
            options.onCorrupt?.({
              segment: segment.name,
              line: line.number,
              offset: line.offset,
              reason: decoded.reason,
            });
            continue;
          }
          previousSeq = decoded.record.seq;
          if (matchesFilter(decoded.record, options)) yield decoded.record;
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (splitter.rest.length > 0) {
      options.onCorrupt?.({
        segment: segment.name,
        line: splitter.nextNumber,
        offset: splitter.restOffset,
        reason: 'incomplete line',
      });
    }
  }
}
