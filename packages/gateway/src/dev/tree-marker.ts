/**
 * A process and everything it started, found by a variable in their environment rather than by
 * ancestry. The tree walk of ./process-tree.ts needs the root alive: when a server dies by itself
 * (a crash), its children are reparented to init before the gateway hears of the exit, so they are
 * no longer its descendants. The environment outlives that: each spawn gets a unique
 * {@link TREE_MARKER_VARIABLE} entry, every descendant inherits it (unless it deliberately clears
 * its environment), and `/proc/<pid>/environ` shows it for as long as the process runs.
 *
 * The value is `<gateway pid>.<8 hex of the server name's SHA-256>.<12 random hex>`: it holds no
 * configuration and no secret, and no user's variable can equal it by chance. Only an entry equal
 * to the whole `NAME=value` matches, only processes of the gateway's own uid are signalled, and
 * never the gateway itself. Linux only: elsewhere there is no `/proc/<pid>/environ`, so nothing is
 * found and stopping a server relies on the tree walk alone (a crashed server's children stay).
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

import { nodeProcReader, terminate, type ProcReader, type TerminateOptions } from './process-tree.js';

/** The variable that marks the processes of one spawned server. */
export const TREE_MARKER_VARIABLE = 'MCP_GATEWAY_TREE';

/** The marker of one spawn: the variable to set, and the environment entry that identifies it. */
export interface TreeMarker {
  readonly variable: typeof TREE_MARKER_VARIABLE;
  readonly value: string;
  /** `MCP_GATEWAY_TREE=<value>`, as it appears in `/proc/<pid>/environ`. */
  readonly entry: string;
}

/**
 * A fresh marker for one spawn of `server` (a new one per restart, so sweeping an old process
 * never touches its successor).
 */
export function newTreeMarker(
  server: string,
  pid: number = process.pid,
  random: () => string = () => randomBytes(6).toString('hex'),
): TreeMarker {
  const nameHash = createHash('sha256').update(server).digest('hex').slice(0, 8);
  const value = `${pid}.${nameHash}.${random()}`;
  return { variable: TREE_MARKER_VARIABLE, value, entry: `${TREE_MARKER_VARIABLE}=${value}` };
}

/** True when the NUL-separated `environ` has an entry equal to `entry` (not a prefix, not a part). */
export function environHas(environ: string, entry: string): boolean {
  return environ.split('\0').includes(entry);
}

/** The real uid of a `/proc/<pid>/status` text (its `Uid:` line), or undefined. */
export function uidOfStatus(status: string): number | undefined {
  const line = /^Uid:\s+(\d+)/m.exec(status);
  return line?.[1] === undefined ? undefined : Number(line[1]);
}

/** Options of {@link markedProcesses}. */
export interface MarkedScanOptions {
  /** The file reads; default the real `/proc`. */
  readonly reader?: ProcReader;
  /** Where proc is mounted. Default `/proc`. */
  readonly proc?: string;
  /** A pid never returned (default the gateway's own). */
  readonly self?: number;
  /** Only processes whose real uid is this one (default the gateway's uid; undefined skips the check). */
  readonly uid?: number | undefined;
  /** Default `process.platform`; anything but `linux` finds nothing. */
  readonly platform?: NodeJS.Platform;
}

/**
 * The pids whose environment holds `entry`. Entries that cannot be read (gone meanwhile, another
 * user's, kernel threads) are skipped; a zombie's environment reads empty, so it is skipped too.
 */
export function markedProcesses(entry: string, options: MarkedScanOptions = {}): number[] {
  if ((options.platform ?? process.platform) !== 'linux') return [];
  const reader = options.reader ?? nodeProcReader;
  const proc = options.proc ?? '/proc';
  const self = options.self ?? process.pid;
  const uid = 'uid' in options ? options.uid : process.getuid?.();
  let entries: string[];
  try {
    entries = reader.readdir(proc);
  } catch {
    return []; // no proc mounted
  }
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === self) continue;
    try {
      if (!environHas(reader.readFile(`${proc}/${name}/environ`), entry)) continue;
      if (uid !== undefined && uidOfStatus(reader.readFile(`${proc}/${name}/status`)) !== uid) continue;
      found.push(pid);
    } catch {
      // Gone between the listing and the read, or not readable.
    }
  }
  return found;
}

/** Options of {@link sweepMarked}. */
export interface SweepOptions extends MarkedScanOptions, TerminateOptions {
  /** Finds the marked processes; default {@link markedProcesses} with these options. */
  readonly find?: () => number[];
}

/**
 * Stops every process carrying `marker` ({@link terminate}: SIGTERM, a grace period with fresh
 * looks, SIGKILL to what the last look found, which includes what they started meanwhile). Every
 * signal goes to a pid just seen with the marker, so a pid reused by another process is not hit.
 * Resolves with the number of processes found first (0 when none: the usual case, one scan of
 * `/proc`).
 */
export async function sweepMarked(marker: TreeMarker, options: SweepOptions = {}): Promise<number> {
  const find = options.find ?? (() => markedProcesses(marker.entry, options));
  return (await terminate(find, options)).found;
}
