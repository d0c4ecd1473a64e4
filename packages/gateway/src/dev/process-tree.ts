/**
 * A process and everything it started, found by walking the process table rather than by process
 * group. Servers are spawned in the caller's own session and group (not `detached`): on Linux a
 * new session gets its own scheduling autogroup, which made every cross-process round trip
 * between the gateway (or dev proxy) and its server cost about twice the CPU. Without a group of
 * their own, stopping a server means collecting its descendants first (`/proc/<pid>/task/<tid>/children`
 * when the kernel has it, else the parent pid field of every `/proc/<pid>/stat`; `ps` elsewhere),
 * then signalling each.
 *
 * A descendant whose parent already exited has been reparented (to init or a subreaper) and is
 * no longer in the tree: stop a tree before its root goes, and see {@link stopTree} for the order.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The process table as the walk reads it; injected so the walk is tested without processes. */
export interface ProcessTable {
  /** The direct children of `pid`; empty when it has none or is gone. */
  childrenOf(pid: number): readonly number[];
}

/**
 * The fields of a `/proc/<pid>/stat` line after the parenthesized command name (which may hold
 * spaces and parentheses itself): `[0]` is the state (field 3), `[1]` the parent pid (field 4),
 * `[19]` the start time (field 22). Undefined for a line without a name.
 */
function statFields(stat: string): string[] | undefined {
  const close = stat.lastIndexOf(')');
  return close === -1 ? undefined : stat.slice(close + 2).split(' ');
}

/** The parent pid field of a `/proc/<pid>/stat` line (the 4th field, after the parenthesized name). */
export function parentPidOfStat(stat: string): number | undefined {
  const ppid = Number(statFields(stat)?.[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Groups `pid → ppid` pairs into a table of children. */
export function tableFromParents(parents: Iterable<readonly [pid: number, ppid: number]>): ProcessTable {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list === undefined) children.set(ppid, [pid]);
    else list.push(pid);
  }
  return { childrenOf: (pid) => children.get(pid) ?? [] };
}

/** The file reads a Linux {@link ProcessTable} makes; injected in tests. */
export interface ProcReader {
  readdir(path: string): string[];
  readFile(path: string): string;
}

/** The real `/proc` reads (text as latin1: byte for byte). */
export const nodeProcReader: ProcReader = {
  readdir: (path) => readdirSync(path),
  readFile: (path) => readFileSync(path, 'latin1'),
};

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * A snapshot of the Linux process table read from `proc` (default `/proc`). Children come from
 * `task/<tid>/children` while the kernel provides those files (CONFIG_PROC_CHILDREN); without
 * them, every `stat` is read once, on the first lookup, and the table is built from parent pids.
 */
export function linuxProcessTable(reader: ProcReader = nodeProcReader, proc = '/proc'): ProcessTable {
  let scanned: ProcessTable | undefined;
  const scan = (): ProcessTable => {
    const parents: [number, number][] = [];
    for (const entry of reader.readdir(proc)) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const ppid = parentPidOfStat(reader.readFile(`${proc}/${entry}/stat`));
        if (ppid !== undefined) parents.push([Number(entry), ppid]);
      } catch {
        // Gone between the listing and the read.
      }
    }
    return tableFromParents(parents);
  };
  return {
    childrenOf(pid) {
      if (scanned !== undefined) return scanned.childrenOf(pid);
      let tasks: string[];
      try {
        tasks = reader.readdir(`${proc}/${pid}/task`);
      } catch {
        return []; // gone
      }
      const children: number[] = [];
      for (const tid of tasks) {
        let text: string;
        try {
          text = reader.readFile(`${proc}/${pid}/task/${tid}/children`);
        } catch (error) {
          if (!isMissing(error)) continue; // the thread ended meanwhile
          // No children files on this kernel (or the thread just ended): the parent-pid scan is
          // always right, so use it from now on.
          scanned = scan();
          return scanned.childrenOf(pid);
        }
        for (const word of text.split(' ')) if (word !== '' && word !== '\n') children.push(Number(word));
      }
      return children;
    },
  };
}

/** The process table from `ps` (macOS, the BSDs); empty when `ps` cannot run. */
export function psProcessTable(): ProcessTable {
  let output = '';
  try {
    output = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    // No ps: only the root itself will be signalled.
  }
  const parents: [number, number][] = [];
  for (const line of output.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (pid !== undefined && ppid !== undefined && Number.isInteger(pid) && Number.isInteger(ppid))
      parents.push([pid, ppid]);
  }
  return tableFromParents(parents);
}

/** A fresh snapshot of this platform's process table (Windows: none, so a tree is its root). */
export function currentProcessTable(): ProcessTable {
  if (process.platform === 'linux') return linuxProcessTable();
  if (process.platform === 'win32') return { childrenOf: () => [] };
  return psProcessTable();
}

/** Every descendant of `root` (not `root` itself), parents before their children. */
export function descendants(root: number, table: ProcessTable): number[] {
  const seen = new Set<number>([root]);
  const found: number[] = [];
  for (let i = -1; i < found.length; i += 1) {
    const parent = i === -1 ? root : (found[i] as number);
    for (const child of table.childrenOf(parent)) {
      // A pid seen twice would be a reused pid in a racy snapshot: never walk in circles.
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
    }
  }
  return found;
}

