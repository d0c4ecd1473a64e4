/**
 * One downstream server as the gateway sees it: connected lazily on first use, stopped after an
 * idle timeout, restarted with backoff after a crash, its stderr appended to a per-server log
 * file, and every request bounded by a deadline so a dead or slow server fails only its own calls.
 *
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

import type {
  Client,
  StreamableHTTPClientTransport,
  CallToolResult,
  Prompt,
  Resource,
  ResourceTemplateType as ResourceTemplate,
  Tool,
} from '@modelcontextprotocol/client';
import type { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { deliverProgressBeforeResults } from '@mcp-factory/runtime';

import { currentProcessTable, descendants, seeProcesses, stillRunning, terminate } from '../dev/process-tree.js';
import { markedProcesses, newTreeMarker, sweepMarked, type TreeMarker } from '../dev/tree-marker.js';
import { batchedStdioTransport, childProcessOf } from './batched-stdio.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { toolsHash } from './tools-hash.js';
import type { ServerSpec } from './server-source.js';

/** The SDK client module, loaded on the first start. */
type ClientSdk = typeof import('@modelcontextprotocol/client');

/** Lifecycle state of a {@link Downstream}. */
export type DownstreamState = 'stopped' | 'starting' | 'running' | 'backoff' | 'failed';

/** Something worth telling the client about (sent as a log notification and to stderr). */
export interface DownstreamEvent {
  readonly server: string;
  readonly level: 'info' | 'warning' | 'error';
  readonly message: string;
}

/** Options of {@link Downstream}. */
export interface DownstreamOptions {
  /** Folder of the per-server stderr logs (`<name>.log`); created on demand. */
  readonly logDir: string;
  /** Stop a server idle this long (no call in flight); 0 never stops. Default 10 minutes. */
  readonly idleMs?: number;
  /** Deadline of one request in milliseconds. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Deadline of starting and initializing. Default 20 000. */
  readonly startTimeoutMs?: number;
  /** First restart delay after a crash; doubles per consecutive crash. Default 250. */
  readonly backoffMs?: number;
  /** Longest restart delay. Default 30 000. */
  readonly maxBackoffMs?: number;
  /** Consecutive crashes after which the server is marked failed until reloaded. Default 5. */
  readonly maxCrashes?: number;
  /** Called on lifecycle events (crash, restart, idle stop). */
  readonly onEvent?: (event: DownstreamEvent) => void;
  /** Called when the server's tools/resources/prompts changed (list_changed or a reconnect). */
  readonly onListChanged?: (server: string) => void;
  /**
   * Server-to-client requests (`sampling/createMessage`, `elicitation/create`) are answered by this
   * function (direct mode relays them to the gateway's client); without it the client declares no
   * such capability.
   */
  readonly onRequest?: (server: string, method: string, params: unknown) => Promise<unknown>;
  /** Called with the server's log messages and resource updates, for fronts to relay. */
  readonly onNotification?: (server: string, notification: { method: string; params?: unknown }) => void;
}

/** What the gateway caches of a running server. */
export interface DownstreamCatalog {
  readonly tools: readonly Tool[];
  readonly resources: readonly Resource[];
  readonly resourceTemplates: readonly ResourceTemplate[];
  readonly prompts: readonly Prompt[];
}

const EMPTY: DownstreamCatalog = { tools: [], resources: [], resourceTemplates: [], prompts: [] };

/** Per-request options. */
export interface RequestBounds {
  readonly signal?: AbortSignal;
  /** Receives the server's progress notifications for this request (tools/call only). */
  readonly onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
  /** Overrides the default deadline (e.g. the remaining budget of the caller). */
  readonly timeoutMs?: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One downstream server connection. */
export class Downstream {
  state: DownstreamState = 'stopped';
  /** Crashes since the last stable run. */
  crashes = 0;
  /** Total restarts after crashes. */
  restarts = 0;
  lastError: string | undefined;
  /** True once a pinned server's tools matched their hash (see `ServerSpec.toolsHash`). */
  private verified = false;
  private client: Client | undefined;
  /** The lazily loaded SDK client module, once a start loaded it (the gateway starts without it). */
  private sdk: ClientSdk | undefined;
  /** The running server's process id (stdio servers), for the tree kill on stop. */
  private pid: () => number | null = () => null;
  /** The environment marker of the running stdio server's tree (see ../dev/tree-marker.ts). */
  private marker: TreeMarker | undefined;
  private connecting: Promise<Client> | undefined;
  /** Counts stops: a start that a stop overtook does not stay up (see `start`). */
  private stopGeneration = 0;
  /** The {@link stopGeneration} `connecting` was begun in. */
  private connectingGeneration = 0;
  private catalog: DownstreamCatalog | undefined;
  private catalogLoading: Promise<DownstreamCatalog> | undefined;
  private inflight = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private backoffTimer: NodeJS.Timeout | undefined;
  private backoffWait: Promise<void> | undefined;
  private stderrFd: number | undefined;
  private stopping = false;
  private startedAt = 0;
  private readonly idleMs: number;
  /** Deadline of one request when the caller gives none. */
  readonly requestTimeoutMs: number;
  private readonly startTimeoutMs: number;

