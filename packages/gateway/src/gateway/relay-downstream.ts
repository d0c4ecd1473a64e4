/**
 * One stdio downstream spoken to as bytes: the process behind the passthrough fronts (stdio and
 * HTTP in `--expose direct`). It is started lazily by the first frame sent to it, gets frames as
 * strings (one pipe write per client read chunk), hands its own output back per read chunk as
 * complete lines, is restarted with backoff after a crash, and stopped after an idle time.
 *
 * Before frames flow to a process that replaces an earlier one, the front replays what the client
 * told the earlier one (its `initialize`, …) through {@link RelayDownstream.request}: those
 * requests carry ids of the gateway's own (`mcp-factory-gateway#N`) and their replies are taken out
 * of the stream, so the client never sees them.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { describeExit, type ChildExit } from '../dev/child.js';
import { stopTree } from '../dev/process-tree.js';
import { newTreeMarker, sweepMarked, type TreeMarker } from '../dev/tree-marker.js';
import type { DownstreamEvent } from './downstream.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { peekServerFrame, splitLines } from './frames.js';
import type { StdioServerSpec } from './server-source.js';

/** What a front (stdio or HTTP) does with the downstream's traffic. */
export interface RelayFront {
  /** The server's complete lines of one read chunk (replies to the gateway's own requests removed). */
  fromServer(lines: readonly string[]): void;
  /** The process went away (a crash, or a failed start) and frames not yet delivered were dropped: answer every request in flight. */
  serverGone(reason: string): void;
  /**
   * Called after a process was spawned. For a process that follows an earlier one (`restart`),
   * returns the replay that brings it to where the client left the last one; frames wait for it.
   */
  replay(restart: boolean): Promise<void> | undefined;
  /** True while requests are in flight (an idle stop waits for them). */
  busy(): boolean;
}

/** Options of {@link RelayDownstream}. */
export interface RelayDownstreamOptions {
  /** Folder of the per-server stderr logs (`<name>.log`). */
  readonly logDir: string;
  /** Stop the process after this long without traffic and with nothing in flight; 0 never. Default 10 minutes. */
  readonly idleMs?: number;
  /** Deadline of the replay after a restart. Default 20 000 ms. */
  readonly startTimeoutMs?: number;
  /** First restart delay after a crash, doubled per crash in a row. Default 250 ms. */
  readonly backoffMs?: number;
  /** Longest restart delay. Default 30 000 ms. */
  readonly maxBackoffMs?: number;
  /** Crashes in a row after which the server is given up on. Default 5. */
  readonly maxCrashes?: number;
  /** Lifecycle events (crash, restart, idle stop) for logs and the client. */
  readonly onEvent?: (event: DownstreamEvent) => void;
  /** Deadline of one client request relayed to it (the fronts enforce it). Default 30 000 ms. */
  readonly requestTimeoutMs?: number;
}

/** Lifecycle state of a {@link RelayDownstream}. */
export type RelayState = 'stopped' | 'starting' | 'ready' | 'stopping' | 'backoff' | 'failed';

/**
 * The variables a downstream inherits from the gateway's environment (besides its configured env):
 * the same short list the SDK's stdio client passes, so a server sees the same environment on
 * either path. Kept here rather than imported, so a gateway start does not load the SDK client.
 */
const INHERITED_ENV =
  process.platform === 'win32'
    ? [
        'APPDATA',
        'COMSPEC',
        'HOMEDRIVE',
        'HOMEPATH',
        'LOCALAPPDATA',
        'PATH',
        'PATHEXT',
        'PROCESSOR_ARCHITECTURE',
        'PROGRAMDATA',
        'PROGRAMFILES',
        'PROGRAMFILES(X86)',
        'PROGRAMW6432',
        'SYSTEMDRIVE',
        'SYSTEMROOT',
        'TEMP',
        'USERNAME',
        'USERPROFILE',
        'WINDIR',
      ]
    : ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];

function inheritedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    // Exported shell functions (`() { …`) are not passed on.
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return env;
}

/** Prefix of the ids of the gateway's own requests to the downstream. */
export const INTERNAL_ID_PREFIX = 'mcp-factory-gateway#';

interface InternalRequest {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A supervised stdio downstream carrying frames as strings. */
export class RelayDownstream {
  state: RelayState = 'stopped';
  /** Restarts after crashes. */
  restarts = 0;
  crashes = 0;
  lastError: string | undefined;
  #front: RelayFront | undefined;
  #child: ChildProcess | undefined;
  #exited: Promise<ChildExit> | undefined;
  /** The environment marker of the running process's tree (see ../dev/tree-marker.ts). */
  #marker: TreeMarker | undefined;
  #queue: string[] = [];
  #generation = 0;
  readonly #internal = new Map<string, InternalRequest>();
  #nextInternal = 1;
  #stderrFd: number | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #activity = 0;
  #seenActivity = -1;
  #readyAt = 0;
  #readySince = 0;
  #stopping = false;
  #closed = false;