/** Sends `signal` to each pid; a process already gone is fine. */
export function signalAll(
  pids: Iterable<number>,
  signal: NodeJS.Signals,
  kill: (pid: number, signal: NodeJS.Signals) => void = (pid, sig) => process.kill(pid, sig),
): void {
  for (const pid of pids) {
    try {
      kill(pid, signal);
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** Options of {@link stopTree}. */
export interface StopTreeOptions {
  /** Resolves when the root has exited (its `exit` event). */
  readonly exited: Promise<unknown>;
  /** How long the tree gets after SIGTERM before SIGKILL. Default 1000 ms. */
  readonly graceMs?: number;
  /** Reads the process table; default {@link currentProcessTable}. */
  readonly table?: () => ProcessTable;
  /** Sends a signal; default `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
}

/**
 * Stops `root` and its descendants: collects the tree while the root still holds it, sends
 * SIGTERM to each, and once the root exited (or `graceMs` passed) sends SIGKILL to whatever of
 * the tree is left, including what it started meanwhile. Resolves when the root has exited.
 */
export async function stopTree(root: number, options: StopTreeOptions): Promise<void> {
  const table = options.table ?? currentProcessTable;
  const kill = options.kill ?? ((pid: number, signal: NodeJS.Signals) => process.kill(pid, signal));
  const tree = new Set([root, ...descendants(root, table())]);
  signalAll(tree, 'SIGTERM', kill);
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), options.graceMs ?? 1000);
  });
  const first = await Promise.race([options.exited.then(() => 'exited' as const), graceOver]);
  clearTimeout(timer);
  killRest(tree, first === 'exited' ? undefined : root, table, kill);
  if (first !== 'exited') await options.exited;
}

/** SIGKILL to every process of `tree` and, when `root` is given (still alive), to its current descendants too. */
function killRest(
  tree: Iterable<number>,
  root: number | undefined,
  table: () => ProcessTable,
  kill: (pid: number, signal: NodeJS.Signals) => void,
): void {
  const rest = new Set(tree);
  if (root !== undefined) {
    const snapshot = table();
    for (const pid of [root, ...rest]) for (const child of descendants(pid, snapshot)) rest.add(child);
    rest.add(root);
  }
  signalAll(rest, 'SIGKILL', kill);
}

/** The start time field of a `/proc/<pid>/stat` line (the 22nd field: clock ticks after boot). */
export function startTimeOfStat(stat: string): string | undefined {
  return statFields(stat)?.[19];
}

/** A process as seen once: its pid and what tells it apart from a later process given that pid. */
export interface SeenProcess {
  readonly pid: number;
  /** The start time on Linux (`undefined` elsewhere, where a pid is trusted as it is). */
  readonly startTime: string | undefined;
}

/** Reads `/proc/<pid>/stat`, throwing when the process is gone; `null` where there is none. */
type StatReader = ((pid: number) => string) | null;

/** `/proc/<pid>/stat` on Linux; elsewhere there is none and a pid is trusted as it is. */
const platformStat = (): StatReader =>
  process.platform === 'linux' ? (pid) => readFileSync(`/proc/${pid}/stat`, 'latin1') : null;

/** `pids` as seen now, for {@link stillRunning} later (on Linux, a process already gone is left out). */
export function seeProcesses(pids: Iterable<number>, readStat: StatReader = platformStat()): SeenProcess[] {
  const seen: SeenProcess[] = [];
  for (const pid of pids) {
    if (readStat === null) {
      seen.push({ pid, startTime: undefined });
      continue;
    }
    try {
      seen.push({ pid, startTime: startTimeOfStat(readStat(pid)) });
    } catch {
      // gone already
    }
  }
  return seen;
}

/**
 * The pids of `processes` still running as the processes that were seen: a pid whose start time
 * changed belongs to another process by now, and a zombie has exited. Without a stat (`null`: not
 * Linux) a pid counts as running while `kill(pid, 0)` succeeds.
 */
export function stillRunning(
  processes: readonly SeenProcess[],
  readStat: StatReader = platformStat(),
  kill: (pid: number, signal: 0) => void = (pid, signal) => process.kill(pid, signal),
): number[] {
  const running: number[] = [];
  for (const { pid, startTime } of processes) {
    try {
      if (readStat === null) kill(pid, 0);
      else {
        const fields = statFields(readStat(pid));
        if (fields?.[19] !== startTime || fields?.[0] === 'Z') continue;
      }
      running.push(pid);
    } catch {
      // gone
    }
  }
  return running;
}

/** Options of {@link terminate}. */
export interface TerminateOptions {
  /** How long they get after SIGTERM before SIGKILL. Default 1000 ms. */
  readonly graceMs?: number;
  /** Pause between looks whether they are gone. Default 100 ms. */
  readonly pollMs?: number;
  /** Sends a signal; default `process.kill`. */
  readonly kill?: (pid: number, signal: NodeJS.Signals) => void;
  /** Waits; default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Stops the processes `find` returns (called afresh for every look, so each signal goes to a pid
 * just seen as one of them): SIGTERM to each, then a look every `pollMs` for as long as any is left
 * and the grace period lasts, and SIGKILL to what the last look found. Resolves with how many the
 * first look found and how many needed SIGKILL.
 */
export async function terminate(
  find: () => readonly number[],
  options: TerminateOptions = {},
): Promise<{ found: number; killed: number }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const graceMs = options.graceMs ?? 1000;
  const pollMs = options.pollMs ?? 100;
  const first = find();
  if (first.length === 0) return { found: 0, killed: 0 };
  signalAll(first, 'SIGTERM', options.kill);
  let left = first;
  for (let waited = 0; left.length > 0 && waited < graceMs; waited += pollMs) {
    await sleep(pollMs);
    left = find();
  }
  signalAll(left, 'SIGKILL', options.kill);
  return { found: first.length, killed: left.length };
}
