// Shared by the journal's tests: temporary directories, entries, a logger that keeps its lines.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger, type Logger } from '../../logger.js';
import { openJournal, type Journal, type JournalOptions } from '../journal.js';
import type { JournalEntry } from '../record.js';

/** Temporary directories made by {@link tempDir}, removed by {@link removeTempDirs}. */
const made: string[] = [];

export async function tempDir(prefix = 'journal-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export function entry(overrides: Partial<JournalEntry> = {}): JournalEntry {
  return {
    method: 'tools/call',
    name: 'echo',
    requestId: 'req-1',
    durationMs: 1.5,
    status: 'ok',
    args: { text: 'hi' },
    result: { content: [{ type: 'text', text: 'hi' }] },
    ...overrides,
  };
}

export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

/** Opens a journal that logs into memory and counts nothing (tests pass more options). */
export function open(dir: string, options: Partial<JournalOptions> = {}): Journal {
  return openJournal({ dir, metrics: false, logger: memoryLogger().logger, ...options });
}

/** Segment file names of `dir`, sorted. */
export async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => /^journal-\d+\.jsonl$/.test(name)).sort();
}

/** Every line of every segment of `dir`, in order. */
export async function allLines(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of await segmentFiles(dir)) {
    const text = await readFile(join(dir, name), 'utf8');
    lines.push(...text.split('\n').filter((line) => line !== ''));
  }
  return lines;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
