/**
 * The dev proxy: holds the client's stdio connection while the server behind it is rebuilt and
 * restarted. Every request gets an id of the child it goes to (so ids never collide across
 * children or with the proxy's own requests); responses get the client's id back.
 *
 * A reload: build → start a child (a warm spare when there is one) → replay the client's recorded
 * `initialize` to it (its reply is hidden) and `notifications/initialized`, its log level and
 * resource subscriptions → swap: requests that arrived meanwhile (queued) go to the new child, the
 * old one finishes what it has in flight within a grace period (what it cannot finish is answered
 * with a retryable error, {@link RELOADING_ERROR_CODE}) and its process group is killed → compare
 * tools/resources/prompts and send `notifications/<kind>/list_changed` for the kinds that differ.
 * A build error or a child that fails its handshake leaves the old child serving; both are
 * reported to the client as a `notifications/message` (level error) and on stderr. A child that
 * crashes later is restarted from the last good build, with backoff.
 *
 * 2026-07-28 (stateless) clients send no `initialize`: there is nothing to replay, each request
 * carries its own envelope and is forwarded as it is; list comparison needs a handshake, so they
 * get no list_changed from the proxy.
 *
 * @module
 */
import type { ChildExit, ChildProcessHandle } from './child.js';
import { describeExit } from './child.js';
import { DevError, RELOADING_ERROR_CODE } from './errors.js';
import {
  idKey,
  isNotification,
  isRequest,
  isResponse,
  readMessages,
  writeMessage,
  type JsonRpcId,
  type JsonRpcMessage,
} from './jsonrpc.js';
import type { Artifact, Launcher } from './launcher.js';
import {
  describeChanges,
  diffLists,
  hasChanges,
  LIST_KINDS,
  type ListChanges,
  type ListSnapshot,
} from './list-diff.js';
import { RELOAD_TOOL, RELOAD_TOOL_NAME } from './meta-tool.js';

/** Options of {@link DevProxy}. */
export interface DevProxyOptions {
  /** The client's side: its requests in, protocol messages out (nothing else is written here). */
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  launcher: Launcher;
  /** Diagnostics (the proxy's stderr). */
  log(text: string): void;
  /** How long a replaced child may take to finish its requests in flight; default 5000 ms. */
  graceMs?: number;
  /** How long a new child may take to answer its handshake; default 15000 ms. */
  startTimeoutMs?: number;
  /** First delay before restarting a crashed child, doubled per crash in a row; default 250 ms. */
  backoffMs?: number;
  /** Upper bound of that delay; default 8000 ms. */
  maxBackoffMs?: number;
}

/** What one reload did. */
export interface ReloadReport {
  readonly ok: boolean;
  /** Why it ran: a file change, the meta-tool, a crash, the first start. */
  readonly reason: ReloadReason;
  /** Where it failed, when it failed. */
  readonly stage?: 'build' | 'start';
  readonly error?: string;
  /** Serial number of the child now serving. */
  readonly generation?: number;
  /** Save (or request) to the new child serving, in ms. */
  readonly durationMs: number;
  /** Of which building, in ms (0 when nothing was built). */
  readonly buildMs?: number;
  /** True when the build produced the same code as the serving one, so nothing was restarted. */
  readonly unchanged?: boolean;
  /** Changes of the lists, when the client completed a handshake. */
  readonly changes?: ListChanges;
}

export type ReloadReason = 'start' | 'change' | 'tool' | 'crash';

type Pending =
  | { kind: 'client'; clientId: JsonRpcId; method: string }
  | { kind: 'internal'; resolve(result: Record<string, unknown>): void; reject(error: Error): void };

/** One child as the proxy tracks it. */
class Session {
  state: 'starting' | 'ready' | 'draining' | 'exited' = 'starting';
  nextId = 1;
  readonly pending = new Map<number, Pending>();
  initResult: Record<string, unknown> | undefined;
  readyAt = 0;
  stopping = false;
  /** Started by a replay: the proxy sent `notifications/initialized` itself. */
  replayed = false;
  drainTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly child: ChildProcessHandle,
    readonly generation: number,
  ) {}

  get clientPending(): number {
    let count = 0;
    for (const pending of this.pending.values()) if (pending.kind === 'client') count += 1;
    return count;
  }
}

