/**
 * Splits a segment's bytes into lines, keeping each line's byte offset: recovery truncates at a
 * line boundary, and the reader and follower report where a corrupt line sits.
 *
 * @module
 */
import { open } from 'node:fs/promises';

import { JournalError } from './errors.js';

const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** One complete line of a segment, without its newline. */
export interface Line {
  readonly text: string;
  /** Byte offset of the line's first byte in the segment. */
  readonly offset: number;
  /** Byte offset just past the line's newline. */
  readonly end: number;
  /** 1-based line number in the segment. */
  readonly number: number;
}

/** Turns chunks of a segment, fed in order, into complete lines; keeps the unfinished rest. */
export class LineSplitter {
  #rest: Buffer = EMPTY;
  #restOffset: number;
  #number = 0;

  /** `offset`: where in the segment the first chunk starts. */
  constructor(offset = 0) {
    this.#restOffset = offset;
  }

  /** The complete lines `chunk` finishes. */
  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let data = this.#rest.length === 0 ? chunk : Buffer.concat([this.#rest, chunk]);
    let base = this.#restOffset;
    let start = 0;
    for (;;) {
      const newline = data.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.#number += 1;
      lines.push({
        text: data.toString('utf8', start, newline),
        offset: base + start,
        end: base + newline + 1,
        number: this.#number,
      });
      start = newline + 1;
    }
    if (start > 0) {
      base += start;
      data = data.subarray(start);
    }
    // Copied when kept, so a large chunk is not pinned by the few bytes of an unfinished line.
    this.#rest = data.length === 0 ? EMPTY : Buffer.from(data);
    this.#restOffset = base;
    return lines;
  }

  /** The bytes of the unfinished last line (empty when the input ended on a newline). */
  get rest(): Buffer {
    return this.#rest;
  }

  /** Byte offset of {@link rest} in the segment: where the complete lines end. */
  get restOffset(): number {
    return this.#restOffset;
  }

  /** 1-based number the unfinished line would have. */
  get nextNumber(): number {
    return this.#number + 1;
  }
}

/**
 * Reads the file at `path` from byte `offset` to its current end, in chunks. A folder under a
 * segment's name is a {@link JournalError} naming it.
 */
export async function* chunksFrom(path: string, offset: number, chunkSize = 64 * 1024): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
    if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (error) {
    await handle?.close();
    // Other failures keep their code: the follower tells a segment retention removed (ENOENT) by it.
    if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
    throw new JournalError(
      `${path} is a folder, not a journal segment; move it out of the journal directory.`,
      'open_failed',
      { cause: error },
    );
  }
  try {
    let position = offset;
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkSize);
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}