  constructor(
    readonly spec: ServerSpec,
    private readonly options: DownstreamOptions,
  ) {
    this.idleMs = options.idleMs ?? 600_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 20_000;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The per-server stderr log file. */
  get logFile(): string {
    return join(this.options.logDir, `${this.spec.name}.log`);
  }

  /** The connected client's capabilities and info (after a connect). */
  get serverInfo(): Client | undefined {
    return this.client;
  }

  /** Connects if needed (lazily), waiting out a pending restart. */
  async connect(bounds: RequestBounds = {}): Promise<Client> {
    if (this.client !== undefined && this.state === 'running') return this.client;
    if (this.state === 'failed') {
      throw new GatewayError(
        GatewayErrorCode.Unavailable,
        `server "${this.name}" was given up on (${this.lastError ?? 'no detail'}); reload it with reload_server, see ${this.logFile}`,
        this.name,
      );
    }
    if (this.backoffWait !== undefined) await this.bounded(this.backoffWait, bounds, 'restart');
    const previous = this.connecting;
    let connecting: Promise<Client>;
    if (previous !== undefined && this.connectingGeneration === this.stopGeneration) connecting = previous;
    else {
      // A start that a stop overtook ends stopped: the next connect (reload_server) starts anew after
      // it, and every connect until the next stop shares that one start.
      const begun =
        previous === undefined
          ? this.start()
          : previous.then(
              () => this.start(),
              () => this.start(),
            );
      const attempt: Promise<Client> = begun.finally(() => {
        if (this.connecting === attempt) this.connecting = undefined;
      });
      this.connecting = attempt;
      this.connectingGeneration = this.stopGeneration;
      connecting = attempt;
    }
    return this.bounded(connecting, { ...bounds, timeoutMs: bounds.timeoutMs ?? this.startTimeoutMs }, 'start');
  }

  private async bounded<T>(promise: Promise<T>, bounds: RequestBounds, what: string): Promise<T> {
    const timeoutMs = bounds.timeoutMs ?? this.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new GatewayError(
                  GatewayErrorCode.Timeout,
                  `server "${this.name}" did not ${what} within ${timeoutMs} ms`,
                  this.name,
                ),
              ),
            timeoutMs,
          );
          onAbort = () => reject(new GatewayError(GatewayErrorCode.Unavailable, 'cancelled', this.name));
          bounds.signal?.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) bounds.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async start(): Promise<Client> {
    const generation = this.stopGeneration;
    this.state = 'starting';
    this.stopping = false;
    // The SDK client loads on the first connect: a gateway over many lazy servers starts without it.
    const [sdk, { StdioClientTransport }] = await Promise.all([
      import('@modelcontextprotocol/client'),
      import('@modelcontextprotocol/client/stdio'),
    ]);
    this.sdk = sdk;
    const { Client, StreamableHTTPClientTransport } = sdk;
    const onRequest = this.options.onRequest;
    const client = new Client(
      { name: 'mcp-factory-gateway', version: '0.1.0' },
      { capabilities: onRequest === undefined ? {} : { sampling: {}, elicitation: { form: {}, url: {} } } },
    );
    if (onRequest !== undefined) {
      client.setRequestHandler(
        'sampling/createMessage',
        (request) => onRequest(this.name, 'sampling/createMessage', request.params) as never,
      );
      client.setRequestHandler(
        'elicitation/create',
        (request) => onRequest(this.name, 'elicitation/create', request.params) as never,
      );
    }
    let transport: StdioClientTransport | StreamableHTTPClientTransport;
    const spec = this.spec;
    let marker: TreeMarker | undefined;
    if (spec.kind === 'stdio') {
      mkdirSync(this.options.logDir, { recursive: true });
      this.stderrFd = openSync(this.logFile, 'a');
      // Last, so a configured variable of the same name cannot take the marker away.
      marker = newTreeMarker(spec.name);
      transport = batchedStdioTransport(StdioClientTransport, {
        command: spec.command,
        args: [...spec.args],
        env: { ...spec.env, [marker.variable]: marker.value },
        stderr: this.stderrFd,
        ...(spec.cwd === undefined ? {} : { cwd: spec.cwd }),
      });
    } else {
      transport = new StreamableHTTPClientTransport(new URL(spec.url), {
        requestInit: { headers: { ...spec.headers } },
      });
    }
    if (transport instanceof StdioClientTransport) {
      const stdio = transport;
      this.pid = () => stdio.pid;
    } else this.pid = () => null;
    client.onclose = () => this.onClosed(client);
    const refresh = (): void => {
      this.catalog = undefined;
      this.options.onListChanged?.(this.name);
    };
    client.setNotificationHandler('notifications/tools/list_changed', refresh);
    client.setNotificationHandler('notifications/resources/list_changed', refresh);
    client.setNotificationHandler('notifications/prompts/list_changed', refresh);
    const relay = (notification: { method: string; params?: unknown }): void =>
      this.options.onNotification?.(this.name, notification);
    client.setNotificationHandler('notifications/message', relay);
    client.setNotificationHandler('notifications/resources/updated', relay);
    try {
      await client.connect(transport, { timeout: this.startTimeoutMs });
      // Progress a server sends right before its result must reach the caller (typescript-sdk#2580).
      deliverProgressBeforeResults(client);
    } catch (error) {
      this.releaseStderr();
      // spawn reports a missing working folder as ENOENT of the command: say which one is missing.
      const missingCwd =
        spec.kind === 'stdio' && spec.cwd !== undefined && !existsSync(spec.cwd) ? spec.cwd : undefined;
      this.lastError =
        missingCwd === undefined ? messageOf(error) : `its working folder (cwd) ${missingCwd} does not exist`;
      this.state = 'stopped';
      await client.close().catch(() => undefined);
      if (marker !== undefined) await sweepMarked(marker);
      throw new GatewayError(
        GatewayErrorCode.StartFailed,
        `server "${this.name}" failed to start: ${this.lastError}${spec.kind === 'stdio' ? ` (stderr in ${this.logFile})` : ''}`,
        this.name,
        { cause: error },
      );
    }
    if (this.stopGeneration !== generation) {
      // stop() came while it was starting (unload_server during a load): it does not stay up.
      await client.close().catch(() => undefined);
      if (marker !== undefined) await sweepMarked(marker);
      this.releaseStderr();
      this.state = 'stopped';
      throw new GatewayError(
        GatewayErrorCode.Unavailable,
        `server "${this.name}" was stopped while it was starting`,
        this.name,
      );
    }
    this.client = client;
    this.marker = marker;
    this.state = 'running';
    this.startedAt = Date.now();
    if (marker !== undefined && transport instanceof StdioClientTransport) this.sweepOnCrash(transport, marker);
    this.touch();
    return client;
  }