const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

/** The proxy. Create it, then {@link DevProxy.start}; it runs until the client goes away. */
export class DevProxy {
  readonly #options: DevProxyOptions;
  #current: Session | undefined;
  #starting: Session | undefined;
  readonly #draining = new Set<Session>();
  #generation = 0;
  #queue: JsonRpcMessage[] = [];
  #swapping = false;
  #downReason: string | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #crashesInARow = 0;
  #lastGood: Artifact;
  #lastLists: ListSnapshot | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #queuedReload: { promise: Promise<ReloadReport>; rebuild: boolean } | undefined;
  #closed = false;
  #resolveClosed!: () => void;
  /** Resolves once the client went away and every child is stopped. */
  readonly closed: Promise<void>;

  // What the client told the server, replayed to every new child.
  #initParams: Record<string, unknown> | undefined;
  #initializedSeen = false;
  #logLevel: string | undefined;
  readonly #subscriptions = new Set<string>();

  /** Client request id → where it went (a child and its id there) or `queued`. */
  readonly #clientRequests = new Map<string, { session: Session; childId: number } | 'queued'>();
  /** Proxy id of a server→client request → the child and its own id. */
  readonly #serverRequests = new Map<number, { session: Session; childId: JsonRpcId }>();
  #nextServerRequestId = 1;

  constructor(options: DevProxyOptions) {
    this.#options = options;
    this.closed = new Promise((resolvePromise) => (this.#resolveClosed = resolvePromise));
  }

  /** True once the client went away or {@link DevProxy.close} was called. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** The generation of the child serving now (0 before the first start). */
  get generation(): number {
    return this.#current?.generation ?? 0;
  }

  /** Starts reading the client and launches the first child. */
  async start(): Promise<ReloadReport> {
    readMessages(
      this.#options.input,
      (message) => this.#fromClient(message),
      () => this.#toClient({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }),
      () => void this.close(),
    );
    return this.reload('start', true);
  }

  /**
   * Rebuilds (when `rebuild`) and restarts the server. Reloads run one at a time; a reload asked
   * for while another waits to start joins that one.
   */
  reload(reason: ReloadReason, rebuild = true): Promise<ReloadReport> {
    if (this.#queuedReload !== undefined) {
      this.#queuedReload.rebuild ||= rebuild;
      return this.#queuedReload.promise;
    }
    const queued = { rebuild, promise: undefined as unknown as Promise<ReloadReport> };
    queued.promise = this.#chain.then(() => {
      this.#queuedReload = undefined;
      return this.#performReload(reason, queued.rebuild);
    });
    this.#queuedReload = queued;
    this.#chain = queued.promise.catch(() => undefined);
    return queued.promise;
  }

