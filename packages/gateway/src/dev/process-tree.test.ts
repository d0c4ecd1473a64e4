import { describe, expect, it } from 'vitest';

import {
  descendants,
  linuxProcessTable,
  parentPidOfStat,
  seeProcesses,
  startTimeOfStat,
  stillRunning,
  terminate,
  stopTree,
  tableFromParents,
  type ProcReader,
} from './process-tree.js';

/** A fake /proc: `stat` lines per pid, and `children` files per pid when `withChildrenFiles`. */
function fakeProc(parents: Record<number, number>, withChildrenFiles: boolean): ProcReader & { reads: string[] } {
  const reads: string[] = [];
  const enoent = (path: string): Error => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return {
    reads,
    readdir(path) {
      reads.push(path);
      if (path === '/proc') return [...Object.keys(parents), 'self', 'sys'];
      const task = /^\/proc\/(\d+)\/task$/.exec(path);
      if (task?.[1] !== undefined && parents[Number(task[1])] !== undefined) return [task[1]];
      throw enoent(path);
    },
    readFile(path) {
      reads.push(path);
      const stat = /^\/proc\/(\d+)\/stat$/.exec(path);
      if (stat?.[1] !== undefined && parents[Number(stat[1])] !== undefined)
        return `${stat[1]} (node (worker) x) S ${parents[Number(stat[1])]} 1 1 0 -1\n`;
      const children = /^\/proc\/(\d+)\/task\/\d+\/children$/.exec(path);
      if (withChildrenFiles && children?.[1] !== undefined) {
        const pid = Number(children[1]);
        const kids = Object.entries(parents)
          .filter(([, ppid]) => ppid === pid)
          .map(([child]) => child);
        return kids.length === 0 ? '' : `${kids.join(' ')} `;
      }
      throw enoent(path);
    },
  };
}

// 10 ─┬─ 11 ── 13 ── 14
//     └─ 12
// 20 ── 21 (another tree)
const PARENTS = { 1: 0, 10: 1, 11: 10, 12: 10, 13: 11, 14: 13, 20: 1, 21: 20 };

describe('parentPidOfStat', () => {
  it('reads the parent pid after the command name, even one with spaces and parentheses', () => {
    expect(parentPidOfStat('4242 (node) S 17 4242 4242 0 -1 4194560')).toBe(17);
    expect(parentPidOfStat('4242 (my (odd) name) R 99 1 1 0')).toBe(99);
    expect(parentPidOfStat('garbage')).toBeUndefined();
  });
});

describe('descendants', () => {
  it('collects children, grandchildren and deeper, parents first, not the root itself', () => {
    const table = tableFromParents(Object.entries(PARENTS).map(([pid, ppid]) => [Number(pid), ppid] as const));
    expect(descendants(10, table)).toEqual([11, 12, 13, 14]);
    expect(descendants(20, table)).toEqual([21]);
    expect(descendants(14, table)).toEqual([]);
    expect(descendants(999, table)).toEqual([]);
  });

  it('does not walk in circles when a racy snapshot shows a cycle', () => {
    const table = tableFromParents([
      [2, 1],
      [3, 2],
      [1, 3],
    ]);
    expect(descendants(1, table)).toEqual([2, 3]);
  });
});

describe('linuxProcessTable', () => {
  it('reads the children files when the kernel has them, without scanning every process', () => {
    const proc = fakeProc(PARENTS, true);
    expect(descendants(10, linuxProcessTable(proc))).toEqual([11, 12, 13, 14]);
    expect(proc.reads).not.toContain('/proc');
  });

  it('falls back to the parent pids of every stat when there are no children files', () => {
    const proc = fakeProc(PARENTS, false);
    const table = linuxProcessTable(proc);
    expect(descendants(10, table)).toEqual([11, 12, 13, 14]);
    expect(descendants(20, table)).toEqual([21]);
    // One scan per snapshot.
    expect(proc.reads.filter((path) => path === '/proc')).toHaveLength(1);
  });

  it('finds nothing under a process that is gone', () => {
    expect(descendants(77, linuxProcessTable(fakeProc(PARENTS, true)))).toEqual([]);
  });
});