  /**
   * Sweeps the server's marker when its process exits by itself. The SDK only reports a close once
   * every holder of the server's pipes is gone: a wrapper's child that inherited them would keep
   * serving (or hang) as an orphan, and a helper with no pipe would stay forever.
   */
  private sweepOnCrash(transport: StdioClientTransport, marker: TreeMarker): void {
    const child = childProcessOf(transport);
    if (child === undefined) return;
    const sweep = (): void => {
      // An intentional stop sweeps by itself, once the server's tree is down.
      if (!this.stopping) void sweepMarked(marker);
    };
    // It may have exited during the handshake already (a child holding its pipes answered).
    if (child.exitCode !== null || child.signalCode !== null) sweep();
    else child.once('exit', sweep);
  }

  private releaseStderr(): void {
    if (this.stderrFd !== undefined) {
      closeSync(this.stderrFd);
      this.stderrFd = undefined;
    }
  }

  private onClosed(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.catalog = undefined;
    this.releaseStderr();
    clearTimeout(this.idleTimer);
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    // A crash: back off, then restart so the next call finds it running.
    if (Date.now() - this.startedAt > 60_000) this.crashes = 0;
    this.crashes += 1;
    this.lastError = `exited unexpectedly`;
    const maxCrashes = this.options.maxCrashes ?? 5;
    if (this.crashes >= maxCrashes) {
      this.state = 'failed';
      this.lastError = `crashed ${this.crashes} times in a row`;
      this.emit('error', `server "${this.name}" crashed ${this.crashes} times in a row; giving up until reload_server`);
      return;
    }
    const delay = Math.min(
      this.options.maxBackoffMs ?? 30_000,
      (this.options.backoffMs ?? 250) * 2 ** (this.crashes - 1),
    );
    this.state = 'backoff';
    this.emit('warning', `server "${this.name}" crashed; restarting in ${delay} ms (crash ${this.crashes})`);
    this.backoffWait = new Promise<void>((resolve) => {
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = undefined;
        this.backoffWait = undefined;
        this.state = 'stopped';
        resolve();
        this.restarts += 1;
        this.connect().then(
          () => {
            this.emit('info', `server "${this.name}" restarted`);
            this.options.onListChanged?.(this.name);
          },
          (error: unknown) => this.emit('error', messageOf(error)),
        );
      }, delay);
      this.backoffTimer.unref();
    });
  }

  private emit(level: DownstreamEvent['level'], message: string): void {
    this.options.onEvent?.({ server: this.name, level, message });
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs <= 0 || this.inflight > 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.inflight > 0 || this.state !== 'running') return;
      this.emit('info', `server "${this.name}" idle for ${this.idleMs} ms; stopped (it restarts on next use)`);
      void this.stop();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /**
   * Runs `work` against the connected client, counting it as in flight and mapping failures. The
   * SDK request carries the caller's signal and what is left of the deadline as its own timeout:
   * either one cancels it (the downstream gets `notifications/cancelled`), and the caller gets
   * {@link GatewayErrorCode.Timeout} or, when it cancelled, {@link GatewayErrorCode.Unavailable}.
   * No controller, timer or promise race of the gateway's own per call: the SDK has them already.
   */
  async use<T>(
    what: string,
    work: (client: Client, options: { timeout: number; signal?: AbortSignal }, sdk: ClientSdk) => Promise<T>,
    bounds: RequestBounds = {},
  ): Promise<T> {
    const started = Date.now();
    const budget = bounds.timeoutMs ?? this.requestTimeoutMs;
    const client = await this.connect({ ...bounds, timeoutMs: budget });
    // Set by the start that made `client`, before it connected.
    const sdk = this.sdk as ClientSdk;
    // The caller's budget (what its own deadline leaves) bounds the start and the request; the
    // request alone is also held to `--timeout-ms`, the deadline of one downstream call.
    const remaining = Math.max(1, Math.min(this.requestTimeoutMs, budget - (Date.now() - started)));
    const signal = bounds.signal;
    this.inflight += 1;
    clearTimeout(this.idleTimer);
    try {
      return await work(client, signal === undefined ? { timeout: remaining } : { timeout: remaining, signal }, sdk);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      // The SDK reports a cancellation as a timeout too: the caller's signal tells them apart.
      if (signal?.aborted === true) throw new GatewayError(GatewayErrorCode.Unavailable, 'cancelled', this.name);
      if (error instanceof sdk.SdkError && error.code === sdk.SdkErrorCode.RequestTimeout)
        throw new GatewayError(
          GatewayErrorCode.Timeout,
          `server "${this.name}" did not answer ${what} within ${remaining} ms`,
          this.name,
          { cause: error },
        );
      const message = messageOf(error);
      if (this.client !== client || /connection closed/i.test(message)) {
        // Stopped on purpose (unload, reload, replace, close) is not an exit to recover from.
        throw new GatewayError(
          this.stopping ? GatewayErrorCode.Unavailable : GatewayErrorCode.ServerExited,
          this.stopping
            ? `server "${this.name}" was stopped during ${what}`
            : `server "${this.name}" went away during ${what}: ${message}`,
          this.name,
          { cause: error },
        );
      }
      throw error;
    } finally {
      this.inflight -= 1;
      this.touch();
    }
  }

  /** Tools, resources, templates and prompts; cached until the server says its lists changed. */
  async list(bounds: RequestBounds = {}): Promise<DownstreamCatalog> {
    if (this.catalog !== undefined && this.state === 'running') return this.catalog;
    this.catalogLoading ??= this.use(
      'its lists',
      async (client, options) => {
        const caps = client.getServerCapabilities() ?? {};
        // The gateway caches catalogs itself and drops them on list_changed: always ask the server.
        const fresh = { ...options, cacheMode: 'refresh' as const };
        const [tools, resources, resourceTemplates, prompts] = await Promise.all([
          caps.tools === undefined ? [] : client.listTools(undefined, fresh).then((r) => r.tools),
          caps.resources === undefined ? [] : client.listResources(undefined, fresh).then((r) => r.resources),
          caps.resources === undefined
            ? []
            : client.listResourceTemplates(undefined, fresh).then((r) => r.resourceTemplates),
          caps.prompts === undefined ? [] : client.listPrompts(undefined, fresh).then((r) => r.prompts),
        ]);
        const catalog = { tools, resources, resourceTemplates, prompts };
        const pinned = this.spec.kind === 'stdio' ? this.spec.toolsHash : undefined;
        if (pinned !== undefined) {
          const actual = toolsHash(tools);
          if (actual !== pinned) {
            this.lastError = `tools changed since install (pinned ${pinned}, now ${actual})`;
            void this.stop().then(() => {
              this.state = 'failed';
            });
            throw new GatewayError(
              GatewayErrorCode.PinMismatch,
              `server "${this.name}" refused: its ${this.lastError}; reinstall it to accept the new tools`,
              this.name,
            );
          }
          this.verified = true;
        }
        if (this.client === client) this.catalog = catalog;
        return catalog;
      },
      bounds,
    ).finally(() => {
      this.catalogLoading = undefined;
    });
    return this.catalogLoading;
  }

  /** The cached catalog without connecting (empty when never listed). */
  cached(): DownstreamCatalog {
    return this.catalog ?? EMPTY;
  }

  /** Calls one tool (a pinned server's tools are checked against their hash first). */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    bounds: RequestBounds = {},
  ): Promise<CallToolResult> {
    if (this.spec.kind === 'stdio' && this.spec.toolsHash !== undefined && !this.verified) await this.list(bounds);
    return this.use<CallToolResult>(
      `tools/call ${name}`,
      (client, options, sdk) =>
        // With the result schema named, the SDK skips its per-request probe of the era's registry,
        // which validates `undefined` and formats the failure (about 20 µs of CPU per call).
        client.request(
          { method: 'tools/call', params: { name, ...(args === undefined ? {} : { arguments: args }) } },
          sdk.specTypeSchemas.CallToolResult,
          bounds.onProgress === undefined ? options : { ...options, onprogress: bounds.onProgress },
        ),
      bounds,
    );
  }

  /** Stops the server (an intentional stop, not a crash). */
  async stop(): Promise<void> {
    this.stopGeneration += 1;
    this.stopping = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    this.backoffWait = undefined;
    const client = this.client;
    this.client = undefined;
    this.catalog = undefined;
    this.state = 'stopped';
    // What the server started (a wrapper's real server, helpers) is collected while the server
    // still holds it; the SDK's close stops the server itself (stdin EOF, then SIGTERM), and
    // whatever of its tree outlived it gets SIGTERM, a grace period, then SIGKILL, together with
    // what had left the tree before (reparented) and still carries the marker.
    const pid = client === undefined ? null : this.pid();
    const marker = this.marker;
    this.marker = undefined;
    const tree = pid === null ? [] : seeProcesses(descendants(pid, currentProcessTable()));
    if (client !== undefined) await client.close().catch(() => undefined);
    await terminate(() => [
      ...new Set([...stillRunning(tree), ...(marker === undefined ? [] : markedProcesses(marker.entry))]),
    ]);
    this.releaseStderr();
  }

  /** Stops, forgets crash history and (unless `lazy`) starts again. */
  async reload(lazy = false): Promise<void> {
    await this.stop();
    this.crashes = 0;
    this.lastError = undefined;
    if (!lazy) await this.connect();
    this.options.onListChanged?.(this.name);
  }
}
