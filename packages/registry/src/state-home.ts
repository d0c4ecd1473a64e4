/**
 * Where the user-level registry lives. The same rule as the runtime's journals
 * (`runtime/src/journal/default-dir.ts`, not exported from the runtime's public API, so the five
 * lines are repeated here): `$MCP_FACTORY_STATE_HOME`, else `$XDG_STATE_HOME/mcp-factory`, else
 * `~/.local/state/mcp-factory`.
 *
 * @module
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The factory's per-user state directory. */
export function factoryStateHome(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const explicit = env.MCP_FACTORY_STATE_HOME?.trim();
  if (explicit) return explicit;
  const xdg = env.XDG_STATE_HOME?.trim();
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'mcp-factory');
  return join(home, '.local', 'state', 'mcp-factory');
}

/** The user store's file: `<state home>/registry.json`. */
export function userStorePath(env: NodeJS.ProcessEnv = process.env, home?: string): string {
  return join(factoryStateHome(env, home), 'registry.json');
}

/** The project store's file: `<dir>/.mcp-factory/registry.json`. */
export function projectStorePath(dir: string): string {
  return join(dir, '.mcp-factory', 'registry.json');
}
