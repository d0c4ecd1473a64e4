// A deliberately tiny JSON-RPC client over a child's stdio: one JSON object per line each way, a
// Map of pending ids, nothing else. Both servers are driven by this same code, so whatever the
// client costs, it costs the same for A and B (the official client is not used for that reason).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Keep at most this much of a child's stderr, to show when it fails. */
const STDERR_TAIL_BYTES = 8192;

export class RpcChild {
  /**
   * Spawns `command args` with piped stdio. `startedAt` is taken right before `spawn`, so a
   * request written at once and answered later measures spawn → answer.
   */
  constructor(label, command, args, { env, cwd }) {
    this.label = label;
    this.nextId = 1;
    this.pending = new Map();
    this.buffer = '';
    this.stderrTail = '';
    this.exited = false;
    this.startedAt = performance.now();
    this.child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.pid = this.child.pid;
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        const error = new Error(
          `${label} exited (code ${code ?? '-'}, signal ${signal ?? '-'}) with requests pending; stderr:\n${this.stderrTail}`,
        );
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        resolve({ code, signal });
      });
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => this.onData(chunk));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    // A write after the child died must not crash the bench; the pending request reports it.
    this.child.stdin.on('error', () => undefined);
  }

  onData(chunk) {
    const lines = (this.buffer + chunk).split('\n');
    this.buffer = lines.pop() ?? '';
    const at = performance.now();
    for (const line of lines) {
      if (line === '') continue;
      const message = JSON.parse(line);
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) continue; // a notification, or an answer nobody waits for
      this.pending.delete(message.id);
      if (message.error !== undefined) {
        waiter.reject(new Error(`${this.label}: ${JSON.stringify(message.error)}`));
      } else {
        waiter.resolve({ result: message.result, sentAt: waiter.sentAt, receivedAt: at });
      }
    }
  }

  /** Sends a request; resolves with `{ result, sentAt, receivedAt }` (performance.now() stamps). */
  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const sentAt = performance.now();
      this.pending.set(id, { resolve, reject, sentAt });
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  notify(method, params) {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  /** The 2025-era handshake: `initialize`, then `notifications/initialized`. */
  async initialize() {
    const answer = await this.request('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'mcp-factory-bench', version: '0.0.0' },
    });
    this.notify('notifications/initialized');
    return answer;
  }

  /** Kills the child (SIGKILL: its shutdown path is not what is measured) and waits for it. */
  async kill() {
    if (!this.exited) this.child.kill('SIGKILL');
    await this.exit;
  }
}

let clockTicks;

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, almost always 100). */
export function clockTicksPerSecond() {
  if (clockTicks === undefined) {
    // Read from a kernel-exported constant when possible; fall back to the usual value.
    try {
      const auxv = readFileSync('/proc/self/auxv');
      // AT_CLKTCK (17) in the auxiliary vector: pairs of 64-bit little-endian words.
      for (let offset = 0; offset + 16 <= auxv.length; offset += 16) {
        const type = Number(auxv.readBigUInt64LE(offset));
        if (type === 17) clockTicks = Number(auxv.readBigUInt64LE(offset + 8));
        if (type === 0) break;
      }
    } catch {
      // not Linux, or not readable
    }
    clockTicks ??= 100;
  }
  return clockTicks;
}

/** CPU time (user + system, all threads) of `pid` so far, in milliseconds. */
export function cpuTimeMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesized command name start at field 3 (state); utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond();
}

/**
 * CPU time of all threads of `pid` so far in milliseconds, with nanosecond resolution (the sum of
 * /proc/<pid>/task/<tid>/schedstat): precise enough for one cold start, where the 10 ms ticks of
 * /proc/<pid>/stat are too coarse.
 */
export function preciseCpuTimeMs(pid) {
  let nanoseconds = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return nanoseconds / 1e6;
}

/** Resident set size of `pid` in KiB (VmRSS). */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