  /** Stops every child and the launcher; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return this.closed;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    // Stop reading the client: an open stdin (the parent died without closing it) would keep the
    // process alive after everything else stopped.
    const input = this.#options.input as NodeJS.ReadableStream & { destroy?: () => void };
    input.pause();
    input.destroy?.();
    const sessions = [...this.#draining, ...(this.#current === undefined ? [] : [this.#current])];
    if (this.#starting !== undefined) sessions.push(this.#starting);
    await Promise.all(sessions.map((session) => this.#stop(session)));
    await this.#chain;
    await Promise.all([...this.#draining].map((session) => this.#stop(session)));
    if (this.#current !== undefined) await this.#stop(this.#current);
    await this.#options.launcher.dispose();
    this.#resolveClosed();
    return this.closed;
  }

  // ---- reloads ----------------------------------------------------------------------------

  async #performReload(reason: ReloadReason, rebuild: boolean): Promise<ReloadReport> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    if (this.#closed) return { ok: false, reason, stage: 'start', error: 'closed', durationMs: 0 };
    const { launcher } = this.#options;
    let artifact = this.#lastGood;
    let buildMs = 0;
    if (launcher.builds && (rebuild || artifact === undefined)) {
      try {
        artifact = await launcher.build();
        buildMs = elapsed();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.#reportError(
          `${message}${this.#serving() ? '\nThe previous build keeps serving.' : '\nNo server is running; fix the error and save.'}`,
        );
        if (!this.#serving()) this.#goDown(message);
        return { ok: false, reason, stage: 'build', error: message, durationMs: elapsed() };
      }
    }
    // A save that changes no code (a comment, a type, an editor's second write of the same file)
    // does not restart the server; the meta-tool always does.
    if (
      reason === 'change' &&
      this.#serving() &&
      artifact !== this.#lastGood &&
      artifact?.hash !== undefined &&
      artifact.hash === this.#lastGood?.hash
    ) {
      launcher.discard(artifact);
      this.#options.log(
        `mcp-factory dev: build output unchanged, server generation ${this.generation} keeps serving\n`,
      );
      return { ok: true, reason, generation: this.generation, durationMs: elapsed(), buildMs, unchanged: true };
    }
    this.#swapping = true;
    this.#options.log(`mcp-factory dev: starting server generation ${this.#generation + 1} (${reason})\n`);
    let next: Session;
    try {
      next = await this.#startChild(artifact);
    } catch (error) {
      this.#swapping = false;
      const message = error instanceof Error ? error.message : String(error);
      if (artifact !== this.#lastGood) launcher.discard(artifact);
      if (this.#closed) return { ok: false, reason, stage: 'start', error: message, durationMs: elapsed() };
      const serving = this.#serving();
      this.#reportError(
        `${message}${serving ? '\nThe previous server keeps serving.' : reason === 'crash' ? '' : '\nNo server is running; fix the error and save.'}`,
      );
      if (serving && this.#current !== undefined) this.#flushQueue(this.#current);
      else if (reason === 'crash') {
        this.#failQueue(message);
        this.#scheduleRestart(message);
      } else this.#goDown(message);
      return { ok: false, reason, stage: 'start', error: message, durationMs: elapsed() };
    }
    if (this.#closed) {
      this.#draining.add(next);
      return { ok: false, reason, stage: 'start', error: 'closed', durationMs: elapsed() };
    }
    const old = this.#current;
    if (artifact !== this.#lastGood) launcher.discard(this.#lastGood);
    this.#lastGood = artifact;
    next.state = 'ready';
    next.readyAt = performance.now();
    this.#current = next;
    this.#swapping = false;
    this.#downReason = undefined;
    this.#flushQueue(next);
    if (old !== undefined) this.#retire(old);
    const durationMs = elapsed();
    launcher.warm();
    if (next.initResult === undefined || !this.#initializedSeen)
      return { ok: true, reason, generation: next.generation, durationMs, buildMs };
    const lists = await this.#snapshot(next);
    const changes = diffLists(this.#lastLists, lists);
    this.#lastLists = lists;
    if (reason !== 'start')
      for (const kind of LIST_KINDS)
        if (hasChanges(changes[kind])) this.#toClient({ jsonrpc: '2.0', method: `notifications/${kind}/list_changed` });
    if (reason !== 'start') {
      const summary = describeChanges(changes).replaceAll('\n', '; ');
      this.#options.log(
        `mcp-factory dev: reloaded (${reason}) in ${durationMs} ms (build ${buildMs} ms), generation ${next.generation}; ${summary}\n`,
      );
    }
    return { ok: true, reason, generation: next.generation, durationMs, buildMs, changes };
  }

  async #startChild(artifact: Artifact): Promise<Session> {
    const child = this.#options.launcher.launch(artifact);
    this.#generation += 1;
    const session = new Session(child, this.#generation);
    this.#starting = session;
    child.onMessage((message) => this.#fromChild(session, message));
    void child.exited.then((exit) => this.#onExit(session, exit));
    const timeout = this.#options.startTimeoutMs ?? 15_000;
    try {
      if (this.#initParams === undefined) {
        // Nothing to replay: any answer to a ping shows the server is up and reading.
        await this.#request(session, 'ping', undefined, timeout, true);
      } else {
        session.initResult = await this.#request(session, 'initialize', this.#initParams, timeout);
        if (this.#initializedSeen) {
          session.replayed = true;
          session.child.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          if (this.#logLevel !== undefined)
            await this.#request(session, 'logging/setLevel', { level: this.#logLevel }, timeout, true);
          for (const uri of this.#subscriptions)
            await this.#request(session, 'resources/subscribe', { uri }, timeout, true);
        }
      }
    } catch (error) {
      session.stopping = true;
      await child.stop(500);
      const exit = child.exit === undefined ? '' : ` (exited with ${describeExit(child.exit)})`;
      throw new DevError(
        'START_FAILED',
        `the new server failed to start${exit}: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      this.#starting = undefined;
    }
    return session;
  }

  async #snapshot(session: Session): Promise<ListSnapshot> {
    const capabilities = (session.initResult?.capabilities ?? {}) as Record<string, unknown>;
    const snapshot: ListSnapshot = {};
    for (const kind of LIST_KINDS) {
      if (capabilities[kind] === undefined) continue;
      const items: Record<string, unknown>[] = [];
      let cursor: string | undefined;
      try {
        for (let page = 0; page < 50; page++) {
          const result = await this.#request(
            session,
            `${kind}/list`,
            cursor === undefined ? {} : { cursor },
            this.#options.startTimeoutMs ?? 15_000,
          );
          const list = result[kind];
          if (Array.isArray(list)) items.push(...(list as Record<string, unknown>[]));
          cursor = typeof result.nextCursor === 'string' ? result.nextCursor : undefined;
          if (cursor === undefined) break;
        }
      } catch {
        continue; // The kind stays unknown; the next reload compares against what is known.
      }
      snapshot[kind] = items;
    }
    return snapshot;
  }

  #serving(): boolean {
    return this.#current !== undefined && this.#current.state === 'ready';
  }

  #goDown(reason: string): void {
    this.#downReason = reason;
    this.#failQueue(reason);
  }

  #scheduleRestart(reason: string): void {
    if (this.#closed) return;
    const base = this.#options.backoffMs ?? 250;
    const delay = Math.min(base * 2 ** this.#crashesInARow, this.#options.maxBackoffMs ?? 8000);
    this.#crashesInARow += 1;
    this.#downReason = `${reason}; restarting in ${delay} ms`;
    this.#options.log(`mcp-factory dev: restarting the server in ${delay} ms\n`);
    this.#restartTimer = setTimeout(() => void this.reload('crash', false), delay);
  }

  /** A replaced child: finishes what it has in flight within the grace period, then stops. */
  #retire(session: Session): void {
    session.state = 'draining';
    this.#draining.add(session);
    if (session.clientPending === 0) {
      void this.#stop(session);
      return;
    }
    session.drainTimer = setTimeout(() => {
      this.#failPending(session, 'server reloading, retry', 'reload');
      void this.#stop(session);
    }, this.#options.graceMs ?? 5000);
  }

