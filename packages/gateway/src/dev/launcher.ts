/**
 * Turns sources into running children. Two kinds:
 *
 * - the bundle launcher (default): builds with esbuild and starts each child from a warm spare,
 *   a Node process started ahead of time that loads the new bundle when told to, so a restart
 *   does not wait for Node to boot;
 * - the command launcher (`mcp-factory dev -- <command> [args]`): nothing to build, the user's
 *   command is started again as it is.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Bundle, Builder } from './builder.js';
import { ChildProcessHandle } from './child.js';
import { LOADER_SOURCE, childCommand } from './child-command.js';

/** What a reload builds and a child runs; `undefined` for the command launcher. */
export type Artifact = Bundle | undefined;

/** Builds and starts children. */
export interface Launcher {
  /** Whether {@link Launcher.build} does anything (false for a user's command). */
  readonly builds: boolean;
  build(): Promise<Artifact>;
  /** Starts a child running `artifact`. */
  launch(artifact: Artifact): ChildProcessHandle;
  /** Prepares the next launch ahead of time (the warm spare); idempotent. */
  warm(): void;
  /** Frees an artifact no child will start from again. */
  discard(artifact: Artifact): void;
  dispose(): Promise<void>;
}

/** Options shared by both launchers. */
export interface LauncherOptions {
  /** Working directory of the children (the project). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** The default launcher: esbuild bundles, children started from a warm spare. */
export async function createBundleLauncher(
  options: LauncherOptions & { builder: Builder; workDir: string; warmSpare?: boolean },
): Promise<Launcher> {
  const loader = join(options.workDir, 'loader.cjs');
  await writeFile(loader, LOADER_SOURCE);
  let vendor: string | undefined;
  let spare: ChildProcessHandle | undefined;
  let disposed = false;
  const spawnSpare = (): ChildProcessHandle =>
    new ChildProcessHandle(
      childCommand({ kind: 'bundle', loader, ...(vendor === undefined ? {} : { vendor }) }, options.env),
      options.cwd,
    );
  return {
    builds: true,
    build: () => options.builder.build(),
    launch(artifact) {
      if (artifact === undefined) throw new Error('the bundle launcher needs a bundle');
      let child = spare;
      spare = undefined;
      vendor = artifact.vendor;
      if (child === undefined || child.exit !== undefined) child = spawnSpare();
      child.control(JSON.stringify({ bundle: artifact.file, vendor: artifact.vendor }));
      return child;
    },
    warm() {
      if (disposed || options.warmSpare === false) return;
      if (spare === undefined || spare.exit !== undefined) spare = spawnSpare();
    },
    discard(artifact) {
      if (artifact !== undefined) void options.builder.discard(artifact);
    },
    async dispose() {
      disposed = true;
      await spare?.stop(500);
      spare = undefined;
      await options.builder.dispose();
    },
  };
}

/** The launcher of a user's command: no build, the command restarted as it is. */
export function createCommandLauncher(
  options: LauncherOptions & { command: string; args: readonly string[] },
): Launcher {
  const command = childCommand({ kind: 'command', command: options.command, args: options.args }, options.env);
  return {
    builds: false,
    build: () => Promise.resolve(undefined),
    launch: () => new ChildProcessHandle(command, options.cwd),
    warm: () => undefined,
    discard: () => undefined,
    dispose: () => Promise.resolve(),
  };
}
