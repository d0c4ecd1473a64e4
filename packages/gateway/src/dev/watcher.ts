/**
 * Watches a project's sources and calls back once per burst of changes (debounced), ignoring
 * build output, dependencies and version-control folders.
 *
 * @module
 */
import { relative } from 'node:path';

import { watch } from 'chokidar';

/** Folder names never watched. */
export const IGNORED_DIRS: readonly string[] = [
  'node_modules',
  '.git',
  'dist',
  'build',
  'out',
  'coverage',
  '.tmp',
  '.turbo',
  '.mcp-factory-dev',
];

/** True when `path` lies in an ignored folder below `root` (the root itself never is). */
export function isIgnored(path: string, root: string): boolean {
  return relative(root, path)
    .split(/[\\/]/)
    .some((part) => IGNORED_DIRS.includes(part));
}

/** A running watcher. */
export interface SourceWatcher {
  /** Resolves once the initial scan is done (changes before it are not reported). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link watchSources}. */
export interface WatchOptions {
  root: string;
  /** Quiet time after the last change before `onChange` runs; default 50 ms. */
  debounceMs?: number;
  /** Called with the changed paths of one burst. */
  onChange(paths: string[]): void;
  onError?(error: unknown): void;
}

/** Starts watching `root`. */
export function watchSources(options: WatchOptions): SourceWatcher {
  const { root } = options;
  const watcher = watch(options.root, {
    ignoreInitial: true,
    ignored: (path: string) => isIgnored(path, root),
  });
  let timer: NodeJS.Timeout | undefined;
  let changed = new Set<string>();
  watcher.on('all', (_event, path) => {
    changed.add(path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const paths = [...changed];
      changed = new Set();
      options.onChange(paths);
    }, options.debounceMs ?? 50);
  });
  watcher.on('error', (error) => options.onError?.(error));
  const ready = new Promise<void>((resolvePromise) => watcher.once('ready', () => resolvePromise()));
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
