/**
 * Where a server's journal lives when nobody says otherwise: a per-server folder in the user's
 * state directory, so a stdio server launched by a desktop client (whose working directory may be
 * `/`) still journals somewhere private and findable (`mcp-factory logs <server name>`).
 *
 * `$MCP_FACTORY_STATE_HOME`, else `$XDG_STATE_HOME/mcp-factory`, else `~/.local/state/mcp-factory`,
 * then `journals/<server name>` (a scoped npm name `@scope/name` becomes `scope__name`).
 *
 * @module
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

import { ConfigError } from '../errors.js';

const SAFE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** The folder name a server's journal gets: its npm name without `@`, `/` as `__`; refuses anything that could escape. */
export function journalFolderName(serverName: string): string {
  const folder = serverName.replace(/^@/, '').replace('/', '__');
  if (!SAFE_NAME.test(folder) || folder.includes('..') || folder.length > 214) {
    throw new ConfigError(
      `cannot derive a journal folder from the server name ${JSON.stringify(serverName)}: use an npm package name, or set MCP_JOURNAL_DIR.`,
    );
  }
  return folder;
}

/** The factory's state directory (journals and other per-user runtime data). */
export function factoryStateHome(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const explicit = env.MCP_FACTORY_STATE_HOME?.trim();
  if (explicit) return explicit;
  const xdg = env.XDG_STATE_HOME?.trim();
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'mcp-factory');
  return join(home, '.local', 'state', 'mcp-factory');
}

/** The default journal directory of the server called `serverName` (see the module's doc). */
export function defaultJournalDir(serverName: string, env: NodeJS.ProcessEnv = process.env, home?: string): string {
  return join(factoryStateHome(env, home), 'journals', journalFolderName(serverName));
}
