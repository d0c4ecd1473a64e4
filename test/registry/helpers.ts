/**
 * Shared pieces of the registry suites: the built CLI run with HOME and the state home pointed at
 * a temporary folder (so the user's real registry and client configs are never read or written),
 * and the reference servers installed in the test workspace.
 *
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { REPO, runCommand, tempDir, type CommandResult } from '../helpers/index.js';

/** The built CLI's entry. */
export const CLI_DIST = join(REPO, 'packages', 'cli', 'dist', 'cli.js');

/** Entry files of the reference servers from npm. */
export const REFERENCE = {
  everything: join(REPO, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js'),
  memory: join(REPO, 'node_modules', '@modelcontextprotocol', 'server-memory', 'dist', 'index.js'),
  filesystem: join(REPO, 'node_modules', '@modelcontextprotocol', 'server-filesystem', 'dist', 'index.js'),
};

/** The rug-pull fixture server. */
export const RUG_SERVER = join(REPO, 'test', 'fixtures', 'registry', 'rug-server.mjs');

/** A sandbox: a temporary HOME, state home and working folder. */
export interface Sandbox {
  root: string;
  home: string;
  state: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Runs the CLI in the sandbox; `extraEnv` is added to its environment. */
  cli(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<CommandResult>;
}

/** Creates a sandbox (see {@link Sandbox}). */
export async function sandbox(prefix: string): Promise<Sandbox> {
  const root = await tempDir(prefix);
  const home = join(root, 'home');
  const state = join(root, 'state');
  const cwd = join(root, 'work');
  await Promise.all([mkdir(home), mkdir(state), mkdir(cwd)]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    MCP_FACTORY_STATE_HOME: state,
    XDG_CONFIG_HOME: join(home, '.config'),
  };
  return {
    root,
    home,
    state,
    cwd,
    env,
    cli: (args, extraEnv = {}) =>
      runCommand(process.execPath, [CLI_DIST, ...args], { cwd, env: { ...env, ...extraEnv }, timeoutMs: 120_000 }),
  };
}

/** A failure message showing what the CLI printed. */
export function show(result: CommandResult): string {
  return `exit ${String(result.code)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