  async #stop(session: Session): Promise<void> {
    session.stopping = true;
    clearTimeout(session.drainTimer);
    await session.child.stop();
    this.#draining.delete(session);
  }

  #onExit(session: Session, exit: ChildExit): void {
    const wasReady = session.state === 'ready';
    session.state = 'exited';
    clearTimeout(session.drainTimer);
    this.#draining.delete(session);
    this.#failPending(session, `server exited (${describeExit(exit)}) before answering, retry`, 'exit');
    for (const [id, target] of this.#serverRequests) if (target.session === session) this.#serverRequests.delete(id);
    if (session !== this.#current || session.stopping || this.#closed || !wasReady) return;
    this.#current = undefined;
    if (performance.now() - session.readyAt > 10_000) this.#crashesInARow = 0;
    const message = `the server exited unexpectedly (${describeExit(exit)})`;
    this.#reportError(`${message}; restarting it`);
    this.#scheduleRestart(message);
  }

  // ---- routing ----------------------------------------------------------------------------

  #fromClient(message: JsonRpcMessage): void {
    if (this.#closed) return;
    if (isRequest(message)) {
      this.#clientRequest(message);
      return;
    }
    if (isNotification(message)) {
      if (message.method === 'notifications/initialized') this.#initializedSeen = true;
      if (message.method === 'notifications/cancelled') {
        this.#cancel(message);
        return;
      }
      this.#deliverOrQueue(message);
      return;
    }
    if (isResponse(message) && typeof message.id === 'number') {
      const target = this.#serverRequests.get(message.id);
      if (target === undefined) return;
      this.#serverRequests.delete(message.id);
      target.session.child.send({ ...message, id: target.childId });
    }
  }

  #clientRequest(message: JsonRpcMessage & { id: JsonRpcId; method: string }): void {
    const params = message.params ?? {};
    if (message.method === 'tools/call' && params.name === RELOAD_TOOL_NAME) {
      void this.reload('tool', true).then((report) => this.#toClient(reloadToolResult(message.id, report)));
      return;
    }
    if (message.method === 'initialize') this.#initParams = params;
    if (message.method === 'logging/setLevel' && typeof params.level === 'string') this.#logLevel = params.level;
    if (message.method === 'resources/subscribe' && typeof params.uri === 'string') this.#subscriptions.add(params.uri);
    if (message.method === 'resources/unsubscribe' && typeof params.uri === 'string')
      this.#subscriptions.delete(params.uri);
    this.#deliverOrQueue(message);
  }

  #deliverOrQueue(message: JsonRpcMessage): void {
    const current = this.#current;
    if (current !== undefined && current.state === 'ready' && !this.#swapping) {
      this.#deliver(current, message);
      return;
    }
    // Queued while a child is being started (the first one, a reload's or a crash's restart);
    // refused at once while the server is down (until the next save).
    if (
      this.#swapping ||
      this.#restartTimer !== undefined ||
      (current === undefined && this.#downReason === undefined)
    ) {
      this.#queue.push(message);
      if (isRequest(message)) this.#clientRequests.set(idKey(message.id), 'queued');
      return;
    }
    if (isRequest(message)) this.#replyRetry(message.id, `server is down: ${this.#downReason ?? 'not started'}`);
  }

  #deliver(session: Session, message: JsonRpcMessage): void {
    if (!isRequest(message)) {
      if (message.method === 'notifications/initialized') {
        if (session.replayed) return; // the replay sent it already
        session.child.send(message);
        void this.#snapshot(session).then((lists) => {
          if (this.#current === session) this.#lastLists = lists;
        });
        return;
      }
      session.child.send(message);
      return;
    }
    const childId = session.nextId++;
    session.pending.set(childId, { kind: 'client', clientId: message.id, method: message.method });
    this.#clientRequests.set(idKey(message.id), { session, childId });
    session.child.send({ ...message, id: childId });
  }

  #flushQueue(session: Session): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const message of queue) this.#deliver(session, message);
  }

  #failQueue(reason: string): void {
    const queue = this.#queue;
    this.#queue = [];
    for (const message of queue) if (isRequest(message)) this.#replyRetry(message.id, `server is down: ${reason}`);
  }

  #cancel(message: JsonRpcMessage): void {
    const requestId = message.params?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const target = this.#clientRequests.get(idKey(requestId));
    if (target === undefined) return;
    if (target === 'queued') {
      // Never sent: drop it; a cancelled request gets no response.
      this.#queue = this.#queue.filter((queued) => !(isRequest(queued) && queued.id === requestId));
      this.#clientRequests.delete(idKey(requestId));
      return;
    }
    target.session.child.send({ ...message, params: { ...message.params, requestId: target.childId } });
  }

  #fromChild(session: Session, message: JsonRpcMessage): void {
    if (isResponse(message)) {
      if (typeof message.id !== 'number') return;
      const pending = session.pending.get(message.id);
      if (pending === undefined) return;
      session.pending.delete(message.id);
      if (pending.kind === 'internal') {
        if (message.error !== undefined) pending.reject(new Error(`${message.error.message} (${message.error.code})`));
        else pending.resolve(message.result ?? {});
      } else {
        this.#clientRequests.delete(idKey(pending.clientId));
        this.#toClient(this.#rewriteResponse(session, pending, message));
      }
      if (session.state === 'draining' && session.clientPending === 0) void this.#stop(session);
      return;
    }
    if (session.state === 'starting' || session.state === 'exited') return;
    if (isRequest(message)) {
      const proxyId = this.#nextServerRequestId++;
      this.#serverRequests.set(proxyId, { session, childId: message.id });
      this.#toClient({ ...message, id: proxyId });
      return;
    }
    if (message.method === 'notifications/cancelled') {
      const requestId = message.params?.requestId;
      for (const [proxyId, target] of this.#serverRequests)
        if (target.session === session && target.childId === requestId) {
          this.#serverRequests.delete(proxyId);
          this.#toClient({ ...message, params: { ...message.params, requestId: proxyId } });
        }
      return;
    }
    this.#toClient(message);
  }

  #rewriteResponse(
    session: Session,
    pending: Extract<Pending, { kind: 'client' }>,
    message: JsonRpcMessage,
  ): JsonRpcMessage {
    const result = message.result;
    if (result === undefined) return { ...message, id: pending.clientId };
    if (pending.method === 'initialize') {
      session.initResult = result;
      // The proxy sends list_changed after reloads, whatever the server itself declares.
      const capabilities = { ...(result.capabilities as Record<string, unknown> | undefined) };
      for (const kind of LIST_KINDS)
        if (kind === 'tools' || capabilities[kind] !== undefined)
          capabilities[kind] = { ...(capabilities[kind] as object | undefined), listChanged: true };
      return { ...message, id: pending.clientId, result: { ...result, capabilities } };
    }
    if (pending.method === 'tools/list' && result.nextCursor === undefined && Array.isArray(result.tools))
      return {
        ...message,
        id: pending.clientId,
        result: { ...result, tools: [...(result.tools as unknown[]), RELOAD_TOOL] },
      };
    return { ...message, id: pending.clientId };
  }

  /** Sends a request of the proxy's own; `anyAnswer` resolves on an error response too. */
  #request(
    session: Session,
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
    anyAnswer = false,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolvePromise, reject) => {
      if (session.state === 'exited') {
        reject(new DevError('START_FAILED', 'the server exited'));
        return;
      }
      const id = session.nextId++;
      const timer = setTimeout(() => {
        session.pending.delete(id);
        reject(new DevError('CHILD_TIMEOUT', `no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      session.pending.set(id, {
        kind: 'internal',
        resolve: (result) => {
          clearTimeout(timer);
          resolvePromise(result);
        },
        reject: (error) => {
          clearTimeout(timer);
          if (anyAnswer && !(error instanceof DevError)) resolvePromise({});
          else reject(error);
        },
      });
      session.child.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    });
  }

  #failPending(session: Session, message: string, reason: 'reload' | 'exit'): void {
    const pending = [...session.pending.values()];
    session.pending.clear();
    for (const item of pending) {
      if (item.kind === 'internal') item.reject(new DevError('START_FAILED', message));
      else {
        this.#clientRequests.delete(idKey(item.clientId));
        this.#replyRetry(item.clientId, message, reason);
      }
    }
  }

  #replyRetry(id: JsonRpcId, message: string, reason: 'reload' | 'exit' | 'down' = 'down'): void {
    this.#clientRequests.delete(idKey(id));
    this.#toClient({
      jsonrpc: '2.0',
      id,
      error: { code: RELOADING_ERROR_CODE, message, data: { retryable: true, reason } },
    });
  }

  /** An error for the developer: on stderr, and to the client as a log message. */
  #reportError(text: string): void {
    this.#options.log(`mcp-factory dev: ${text}\n`);
    const threshold = this.#logLevel === undefined ? 0 : LOG_LEVELS.indexOf(this.#logLevel);
    if (this.#initializedSeen && LOG_LEVELS.indexOf('error') >= threshold)
      this.#toClient({
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'error', logger: 'mcp-factory-dev', data: text },
      });
  }

  #toClient(message: JsonRpcMessage): void {
    writeMessage(this.#options.output, message);
  }
}

/** The meta-tool's answer: what the reload did, as text and structured content. */
function reloadToolResult(id: JsonRpcId, report: ReloadReport): JsonRpcMessage {
  const text = report.ok
    ? `Reloaded in ${report.durationMs} ms (server generation ${String(report.generation)}).\n${
        report.changes === undefined ? 'Lists not compared (no handshake).' : describeChanges(report.changes)
      }`
    : `Reload failed at ${String(report.stage)}; the previous server keeps serving if it was running.\n${String(report.error)}`;
  return {
    jsonrpc: '2.0',
    id,
    result: {
      content: [{ type: 'text', text }],
      structuredContent: { ...report },
      ...(report.ok ? {} : { isError: true }),
    },
  };
}
