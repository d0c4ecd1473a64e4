/**
 * Shared helpers of the root suites: run programs (argv arrays, no shell), locate the repository
 * and its built CLI, make temporary folders.
 *
 * @module
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { runCommand, type CommandResult } from '../../packages/scaffold/src/run-command.js';

/** The repository root. */
export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The CLI's bin, as users run it. */
export const CLI = join(REPO, 'packages', 'cli', 'bin', 'mcp-factory.js');

/** A fresh temporary folder. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mcp-factory-${prefix}-`));
}

/** The last `count` lines of a command's output, for failure messages. */
export function tail(text: string, count = 40): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
