/**
 * `mcp-factory dev` as a function: wires the builder, the launcher, the proxy, the source watcher
 * and the parent watch together, and resolves when the session is over.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { createBuilder } from './builder.js';
import { DevError } from './errors.js';
import { createBundleLauncher, createCommandLauncher, type Launcher } from './launcher.js';
import { DevProxy, type ReloadReport } from './proxy.js';
import { watchSources, type SourceWatcher } from './watcher.js';

/** Options of {@link runDev}. */
export interface DevOptions {
  /** The project folder. */
  root: string;
  /** Server entry relative to the root; default `src/index.ts`. Ignored with `command`. */
  entry?: string;
  /** Run this instead of building: the command is restarted as it is on every change. */
  command?: { command: string; args: readonly string[] };
  /** The client's side; default the process's stdin/stdout. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Diagnostics; default the process's stderr. */
  log?: (text: string) => void;
  /** The children's environment; default the process's. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Quiet time after a change before reloading; default 50 ms. */
  debounceMs?: number;
  /** Grace period of a replaced child's requests in flight; default 5000 ms. */
  graceMs?: number;
  /** Keep a spare Node process started ahead of time; default true. */
  warmSpare?: boolean;
  /** Exit when the parent process changes (the client died without closing stdin); default true. */
  watchParent?: boolean;
}

/** A running dev session. */
export interface DevSession {
  readonly proxy: DevProxy;
  /** The first start's outcome. */
  readonly started: ReloadReport;
  /** Resolves when the client went away (or {@link DevSession.close} was called) and all is stopped. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

/** Starts a dev session; throws `DevError` `BAD_PROJECT` for a missing folder or entry. */
export async function runDev(options: DevOptions): Promise<DevSession> {
  // Taken first: the parent may die while the first build and start are still running.
  const parent = process.ppid;
  const root = resolve(options.root);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new DevError('BAD_PROJECT', `no project folder at ${root}`);
  const log = options.log ?? ((text: string) => void process.stderr.write(text));
  const env = options.env ?? process.env;
  const workDir = await mkdtemp(join(tmpdir(), 'mcp-factory-dev-'));
  let launcher: Launcher;
  try {
    launcher =
      options.command === undefined
        ? await createBundleLauncher({
            cwd: root,
            env,
            workDir,
            builder: await createBuilder({
              root,
              outDir: workDir,
              ...(options.entry === undefined ? {} : { entry: options.entry }),
            }),
            ...(options.warmSpare === undefined ? {} : { warmSpare: options.warmSpare }),
          })
        : createCommandLauncher({ cwd: root, env, ...options.command });
  } catch (error) {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const proxy = new DevProxy({
    input: options.input ?? process.stdin,
    output: options.output ?? process.stdout,
    launcher,
    log,
    ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }),
  });
  const watching: { watcher?: SourceWatcher } = {};
  let parentTimer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      clearInterval(parentTimer);
      await watching.watcher?.close();
      await proxy.close();
      await rm(workDir, { recursive: true, force: true });
    })());
  const closed = proxy.closed.then(close);
  launcher.warm();
  // Watching before the first start: a save made as soon as the client is connected is seen.
  const watcher = watchSources({
    root,
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    onChange: (paths) => {
      log(`mcp-factory dev: ${paths.length} file(s) changed, reloading\n`);
      void proxy.reload('change', true);
    },
    onError: (error) => log(`mcp-factory dev: watcher error: ${String(error)}\n`),
  });
  watching.watcher = watcher;
  await watcher.ready;
  const started = await proxy.start();
  if (proxy.isClosed) return { proxy, started, closed, close };
  if (options.watchParent ?? true) {
    if (process.ppid !== parent) void proxy.close();
    parentTimer = setInterval(() => {
      if (process.ppid !== parent) void proxy.close();
    }, 1000);
    parentTimer.unref();
  }
  return { proxy, started, closed, close };
}
