/**
 * One server process under the dev proxy: spawned detached (its own process group, so a restart
 * or exit kills everything it started), spoken to over newline-delimited JSON-RPC on its stdio,
 * its stderr shared with the proxy's.
 *
 * Unlike the gateway's relay (see ./process-tree.ts), the dev proxy keeps the process group: a
 * child that crashes is common while developing, and only its group still holds what it started
 * once it is gone (a tree walk finds nothing under a dead process). The group's own session costs
 * CPU per round trip (a separate Linux autogroup), which matters for the gateway's throughput, not
 * for a reload loop measured in tens of milliseconds.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

import type { ChildCommand } from './child-command.js';
import { readMessages, writeMessage, type JsonRpcMessage } from './jsonrpc.js';

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Describes an exit for logs: `code 1` or `signal SIGKILL`. */
export function describeExit(exit: ChildExit): string {
  return exit.signal === null ? `code ${String(exit.code)}` : `signal ${exit.signal}`;
}

/** Sends `signal` to the whole process group led by `pid`; a group already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** A spawned server process. */
export class ChildProcessHandle {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<ChildExit>;
  #exit: ChildExit | undefined;
  #onMessage: (message: JsonRpcMessage) => void = () => undefined;

  constructor(command: ChildCommand, cwd: string) {
    const stdio: ('pipe' | 'inherit')[] = ['pipe', 'pipe', 'inherit'];
    for (let fd = 0; fd < command.extraFds; fd++) stdio.push('pipe');
    this.process = spawn(command.command, [...command.args], {
      cwd,
      env: command.env,
      stdio,
      detached: true,
    });
    this.exited = new Promise((resolvePromise) => {
      this.process.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        // Whatever the leader left behind in its group goes with it.
        if (this.process.pid !== undefined) killGroup(this.process.pid, 'SIGKILL');
        resolvePromise(this.#exit);
      });
      this.process.once('error', (error) => {
        this.#exit ??= { code: -1, signal: null };
        process.stderr.write(`mcp-factory dev: cannot start ${command.command}: ${error.message}\n`);
        resolvePromise(this.#exit);
      });
    });
    this.pid = this.process.pid ?? -1;
    this.process.stdin?.on('error', () => undefined);
    for (const stream of this.process.stdio.slice(3)) (stream as Writable | null)?.on('error', () => undefined);
    if (this.process.stdout !== null)
      readMessages(
        this.process.stdout,
        (message) => this.#onMessage(message),
        (line) => process.stderr.write(`mcp-factory dev: server wrote a non-JSON-RPC line to stdout: ${line}\n`),
        () => undefined,
      );
  }

  /** The exit, once it happened. */
  get exit(): ChildExit | undefined {
    return this.#exit;
  }

  /** Routes the child's messages to `handler` (one handler at a time). */
  onMessage(handler: (message: JsonRpcMessage) => void): void {
    this.#onMessage = handler;
  }

  send(message: JsonRpcMessage): void {
    if (this.process.stdin !== null) writeMessage(this.process.stdin, message);
  }

  /** Writes one line on fd 3 (the warm loader's control channel) and closes it. */
  control(line: string): void {
    const stream = this.process.stdio[3] as Writable | null | undefined;
    stream?.end(`${line}\n`);
  }

  /**
   * Stops the process group: closes stdin (a server's cue to shut down), SIGTERM to the group,
   * SIGKILL after `graceMs`. Resolves when the leader has exited.
   */
  async stop(graceMs = 1000): Promise<ChildExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.process.stdin?.end();
    killGroup(this.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(this.pid, 'SIGKILL'), graceMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
