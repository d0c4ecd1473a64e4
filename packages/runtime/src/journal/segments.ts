/**
 * The journal on disk: a directory (mode 0700) of numbered segments `journal-000001.jsonl`, … (mode
 * 0600), the highest number being the one written to, plus the quarantine files recovery leaves
 * (`journal-000007.jsonl.quarantine-20260102T030405678Z`). Helpers to name, list and sync them.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const SEGMENT_NAME = /^journal-(\d{6,})\.jsonl$/;

/** One segment file. */
export interface Segment {
  /** 1, 2, … (the number in the file name). */
  readonly number: number;
  readonly name: string;
  readonly path: string;
}

/** `journal-000042.jsonl` (six digits at least, more once past 999 999). */
export function segmentName(number: number): string {
  return `journal-${String(number).padStart(6, '0')}.jsonl`;
}

function segmentsOf(dir: string, names: readonly string[]): Segment[] {
  const segments: Segment[] = [];
  for (const name of names) {
    const match = SEGMENT_NAME.exec(name);
    if (match !== null) segments.push({ number: Number(match[1]), name, path: join(dir, name) });
  }
  return segments.sort((a, b) => a.number - b.number);
}

/** The segments of `dir`, oldest first. */
export function listSegmentsSync(dir: string): Segment[] {
  return segmentsOf(dir, readdirSync(dir));
}

/** The segments of `dir`, oldest first. */
export async function listSegments(dir: string): Promise<Segment[]> {
  return segmentsOf(dir, await readdir(dir));
}

/** `2026-01-02T03:04:05.678Z` → `20260102T030405678Z` (sortable, no characters Windows refuses). */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

/**
 * Makes the directory's entries (created, renamed or deleted files) durable. Platforms that cannot
 * open a directory for syncing (Windows) skip it: there, the rename itself is what is durable.
 */
export function syncDirectorySync(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    closeSync(fd);
  }
}

/** The asynchronous {@link syncDirectorySync}. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    await handle.close();
  }
}

function isUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EINVAL' || code === 'EISDIR' || code === 'EPERM' || code === 'ENOTSUP';
}
