/**
 * The stdio driver: spawns the server from an argv array (no shell), frames messages by line, and
 * keeps every stdout line that is not a JSON-RPC message and every stderr line for the report.
 *
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

import { HarnessError } from '../errors.js';
import type { StdioTarget } from '../target.js';
import {
  DEFAULT_TIMEOUT_MS,
  idKey,
  isResponse,
  parseMessage,
  type JsonRpcId,
  type JsonRpcMessage,
  type Reply,
  type RequestOptions,
  type Wire,
} from './wire.js';

/** A stdout line that is not a JSON-RPC message. */
export interface StdoutNoise {
  readonly line: string;
  /** Offset of the line in the stdout stream. */
  readonly offset: number;
}

/** How a process ended. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Waiter {
  readonly match: (message: JsonRpcMessage) => boolean;
  readonly resolve: (reply: Reply) => void;
  readonly timer: NodeJS.Timeout;
}

/** A raw JSON-RPC connection over a child process's stdio. */
export class StdioWire implements Wire {
  readonly transport = 'stdio' as const;
  readonly strayResponses: JsonRpcMessage[] = [];
  readonly noise: StdoutNoise[] = [];
  readonly stderrLines: string[] = [];
  /** Notifications and requests the server sent. */
  readonly serverMessages: JsonRpcMessage[] = [];
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;
  private readonly waiters = new Set<Waiter>();
  private nextId = 1;
  private stdoutOffset = 0;
  private pending = '';
  private stderrPending = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => this.onStdout(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk.toString('utf8')));
    // A server that dies mid-write makes our writes fail with EPIPE: the exit is what we report.
    child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        resolve(this.exitStatus);
      });
    });
    void this.exited.then(() => {
      if (this.pending.trim() !== '') this.onLine(this.pending);
      if (this.stderrPending !== '') this.stderrLines.push(this.stderrPending);
      this.pending = '';
      this.stderrPending = '';
      for (const waiter of this.waiters) {
        clearTimeout(waiter.timer);
        waiter.resolve({ kind: 'none', reason: 'closed' });
      }
      this.waiters.clear();
    });
  }

  /** Spawns the target; rejects with `SPAWN_FAILED` when the command cannot start. */
  static async start(target: StdioTarget): Promise<StdioWire> {
    const child = spawn(target.command, [...target.args], {
      env: { ...process.env, ...target.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (error) =>
        reject(new HarnessError('SPAWN_FAILED', `cannot start "${target.command}": ${error.message}`)),
      );
    });
    return new StdioWire(child);
  }

  /** The exit status, once the process has exited. */
  get exitedWith(): ExitStatus | undefined {
    return this.exitStatus;
  }

  alive(): boolean {
    return this.exitStatus === undefined;
  }

  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<Reply> {
    const id = options.id ?? this.nextId++;
    const key = idKey(id);
    const reply = this.waitFor((message) => isResponse(message) && idKey(message.id) === key, options.timeoutMs);
    this.write(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    return reply;
  }

  async notify(method: string, params?: unknown): Promise<void> {
    this.write(JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) }));
  }

  sendRaw(text: string, expectId: JsonRpcId | null, timeoutMs?: number): Promise<Reply> {
    const keys = new Set([idKey(null), idKey(expectId)]);
    const reply = this.waitFor((message) => isResponse(message) && keys.has(idKey(message.id)), timeoutMs);
    this.write(text);
    return reply;
  }

  /** Closes the server's stdin (end of input). */
  closeStdin(): void {
    this.child.stdin.end();
  }

  /** Sends a signal to the server. */
  kill(signal: NodeJS.Signals): void {
    if (this.alive()) this.child.kill(signal);
  }

  /** Resolves with the exit status, or undefined when the process still runs after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<ExitStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const status = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return status;
  }

  async close(): Promise<void> {
    if (!this.alive()) return;
    this.child.stdin.end();
    if ((await this.waitExit(2_000)) !== undefined) return;
    this.child.kill('SIGTERM');
    if ((await this.waitExit(2_000)) !== undefined) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private write(text: string): void {
    if (!this.alive() || this.child.stdin.writableEnded) return;
    this.child.stdin.write(`${text}\n`);
  }

  private waitFor(match: (message: JsonRpcMessage) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Reply> {
    if (!this.alive()) return Promise.resolve({ kind: 'none', reason: 'closed' });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          resolve({ kind: 'none', reason: 'timeout' });
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private onStdout(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      this.onLine(line);
      newline = this.pending.indexOf('\n');
    }
  }

  private onLine(rawLine: string): void {
    const offset = this.stdoutOffset;
    this.stdoutOffset += Buffer.byteLength(rawLine, 'utf8') + 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const parsed = parseMessage(line);
    if (parsed === undefined) {
      this.noise.push({ line, offset });
      return;
    }
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.onMessage(message);
  }

  private onMessage(message: JsonRpcMessage): void {
    if (!isResponse(message)) {
      this.serverMessages.push(message);
      // A server request: answer ping, refuse the rest, so the server is never left waiting.
      if (typeof message.method === 'string' && message.id !== undefined) {
        const answer =
          message.method === 'ping'
            ? { jsonrpc: '2.0', id: message.id, result: {} }
            : { jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'Method not found' } };
        this.write(JSON.stringify(answer));
      }
      return;
    }
    for (const waiter of this.waiters) {
      if (!waiter.match(message)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve({ kind: 'message', message });
      return;
    }
    this.strayResponses.push(message);
  }

  private onStderr(text: string): void {
    this.stderrPending += text;
    const lines = this.stderrPending.split('\n');
    this.stderrPending = lines.pop() ?? '';
    this.stderrLines.push(...lines.map((line) => line.replace(/\r$/, '')));
  }
}
