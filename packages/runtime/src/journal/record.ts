/**
 * The journal's record format: one JSON object per line,
 *
 * ```
 * {"seq":42,"ts":"2026-01-02T03:04:05.678Z","method":"tools/call",…,"crc":"1a2b3c4d"}
 * ```
 *
 * `seq` comes first and `crc` last. The checksum is CRC-32 (`zlib.crc32`) over the record's
 * canonical bytes: the UTF-8 bytes of the line up to (not including) `,"crc":` followed by `}`,
 * i.e. exactly the JSON of the record without its `crc` field, as written. Verifying therefore never
 * re-serializes a parsed value (which could differ byte for byte); it slices the line it read.
 *
 * @module
 */
import * as zlib from 'node:zlib';

import type { UpstreamExchange } from '../upstream/exchange.js';

/** How a failed call failed. */
export interface RecordedError {
  /** The runtime's error code (`TOOL_FAILED`, `TIMEOUT`, `INVALID_PARAMS`, …). */
  readonly code: string;
  /** The message the client saw. */
  readonly message: string;
  /** For unexpected failures (`INTERNAL`), whose client message hides it: the original error's message. */
  readonly detail?: string;
}

/** What a caller journals: one call and how it ended. */
export interface JournalEntry {
  /** `tools/call`, `resources/read` or `prompts/get`. */
  readonly method: string;
  /** The tool, resource or prompt name. */
  readonly name: string;
  /** The resource URI (resources only). */
  readonly uri?: string;
  readonly requestId: string;
  readonly durationMs: number;
  readonly status: 'ok' | 'error';
  /** The arguments as received, redacted. */
  readonly args?: unknown;
  /** What the client received (a failed tool call's `isError` result too), redacted. */
  readonly result?: unknown;
  readonly error?: RecordedError;
  /** The upstream HTTP exchanges the call made, one per attempt, in order. */
  readonly exchanges?: readonly UpstreamExchange[];
}

/** A record as stored and read back. */
export interface JournalRecord extends JournalEntry {
  /** Strictly increasing across the whole journal (all segments), starting at 1. */
  readonly seq: number;
  /** When the record was appended (ISO 8601, UTC): the end of the call. */
  readonly ts: string;
}

/** The result of {@link decodeRecord}. */
export type DecodedLine = { ok: true; record: JournalRecord } | { ok: false; reason: string };

/** A line that is not a valid record, as recovery, the reader and the follower report it. */
export interface CorruptLine {
  /** The segment's file name, e.g. `journal-000003.jsonl`. */
  readonly segment: string;
  /** 1-based line number in the segment. */
  readonly line: number;
  /** Byte offset of the line in the segment. */
  readonly offset: number;
  /** `checksum mismatch`, `no checksum`, `sequence not increasing`, `incomplete line`, … */
  readonly reason: string;
}

const CRC_SUFFIX = /,"crc":"([0-9a-f]{8})"\}$/;

type Crc32 = (data: string | Uint8Array) => number;

let table: Uint32Array | undefined;

/** CRC-32 (IEEE) in JavaScript, for Node versions before 20.15 that lack `zlib.crc32`. Exported for its test. */
export function crc32Fallback(data: string | Uint8Array): number {
  if (table === undefined) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// A namespace lookup, not a named import: on Node < 20.15 `crc32` is missing, and a named import of
// it would make loading the runtime fail even for servers that never journal.
const crc32: Crc32 = (zlib as { crc32?: Crc32 }).crc32 ?? crc32Fallback;

/** The checksum of `canonical` as the journal writes it: 8 lower-case hex digits. */
export function checksum(canonical: string): string {
  return crc32(canonical).toString(16).padStart(8, '0');
}

/**
 * The line (with its newline) for record `seq` whose other fields are `body`, the JSON of an object
 * with at least one field (the writer's `{"ts":…,…}`).
 */
export function encodeRecord(seq: number, body: string): string {
  const head = `{"seq":${seq},${body.slice(1, -1)}`;
  return `${head},"crc":"${checksum(`${head}}`)}"}\n`;
}

/** Bytes after a record's body: `,"crc":"` + 8 hex digits + `"}` + the newline. */
const CRC_TAIL_BYTES = 19;

/**
 * The length in bytes of the line {@link encodeRecord} makes for record `seq`, given
 * `Buffer.byteLength(body)`.
 */
export function recordLineBytes(seq: number, bodyBytes: number): number {
  // `{"seq":` + digits + `,` then the body without its braces, then the tail.
  return 8 + String(seq).length + bodyBytes - 2 + CRC_TAIL_BYTES;
}

/**
 * Writes the line {@link encodeRecord} returns into `target` at `offset`, without building it as
 * a string first (the writer's batch is one buffer): the canonical bytes are written, checksummed
 * in place, then their closing brace is replaced by the `crc` field. `target` must have
 * {@link recordLineBytes} free bytes at `offset`. Returns the offset after the line.
 */
export function writeRecord(target: Buffer, offset: number, seq: number, body: string): number {
  let end = offset + target.write(`{"seq":${seq},`, offset, 'latin1');
  end += target.write(body.slice(1, -1), end, 'utf8');
  target[end] = 0x7d; // `}`: the canonical form ends here
  const crc = crc32(target.subarray(offset, end + 1))
    .toString(16)
    .padStart(8, '0');
  return end + target.write(`,"crc":"${crc}"}\n`, end, 'latin1');
}

/**
 * Verifies and parses one line (without its newline). A record whose `seq` is not above
 * `previousSeq` (the last valid one before it) is invalid too: sequences only grow.
 */
export function decodeRecord(line: string, previousSeq = 0): DecodedLine {
  const match = CRC_SUFFIX.exec(line);
  if (match === null) return { ok: false, reason: 'no checksum' };
  if (checksum(`${line.slice(0, match.index)}}`) !== match[1]) return { ok: false, reason: 'checksum mismatch' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const record = value as Partial<JournalRecord> & { crc?: string };
  if (!Number.isSafeInteger(record.seq) || (record.seq ?? 0) < 1 || typeof record.ts !== 'string') {
    return { ok: false, reason: 'not a journal record' };
  }
  if ((record.seq ?? 0) <= previousSeq) return { ok: false, reason: 'sequence not increasing' };
  delete record.crc;
  return { ok: true, record: record as JournalRecord };
}