describe('stopTree', () => {
  const table = (): ReturnType<typeof tableFromParents> =>
    tableFromParents(Object.entries(PARENTS).map(([pid, ppid]) => [Number(pid), ppid] as const));

  it('sends SIGTERM to the whole tree, then SIGKILL to what is left once the root exited', async () => {
    const signals: string[] = [];
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    const stopping = stopTree(10, {
      exited,
      graceMs: 10_000,
      table,
      kill: (pid, signal) => {
        signals.push(`${signal} ${pid}`);
        if (pid === 10 && signal === 'SIGTERM') exit();
      },
    });
    await stopping;
    expect(signals.filter((s) => s.startsWith('SIGTERM')).sort()).toEqual(
      ['SIGTERM 10', 'SIGTERM 11', 'SIGTERM 12', 'SIGTERM 13', 'SIGTERM 14'].sort(),
    );
    expect(signals.filter((s) => s.startsWith('SIGKILL')).sort()).toEqual(
      ['SIGKILL 10', 'SIGKILL 11', 'SIGKILL 12', 'SIGKILL 13', 'SIGKILL 14'].sort(),
    );
    expect(signals.some((s) => s.endsWith(' 20') || s.endsWith(' 21'))).toBe(false);
  });

  it('sends SIGKILL after the grace period to a root that ignores SIGTERM, and to what it started meanwhile', async () => {
    const signals: string[] = [];
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    let later = false;
    await stopTree(10, {
      exited,
      graceMs: 20,
      table: () =>
        later
          ? tableFromParents([...Object.entries(PARENTS).map(([p, pp]) => [Number(p), pp] as const), [15, 10]])
          : table(),
      kill: (pid, signal) => {
        signals.push(`${signal} ${pid}`);
        if (signal === 'SIGTERM') later = true;
        if (pid === 10 && signal === 'SIGKILL') exit();
      },
    });
    expect(signals).toContain('SIGKILL 15');
    expect(signals).toContain('SIGKILL 10');
    expect(signals).not.toContain('SIGTERM 15');
  });

  it('treats a process that is already gone as stopped', async () => {
    await expect(
      stopTree(10, {
        exited: Promise.resolve(),
        table,
        kill: () => {
          throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
        },
      }),
    ).resolves.toBeUndefined();
  });
});

/** A stat line of a process started at `start` (clock ticks) in state `state`. */
function statLine(pid: number, start: number, state = 'S'): string {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice threads itrealvalue starttime …
  return `${pid} (odd (name) x) ${state} 1 ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 1000 10\n`;
}

describe('startTimeOfStat', () => {
  it('reads the 22nd field, after a command name with spaces and parentheses', () => {
    expect(startTimeOfStat(statLine(42, 987654))).toBe('987654');
    expect(startTimeOfStat('garbage')).toBeUndefined();
  });
});

describe('stillRunning', () => {
  /** Processes by pid: their start time and state. */
  function table(procs: Map<number, { start: number; state?: string }>): (pid: number) => string {
    return (pid) => {
      const proc = procs.get(pid);
      if (proc === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return statLine(pid, proc.start, proc.state);
    };
  }

  it('keeps the processes as seen, not a pid another process took, nor a zombie or one gone', () => {
    const procs = new Map<number, { start: number; state?: string }>([
      [11, { start: 100 }],
      [12, { start: 200 }],
      [13, { start: 300 }],
      [14, { start: 400 }],
    ]);
    const readStat = table(procs);
    const seen = seeProcesses([11, 12, 13, 14, 15], readStat);
    expect(seen.map((p) => p.pid)).toEqual([11, 12, 13, 14]); // 15 was gone already
    procs.set(12, { start: 555 }); // 12 exited and its pid was reused
    procs.set(13, { start: 300, state: 'Z' }); // 13 exited, not yet reaped
    procs.delete(14);
    expect(stillRunning(seen, readStat)).toEqual([11]);
  });

  it('without a stat to read, asks the kernel whether the pid exists', () => {
    const seen = seeProcesses([21, 22], null);
    const alive = stillRunning(seen, null, (pid) => {
      if (pid === 22) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
    });
    expect(alive).toEqual([21]);
  });
});

describe('terminate', () => {
  it('sends SIGTERM, looks again while the grace lasts, and SIGKILL only to what is still there', async () => {
    const running = new Set([11, 12]);
    const signals: string[] = [];
    const result = await terminate(() => [...running], {
      graceMs: 300,
      pollMs: 100,
      sleep: () => Promise.resolve(),
      kill: (pid, signal) => {
        signals.push(`${signal} ${pid}`);
        if (pid === 11 || signal === 'SIGKILL') running.delete(pid); // 11 exits on SIGTERM, 12 ignores it
      },
    });
    expect(result).toEqual({ found: 2, killed: 1 });
    expect(signals).toEqual(['SIGTERM 11', 'SIGTERM 12', 'SIGKILL 12']);
  });

  it('signals nothing when nothing is found, and stops looking once all are gone', async () => {
    let looks = 0;
    const signals: string[] = [];
    const kill = (pid: number, signal: NodeJS.Signals): void => void signals.push(`${signal} ${pid}`);
    expect(await terminate(() => (looks++, []), { kill })).toEqual({ found: 0, killed: 0 });
    expect(looks).toBe(1);
    let exited = false;
    const result = await terminate(() => (exited ? [] : [7]), {
      sleep: () => Promise.resolve(),
      kill: (pid, signal) => {
        kill(pid, signal);
        exited = true;
      },
    });
    expect(result).toEqual({ found: 1, killed: 0 });
    expect(signals).toEqual(['SIGTERM 7']);
  });
});