  constructor(
    readonly spec: StdioServerSpec,
    private readonly options: RelayDownstreamOptions,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** `performance.now()` when it last became ready: time spent starting does not count against a request. */
  get readySince(): number {
    return this.#readySince;
  }

  /** See {@link RelayDownstreamOptions.requestTimeoutMs}. */
  get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }

  /** The per-server stderr log file. */
  get logFile(): string {
    return join(this.options.logDir, `${this.spec.name}.log`);
  }

  /** Connects the front; frames can be sent from then on. */
  attach(front: RelayFront): void {
    this.#front = front;
  }

  /**
   * Sends frames (complete lines, each ending with a newline) in one pipe write; starts the
   * process when it is not running, and queues while it (re)starts. The caller checks for
   * `failed` first (it answers requests itself then).
   */
  send(data: string): void {
    this.#activity += 1;
    if (this.state === 'ready' && this.#child?.stdin !== null && this.#child !== undefined) {
      this.#child.stdin?.write(data);
      return;
    }
    this.#queue.push(data);
    if (this.state === 'stopped') this.#start();
  }

  /** Sends a request of the gateway's own and resolves with its result (errors reject). */
  request(
    method: string,
    params: unknown,
    timeoutMs = this.options.startTimeoutMs ?? 20_000,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const child = this.#child;
      if (child?.stdin === null || child === undefined) {
        reject(new GatewayError(GatewayErrorCode.Unavailable, `server "${this.name}" is not running`, this.name));
        return;
      }
      const id = `${INTERNAL_ID_PREFIX}${this.#nextInternal++}`;
      const timer = setTimeout(() => {
        this.#internal.delete(id);
        reject(
          new GatewayError(
            GatewayErrorCode.Timeout,
            `server "${this.name}" did not answer ${method} within ${timeoutMs} ms`,
            this.name,
          ),
        );
      }, timeoutMs);
      this.#internal.set(id, { resolve, reject, timer });
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`,
      );
    });
  }

  /** Sends a notification of the gateway's own, bypassing the queue (used by replays). */
  notify(method: string, params?: unknown): void {
    this.#child?.stdin?.write(
      `${JSON.stringify({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) })}\n`,
    );
  }

  #start(): void {
    const restart = this.#generation > 0;
    this.#generation += 1;
    this.state = 'starting';
    this.#stopping = false;
    const spec = this.spec;
    mkdirSync(this.options.logDir, { recursive: true });
    this.#stderrFd ??= openSync(this.logFile, 'a');
    // Last, so a configured variable of the same name cannot take the marker away.
    const marker = newTreeMarker(spec.name);
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: { ...inheritedEnvironment(), ...spec.env, [marker.variable]: marker.value },
      stdio: ['pipe', 'pipe', this.#stderrFd],
      // Not detached: a session of its own would put the server in another scheduling autogroup
      // (Linux), which about doubles the CPU cost of each round trip; stop() kills its tree instead.
    });
    this.#child = child;
    this.#marker = marker;
    this.#exited = new Promise<ChildExit>((resolve) => {
      let done = false;
      const finish = (exit: ChildExit): void => {
        if (done) return;
        done = true;
        resolve(exit);
        this.#onExit(child, marker, exit);
      };
      child.once('exit', (code, signal) => finish({ code, signal }));
      child.once('error', (error) => {
        this.lastError = `cannot start ${spec.command}: ${error.message}`;
        finish({ code: -1, signal: null });
      });
    });
    child.stdin?.on('error', () => undefined);
    let rest = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      const split = splitLines(rest + chunk);
      rest = split.rest;
      if (split.lines.length === 0 || this.#child !== child) return;
      const lines = this.#internal.size > 0 ? this.#takeInternal(split.lines) : split.lines;
      // A process being brought up to date says nothing to the client before it is ready.
      if (lines.length > 0 && this.state === 'ready') this.#front?.fromServer(lines);
    });
    const replay = this.#front?.replay(restart);
    if (replay === undefined) {
      this.#ready();
      return;
    }
    replay.then(
      () => {
        if (this.#child === child && this.state === 'starting') this.#ready();
      },
      (error: unknown) => {
        if (this.#child !== child) return;
        this.lastError = `restart failed: ${error instanceof Error ? error.message : String(error)}`;
        if (child.pid !== undefined && this.#exited !== undefined)
          void stopTree(child.pid, { exited: this.#exited, graceMs: 0 });
      },
    );
  }

  #ready(): void {
    this.state = 'ready';
    this.#readyAt = Date.now();
    this.#readySince = performance.now();
    const queued = this.#queue;
    this.#queue = [];
    if (queued.length > 0) this.#child?.stdin?.write(queued.join(''));
    this.#armIdle();
  }

  #takeInternal(lines: readonly string[]): string[] {
    const kept: string[] = [];
    for (const line of lines) {
      if (line.includes(INTERNAL_ID_PREFIX)) {
        const frame = peekServerFrame(line);
        const pending =
          frame.kind === 'response' && typeof frame.id === 'string' ? this.#internal.get(frame.id) : undefined;
        if (pending !== undefined && frame.kind === 'response') {
          this.#internal.delete(frame.id as string);
          clearTimeout(pending.timer);
          const message = JSON.parse(line) as {
            result?: Record<string, unknown>;
            error?: { message?: string; code?: number };
          };
          if (message.error !== undefined)
            pending.reject(new Error(`${message.error.message ?? 'error'} (${String(message.error.code)})`));
          else pending.resolve(message.result ?? {});
          continue;
        }
      }
      kept.push(line);
    }
    return kept;
  }

  #armIdle(): void {
    const idleMs = this.options.idleMs ?? 600_000;
    if (idleMs <= 0 || this.#idleTimer !== undefined) return;
    // One check per idle period: a period without traffic and nothing in flight stops the process.
    this.#idleTimer = setInterval(() => {
      if (this.state !== 'ready') return;
      if (this.#activity !== this.#seenActivity || (this.#front?.busy() ?? false)) {
        this.#seenActivity = this.#activity;
        return;
      }
      this.#emit('info', `server "${this.name}" idle for ${idleMs} ms; stopped (it restarts on next use)`);
      void this.stop();
    }, idleMs);
    this.#idleTimer.unref();
  }

  #onExit(child: ChildProcess, marker: TreeMarker, exit: ChildExit): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.#marker = undefined;
    this.#releaseStderr();
    for (const pending of this.#internal.values()) {
      clearTimeout(pending.timer);
      pending.reject(new GatewayError(GatewayErrorCode.Unavailable, `server "${this.name}" exited`, this.name));
    }
    this.#internal.clear();
    if (this.#stopping || this.#closed) {
      this.state = 'stopped';
      // An intentional stop (idle, or the front closing) had nothing in flight that still matters;
      // frames sent while it stopped wait in the queue for the next process.
      if (!this.#closed && this.#queue.length > 0) this.#start();
      return;
    }
    // It died by itself: what it started was reparented and is out of its tree, but still marked.
    void sweepMarked(marker);
    // What was queued for this process goes nowhere: the front answers every request in flight.
    this.#queue = [];
    const wasStarting = this.state === 'starting';
    if (Date.now() - this.#readyAt > 60_000 && !wasStarting) this.crashes = 0;
    this.crashes += 1;
    const how = `exited (${describeExit(exit)})`;
    this.lastError = wasStarting && this.lastError !== undefined ? this.lastError : `${how} unexpectedly`;
    const maxCrashes = this.options.maxCrashes ?? 5;
    if (this.crashes >= maxCrashes) {
      this.state = 'failed';
      this.#front?.serverGone(`server "${this.name}" ${how}`);
      this.#emit(
        'error',
        `server "${this.name}" crashed ${this.crashes} times in a row; giving up (see ${this.logFile})`,
      );
      return;
    }
    const delay = Math.min(
      this.options.maxBackoffMs ?? 30_000,
      (this.options.backoffMs ?? 250) * 2 ** (this.crashes - 1),
    );
    this.state = 'backoff';
    this.#front?.serverGone(`server "${this.name}" ${how}`);
    this.#emit(
      'warning',
      `server "${this.name}" ${how}; restarting in ${delay} ms (crash ${this.crashes}, stderr in ${this.logFile})`,
    );
    this.#backoffTimer = setTimeout(() => {
      this.#backoffTimer = undefined;
      if (this.#closed || this.state !== 'backoff') return;
      this.restarts += 1;
      this.#start();
      this.#emit('info', `server "${this.name}" restarted`);
    }, delay);
  }

  #releaseStderr(): void {
    if (this.#stderrFd !== undefined) {
      closeSync(this.#stderrFd);
      this.#stderrFd = undefined;
    }
  }

  #emit(level: DownstreamEvent['level'], message: string): void {
    this.options.onEvent?.({ server: this.name, level, message });
  }

  /**
   * Stops the process (not a crash): stdin closed, SIGTERM to it and every process it started,
   * SIGKILL to what is left once it exited or after `graceMs`; then the same to any process still
   * carrying its marker (one that had left the tree before, e.g. a daemon's double fork).
   */
  async stop(graceMs = 1000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    const child = this.#child;
    const exited = this.#exited;
    const marker = this.#marker;
    if (child === undefined || exited === undefined) {
      if (this.state !== 'failed') this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    // The tree is collected (synchronously, in stopTree's first step) before stdin closes: a
    // server that exits on EOF would otherwise leave its children to init, out of the tree.
    const stopping = child.pid === undefined ? exited : stopTree(child.pid, { exited, graceMs });
    child.stdin?.end();
    await stopping;
    if (marker !== undefined) await sweepMarked(marker, { graceMs });
  }

  /** Stops for good (the front went away). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#idleTimer);
    this.#idleTimer = undefined;
    await this.stop();
  }
}
