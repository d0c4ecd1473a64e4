/**
 * What `mcp-factory dev <project | name>` runs: a project folder, or a server registered under a
 * name whose entry is a factory project (its folder is known). A registered server without a
 * project folder (an npm package, a client config's command, a URL) has no sources to watch, so
 * `dev` refuses it; an unknown name lists the known ones. Both are usage errors (exit 2).
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { isRegistryError, type ScopedEntry } from '@mcp-factory/registry';

import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { catalogOf } from './registry-shared.js';

/** The record file of a generated project (see @mcp-factory/scaffold). */
const RECORD_FILE = '.mcp-factory.json';

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Whether `arg` is written as a path rather than a name (`./x`, `../x`, `a/b`, `~`, `.`). */
function looksLikePath(arg: string): boolean {
  return arg === '.' || arg === '..' || arg.startsWith('~') || /[\\/]/.test(arg);
}

/**
 * The project folder of a registry entry, or undefined when it has none: the folder of a factory
 * project's record, else the working folder of a stdio transport that holds a project record
 * (a factory project registered by hand with `add --cwd`).
 */
export async function projectFolderOf(entry: ScopedEntry): Promise<string | undefined> {
  const candidates: string[] = [];
  if (entry.origin.source === 'factory-project' && entry.origin.path !== undefined)
    candidates.push(dirname(entry.origin.path));
  for (const transport of entry.transports)
    if (transport.type === 'stdio' && transport.cwd !== undefined) candidates.push(transport.cwd);
  for (const folder of candidates) if (await isFile(join(folder, RECORD_FILE))) return folder;
  return undefined;
}

function describeEntry(entry: ScopedEntry): string {
  const transport = entry.transports[0];
  const how =
    transport === undefined
      ? 'no transport'
      : transport.type === 'http'
        ? `the URL ${transport.url}`
        : `the command ${[transport.command, ...transport.args].join(' ')}`;
  return `from ${entry.origin.source}${entry.origin.path === undefined ? '' : ` (${entry.origin.path})`}, runs ${how}`;
}

/**
 * The folder `dev` runs for `arg`: the current folder when absent; `arg` itself when it is a
 * folder; else the project folder of the registered server called `arg`. Throws `CliError` when
 * `arg` is a path that is not a folder, an unknown name (listing the known names), or a
 * registered server that is not a factory project.
 */
export async function resolveDevProject(arg: string | undefined, io: Io): Promise<string> {
  if (arg === undefined) return io.cwd;
  const asPath = resolve(io.cwd, arg);
  if (await isDirectory(asPath)) return asPath;
  if (looksLikePath(arg)) throw new CliError(`dev: no project folder at ${asPath}.`);
  let entry: ScopedEntry;
  try {
    entry = await catalogOf(io).get(arg);
  } catch (error) {
    if (isRegistryError(error) && (error.code === 'NOT_FOUND' || error.code === 'INVALID_NAME'))
      throw new CliError(`dev: ${arg} is neither a folder nor a registered server: ${error.message}`);
    throw error;
  }
  const folder = await projectFolderOf(entry);
  if (folder === undefined) {
    throw new CliError(
      `dev: ${entry.name} is registered ${describeEntry(entry)}; dev needs a source project to watch and rebuild ` +
        `(a folder made by \`mcp-factory new\`). Run \`mcp-factory dev <project folder>\`, or \`mcp-factory run ${entry.name}\` to run it as it is.`,
    );
  }
  return folder;
}
