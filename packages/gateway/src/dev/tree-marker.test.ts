import { describe, expect, it } from 'vitest';

import type { ProcReader } from './process-tree.js';
import { environHas, markedProcesses, newTreeMarker, sweepMarked, uidOfStatus } from './tree-marker.js';

const ENTRY = 'MCP_GATEWAY_TREE=4242.abcd1234.00ff00ff00ff';

/** A fake /proc: an environment (entries) and a uid per pid; `null` environments cannot be read. */
function fakeProc(processes: Record<number, { env: string[] | null; uid?: number }>): ProcReader {
  const fail = (path: string, code: string): Error => Object.assign(new Error(`${code}: ${path}`), { code });
  return {
    readdir(path) {
      if (path === '/proc') return [...Object.keys(processes), 'self', 'sys'];
      throw fail(path, 'ENOENT');
    },
    readFile(path) {
      const match = /^\/proc\/(\d+)\/(environ|status)$/.exec(path);
      const entry = match?.[1] === undefined ? undefined : processes[Number(match[1])];
      if (match === null || entry === undefined) throw fail(path, 'ENOENT');
      if (match[2] === 'status') return `Name:\tnode\nPid:\t${match[1]}\nUid:\t${entry.uid ?? 1000}\t0\t0\t0\n`;
      if (entry.env === null) throw fail(path, 'EACCES');
      return entry.env.map((e) => `${e}\0`).join('');
    },
  };
}

describe('newTreeMarker', () => {
  it('holds the gateway pid, a hash of the server name and a random part, nothing of the config', () => {
    const marker = newTreeMarker('secret-server', 4242, () => '00ff00ff00ff');
    expect(marker.variable).toBe('MCP_GATEWAY_TREE');
    expect(marker.value).toMatch(/^4242\.[0-9a-f]{8}\.00ff00ff00ff$/);
    expect(marker.value).not.toContain('secret');
    expect(marker.entry).toBe(`MCP_GATEWAY_TREE=${marker.value}`);
  });

  it('differs per spawn of the same server', () => {
    expect(newTreeMarker('a').value).not.toBe(newTreeMarker('a').value);
    expect(newTreeMarker('a', 1, () => 'x').value).not.toBe(newTreeMarker('b', 1, () => 'x').value);
  });
});

describe('environHas', () => {
  it('matches only a whole NUL-separated entry', () => {
    expect(environHas(`PATH=/bin\0${ENTRY}\0HOME=/h\0`, ENTRY)).toBe(true);
    expect(environHas(ENTRY, ENTRY)).toBe(true);
    expect(environHas(`PATH=/bin\0${ENTRY}0\0`, ENTRY)).toBe(false);
    expect(environHas(`PATH=/bin\0X${ENTRY}\0`, ENTRY)).toBe(false);
    expect(environHas(`NOTE=${ENTRY}\0`, ENTRY)).toBe(false);
    expect(environHas('', ENTRY)).toBe(false);
  });
});

describe('uidOfStatus', () => {
  it('reads the real uid of the Uid line', () => {
    expect(uidOfStatus('Name:\tx\nUid:\t1000\t1001\t1000\t1000\nGid:\t5\n')).toBe(1000);
    expect(uidOfStatus('Name:\tx\n')).toBeUndefined();
  });
});

describe('markedProcesses', () => {
  const options = { self: 1, uid: 1000, platform: 'linux' as const };

  it('finds the processes whose environment holds the exact entry', () => {
    const reader = fakeProc({
      10: { env: ['PATH=/bin', ENTRY] },
      11: { env: [ENTRY, 'HOME=/h'] },
      12: { env: ['PATH=/bin', `${ENTRY}1`] }, // another spawn's marker with a longer value
      13: { env: ['PATH=/bin'] },
      14: { env: [] }, // a zombie or a kernel thread
    });
    expect(markedProcesses(ENTRY, { ...options, reader })).toEqual([10, 11]);
  });

  it('never returns the gateway itself, even if it carried the entry', () => {
    const reader = fakeProc({ 1: { env: [ENTRY] }, 10: { env: [ENTRY] } });
    expect(markedProcesses(ENTRY, { ...options, reader })).toEqual([10]);
  });

  it("skips unreadable environments and other users' processes", () => {
    const reader = fakeProc({ 10: { env: null }, 11: { env: [ENTRY], uid: 0 }, 12: { env: [ENTRY] } });
    expect(markedProcesses(ENTRY, { ...options, reader })).toEqual([12]);
  });

  it('finds nothing off Linux', () => {
    const reader = fakeProc({ 10: { env: [ENTRY] } });
    expect(markedProcesses(ENTRY, { ...options, reader, platform: 'darwin' })).toEqual([]);
  });
});

describe('sweepMarked', () => {
  const marker = newTreeMarker('s', 4242, () => '00ff00ff00ff');

  it('does nothing, and does not wait, when nothing carries the marker', async () => {
    const signals: string[] = [];
    let slept = 0;
    const found = await sweepMarked(marker, {
      find: () => [],
      kill: (pid, signal) => signals.push(`${signal} ${pid}`),
      sleep: async () => {
        slept += 1;
      },
    });
    expect(found).toBe(0);
    expect(signals).toEqual([]);
    expect(slept).toBe(0);
  });

  it('sends SIGTERM, and no SIGKILL when they are gone within the grace period', async () => {
    const signals: string[] = [];
    let alive = [20, 21];
    const found = await sweepMarked(marker, {
      find: () => alive,
      kill: (pid, signal) => signals.push(`${signal} ${pid}`),
      sleep: async () => {
        alive = [];
      },
    });
    expect(found).toBe(2);
    expect(signals).toEqual(['SIGTERM 20', 'SIGTERM 21']);
  });

  it('sends SIGKILL after the grace period to what is still marked, including what appeared meanwhile', async () => {
    const signals: string[] = [];
    let looks = 0;
    const found = await sweepMarked(marker, {
      graceMs: 300,
      pollMs: 100,
      find: () => (looks++ === 0 ? [20, 21] : [21, 22]),
      kill: (pid, signal) => signals.push(`${signal} ${pid}`),
      sleep: async () => undefined,
    });
    expect(found).toBe(2);
    expect(looks).toBe(4); // the first look and one per poll
    expect(signals).toEqual(['SIGTERM 20', 'SIGTERM 21', 'SIGKILL 21', 'SIGKILL 22']);
  });

  it('reads the real /proc without signalling anything for a marker no process has', async () => {
    const signals: string[] = [];
    await expect(
      sweepMarked(newTreeMarker('nobody'), { kill: (pid, signal) => signals.push(`${signal} ${pid}`) }),
    ).resolves.toBe(0);
    expect(signals).toEqual([]);
  });
});
