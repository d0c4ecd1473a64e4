/**
 * `createGateway`: many downstream servers behind one MCP server built on the runtime. The
 * returned {@link Gateway} holds the downstreams and their catalogs; its `app` is a runtime
 * `McpApp`, so `serve(app, …)` puts it on stdio or on the runtime's HTTP front (auth, Origin,
 * rate limits), and every call goes through the runtime's policy chain (journal, metrics,
 * deadlines), recording which downstream served it.
 *
 * @module
 */
import { join } from 'node:path';

import {
  createServer,
  factoryStateHome,
  type Journal,
  type JournalOptions,
  type Logger,
  type McpApp,
  type McpServer,
  type RuntimeMetrics,
  z,
} from '@mcp-factory/runtime';
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import type { ServerContext } from '@modelcontextprotocol/server';

import { compileAccessLists, type AccessLists, type AccessPolicy } from './access-lists.js';
import { CallRecorder } from './call-record.js';
import { Downstream, type DownstreamEvent, type RequestBounds } from './downstream.js';
import { GatewayError, GatewayErrorCode, isGatewayError } from './errors.js';
import { registerExposedLists } from './exposed-lists.js';
import type { FactoryToolsOptions } from './factory-tools.js';
import { installedServers } from './install.js';
import { metaTools } from './meta-tools.js';
import { leanSchema } from './search-answer.js';
import { RelayDownstream } from './relay-downstream.js';
import type { ServerSource, ServerSpec } from './server-source.js';
import { ToolIndex, type ToolMatch } from './tool-index.js';

/** How downstream tools are offered: see the README's gateway section. */
export type ExposeMode = 'meta' | 'all' | 'direct';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  readonly source: ServerSource;
  /** Default `meta`. `direct` requires exactly one configured server. */
  readonly expose?: ExposeMode;
  readonly access?: AccessLists;
  /** State folder; default the factory's (`MCP_FACTORY_STATE_HOME`, XDG, ~/.local/state/mcp-factory). */
  readonly stateHome?: string;
  /** Downstream stderr logs; default `<stateHome>/gateway/logs`. */
  readonly logDir?: string;
  /** Stop a downstream idle this long; default 10 minutes; 0 never. */
  readonly idleMs?: number;
  /** Deadline of one downstream request; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Deadline of starting a downstream; default 20 s. */
  readonly startTimeoutMs?: number;
  /** First restart delay after a crash; default 250 ms. */
  readonly backoffMs?: number;
  /** Meta mode: load search_tools' thesaurus and word vectors this long after `init()`; default 3 s; 0 never (the first search does). */
  readonly warmSearchAfterMs?: number;
  readonly journal?: Journal | JournalOptions | false;
  readonly metrics?: RuntimeMetrics | false;
  readonly logger?: Logger;
  /** Extra servers (e.g. installed ones) appended to the source's. */
  readonly extraServers?: () => Promise<readonly ServerSpec[]>;
  /** Enables `install_server`: where installed servers live; default `<stateHome>/gateway/servers`. */
  readonly installDir?: string;
  /** Enables `create_server` and `test_server` (the factory over MCP). */
  readonly factory?: FactoryToolsOptions;
}

/** A server's state as `list_servers` reports it. */
export interface ServerStatus {
  readonly name: string;
  readonly kind: 'stdio' | 'http';
  readonly state: Downstream['state'];
  readonly tools: number | null;
  readonly restarts: number;
  readonly lastError?: string;
  readonly log?: string;
}

/** A running gateway. */
export interface Gateway {
  readonly app: McpApp;
  readonly expose: ExposeMode;
  /** Loads the configured servers (no downstream starts). Called by `createGateway`'s caller before serving. */
  init(): Promise<void>;
  servers(): ServerStatus[];
  downstream(name: string): Downstream;
  /** Starts a server (if needed) and lists its catalog; returns the tool count. */
  load(name: string, bounds?: RequestBounds): Promise<number>;
  unload(name: string): Promise<void>;
  reload(name: string): Promise<number>;
  /** Loads every allowed server's tools (in parallel, failures reported) and searches them. */
  search(
    query: string,
    limit: number,
    bounds?: RequestBounds,
  ): Promise<{ matches: SearchMatch[]; unavailable: string[] }>;
  call(
    server: string,
    tool: string,
    args: Record<string, unknown> | undefined,
    bounds?: RequestBounds,
  ): Promise<CallToolResult>;
  /** Every allowed tool of every server (starting servers as needed). */
  allTools(bounds?: RequestBounds): Promise<{ server: string; tool: Tool }[]>;
  /** Runs a direct-mode call with `context` as the target of the server's requests (sampling, elicitation). */
  relaying<T>(context: ServerContext, work: () => Promise<T>): Promise<T>;
  /** Adds (or replaces) a server at run time (install_server). */
  addServer(spec: ServerSpec): void;
  /** Whether a server of that name is configured or installed. */
  hasServer(name: string): boolean;
  /** The compiled allow/deny lists. */
  readonly access: AccessPolicy;
  /** Records relayed calls (journal, metrics labelled by server and tool). */
  readonly recorder: CallRecorder;
  /**
   * `--expose direct` over a stdio server: that server as a byte relay for the passthrough fronts
   * (./passthrough.ts, ./http-relay.ts); undefined in other modes or for an HTTP server.
   */
  relayDownstream(onEvent?: (event: DownstreamEvent) => void): RelayDownstream | undefined;
  /** Called with a description whenever a catalog changed (fronts send list_changed). */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A search hit with what a model needs to call it. */
export interface SearchMatch extends ToolMatch {
  readonly description?: string;
  readonly inputSchema: unknown;
}

/** Least time left of a call's deadline for a repeated attempt to be worth starting. */
const RETRY_MIN_MS = 100;

/** Whether `tool` of a server with these tools declares that running it twice is harmless. */
function safeToRepeat(tools: readonly Tool[] | undefined, tool: string): boolean {
  const annotations = tools?.find((candidate) => candidate.name === tool)?.annotations;
  return annotations?.readOnlyHint === true || annotations?.idempotentHint === true;
}

/** How long after `init()` meta mode loads what search_tools needs (see {@link ToolIndex.warm}). */
export const SEARCH_WARM_DELAY_MS = 3000;

/** Builds a gateway over `options.source`. Call `init()` before serving. */
export function createGateway(options: GatewayOptions): Gateway {
  const expose = options.expose ?? 'meta';
  const access: AccessPolicy = compileAccessLists(options.access);
  const stateHome = options.stateHome ?? factoryStateHome();
  const logDir = options.logDir ?? join(stateHome, 'gateway', 'logs');
  const downstreams = new Map<string, Downstream>();
  /** Last known tools per server: survives idle stops, so search does not restart everything. */
  const known = new Map<string, readonly Tool[]>();
  const index = new ToolIndex();
  let indexStale = true;
  const listeners = new Set<() => void>();
  const instances = new Set<McpServer>();
  /** Request contexts of the direct-mode calls in flight, oldest first. */
  const activeCalls: ServerContext[] = [];
  let recorder: CallRecorder | undefined;
  let warmTimer: NodeJS.Timeout | undefined;

  const notify = (server: string): void => {
    known.delete(server);
    indexStale = true;
    for (const listener of listeners) listener();
  };
  const onEvent = (event: DownstreamEvent): void => {
    app.logger[event.level === 'warning' ? 'warn' : event.level]({ server: event.server }, event.message);
    for (const instance of instances) {
      if (!instance.isConnected()) continue;
      instance
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- 2025-era clients see logs this way
        .sendLoggingMessage({ level: event.level, logger: 'gateway', data: event.message })
        .catch(() => undefined);
    }
  };

  // Direct mode: the one server's log messages and resource updates reach every connected client.
  const relay = (_server: string, notification: { method: string; params?: unknown }): void => {
    if (expose !== 'direct') return;
    for (const instance of instances) {
      if (!instance.isConnected()) continue;
      instance.server.notification(notification as never).catch(() => undefined);
    }
  };

  // Direct mode: a server-to-client request goes to the client whose call is in flight (the latest).
  const relayRequest = async (server: string, method: string, params: unknown): Promise<unknown> => {
    const caller = activeCalls.at(-1);
    if (caller === undefined) {
      throw new GatewayError(
        GatewayErrorCode.Unavailable,
        `server "${server}" sent ${method} outside of a call`,
        server,
      );
    }
    return caller.mcpReq.send({ method, params } as never);
  };

  const addServer = (spec: ServerSpec): void => {
    const previous = downstreams.get(spec.name);
    if (previous !== undefined) void previous.stop();
    downstreams.set(
      spec.name,
      new Downstream(spec, {
        logDir,
        ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
        ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
        onEvent,
        onListChanged: notify,
        onNotification: relay,
        ...(expose === 'direct' ? { onRequest: relayRequest } : {}),
      }),
    );
    notify(spec.name);
  };

  const downstream = (name: string): Downstream => {
    const found = downstreams.get(name);
    if (found === undefined) {
      const names = [...downstreams.keys()].join(', ');
      throw new GatewayError(
        GatewayErrorCode.UnknownServer,
        `no server "${name}" is configured (servers: ${names === '' ? 'none' : names})`,
        name,
      );
    }
    if (!access.serverAllowed(name)) {
      throw new GatewayError(
        GatewayErrorCode.Denied,
        `server "${name}" is excluded by the gateway's allow/deny lists`,
        name,
      );
    }
    return found;
  };

  const allowedTools = (server: string, tools: readonly Tool[]): Tool[] =>
    tools.filter((tool) => access.toolAllowed(server, tool.name));

  const load = async (name: string, bounds: RequestBounds = {}): Promise<number> => {
    const target = downstream(name);
    const catalog = await target.list(bounds);
    const tools = allowedTools(name, catalog.tools);
    if (known.get(name) !== tools) {
      known.set(name, tools);
      indexStale = true;
    }
    return tools.length;
  };

  const allowedServers = (): Downstream[] => [...downstreams.values()].filter((d) => access.serverAllowed(d.name));

  const loadAll = async (bounds: RequestBounds): Promise<string[]> => {
    const unavailable: string[] = [];
    await Promise.all(
      allowedServers().map(async (target) => {
        if (known.has(target.name)) return;
        try {
          await load(target.name, bounds);
        } catch (error) {
          unavailable.push(`${target.name}: ${(error as Error).message}`);
        }
      }),
    );
    return unavailable.sort();
  };

  /**
   * Calls `tool` on `target`. When the server exits with the call in flight, a tool that declares
   * it changes nothing (readOnlyHint) or that repeating it changes nothing more (idempotentHint)
   * is called once more on the restarted server (callTool waits out the restart), within the
   * call's deadline; any other call fails, since it may have acted before the exit. A server being
   * replaced or stopped on purpose is not restarted for it.
   */
  const callRepeatingAfterExit = async (
    target: Downstream,
    tool: string,
    args: Record<string, unknown> | undefined,
    bounds: RequestBounds,
  ): Promise<CallToolResult> => {
    const deadline = performance.now() + (bounds.timeoutMs ?? target.requestTimeoutMs);
    const remaining = (): number => Math.floor(deadline - performance.now());
    // Progress only ever increases, across a repeated attempt too.
    let lastProgress = -Infinity;
    const onProgress = bounds.onProgress;
    const attempt: RequestBounds =
      onProgress === undefined
        ? bounds
        : {
            ...bounds,
            onProgress: (progress) => {
              if (progress.progress <= lastProgress) return;
              lastProgress = progress.progress;
              onProgress(progress);
            },
          };
    try {
      return await target.callTool(tool, args, attempt);
    } catch (error) {
      const server = target.name;
      if (!isGatewayError(error, GatewayErrorCode.ServerExited) || downstreams.get(server) !== target) throw error;
      if (remaining() < RETRY_MIN_MS) throw error;
      // What the tool declares: as last listed, else as the restarted server lists it.
      const tools =
        known.get(server) ?? (await target.list({ ...attempt, timeoutMs: remaining() }).catch(() => undefined))?.tools;
      if (!safeToRepeat(tools, tool) || remaining() < RETRY_MIN_MS) throw error;
      app.logger.warn({ server, tool }, `server "${server}" exited during a call of ${tool}; calling it again`);
      return target.callTool(tool, args, { ...attempt, timeoutMs: remaining() });
    }
  };

  const gateway: Gateway = {
    get app() {
      return app;
    },
    expose,
    async init() {
      const installed = options.installDir === undefined ? [] : await installedServers(options.installDir);
      const configured = [...(await options.source.list()), ...((await options.extraServers?.()) ?? [])];
      // An installed server never takes the name of a configured one (nor the allow rules written for it).
      const taken = new Set(configured.map((spec) => spec.name));
      for (const spec of installed.filter((candidate) => taken.has(candidate.name))) {
        app.logger.warn(
          { server: spec.name },
          `installed server "${spec.name}" is not loaded: ${options.source.description} configures a server of that name`,
        );
      }
      const specs = [...configured, ...installed.filter((spec) => !taken.has(spec.name))];
      if (expose === 'direct' && specs.length !== 1) {
        throw new GatewayError(
          GatewayErrorCode.Usage,
          `--expose direct serves exactly one server; ${options.source.description} configures ${specs.length}`,
        );
      }
      for (const spec of specs) addServer(spec);
      // Meta mode: load the search's thesaurus and word vectors soon after start, once the client's
      // first requests are served, rather than inside the first search_tools call.
      if (expose === 'meta' && options.warmSearchAfterMs !== 0) {
        warmTimer = setTimeout(() => {
          const started = performance.now();
          index.warm().then(
            () => app.logger.debug({ ms: Math.round(performance.now() - started) }, 'search_tools data loaded'),
            (error: unknown) => app.logger.warn({ err: error }, 'search_tools data not loaded ahead'),
          );
        }, options.warmSearchAfterMs ?? SEARCH_WARM_DELAY_MS).unref();
      }
    },
    servers() {
      return [...downstreams.values()].map((d) => ({
        name: d.name,
        kind: d.spec.kind,
        state: access.serverAllowed(d.name) ? d.state : 'stopped',
        tools: known.get(d.name)?.length ?? null,
        restarts: d.restarts,
        ...(d.lastError === undefined ? {} : { lastError: d.lastError }),
        ...(d.spec.kind === 'stdio' ? { log: d.logFile } : {}),
      }));
    },
    downstream,
    load,
    async unload(name) {
      await downstream(name).stop();
    },
    async reload(name) {
      const target = downstream(name);
      await target.reload(true);
      return load(name);
    },
    async search(query, limit, bounds = {}) {
      const unavailable = await loadAll(bounds);
      if (indexStale) {
        index.reset([...known].flatMap(([server, tools]) => tools.map((tool) => ({ server, ...tool }))));
        indexStale = false;
      }
      const matches = index.query(query, limit).map((match) => {
        const tool = known.get(match.server)?.find((t) => t.name === match.tool);
        return {
          ...match,
          ...(tool?.description === undefined ? {} : { description: tool.description }),
          inputSchema: tool?.inputSchema ?? { type: 'object' },
        };
      });
      return { matches, unavailable };
    },
    async call(server, tool, args, bounds = {}) {
      const target = downstream(server);
      if (!access.toolAllowed(server, tool)) {
        throw new GatewayError(
          GatewayErrorCode.Denied,
          `tool "${tool}" of "${server}" is excluded by the gateway's allow/deny lists`,
          server,
        );
      }
      const started = performance.now();
      let status: 'ok' | 'error' = 'error';
      try {
        const result = await callRepeatingAfterExit(target, tool, args, bounds);
        if (result.isError !== true) status = 'ok';
        return result;
      } finally {
        gateway.recorder.count(server, tool, status, (performance.now() - started) / 1000);
      }
    },
    async allTools(bounds = {}) {
      await loadAll(bounds);
      return [...known].flatMap(([server, tools]) => tools.map((tool) => ({ server, tool })));
    },
    addServer,
    hasServer: (name) => downstreams.has(name),
    access,
    get recorder() {
      return (recorder ??= new CallRecorder(app.journal, app.metrics));
    },
    relayDownstream(onEvent) {
      const only = [...downstreams.values()][0];
      if (expose !== 'direct' || only === undefined || only.spec.kind !== 'stdio') return undefined;
      return new RelayDownstream(only.spec, {
        logDir,
        ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }),
        ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
        ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        onEvent: (event) => {
          app.logger[event.level === 'warning' ? 'warn' : event.level]({ server: event.server }, event.message);
          onEvent?.(event);
        },
      });
    },
    async relaying<T>(context: ServerContext, work: () => Promise<T>): Promise<T> {
      activeCalls.push(context);
      try {
        return await work();
      } finally {
        activeCalls.splice(activeCalls.lastIndexOf(context), 1);
      }
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      clearTimeout(warmTimer);
      await Promise.all([...downstreams.values()].map((d) => d.stop()));
      await app.close();
    },
  };

  const app: McpApp = createServer({
    name: 'mcp-factory-gateway',
    version: '0.1.0',
    instructions:
      expose === 'meta'
        ? 'Tools of many MCP servers sit behind this gateway. Find one with search_tools (describe the task), then run it with call_tool(server, tool, arguments).'
        : undefined,
    tools: expose === 'meta' ? metaTools(gateway, options, logDir) : [],
    ...(options.journal === undefined ? {} : { journal: options.journal }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    capabilities:
      expose === 'meta'
        ? { tools: { listChanged: true } }
        : expose === 'all'
          ? { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true } }
          : {
              tools: { listChanged: true },
              resources: { listChanged: true, subscribe: true },
              prompts: { listChanged: true },
              completions: {},
            },
    setup(server, context) {
      instances.add(server);
      const previous = server.server.onclose;
      server.server.onclose = () => {
        instances.delete(server);
        previous?.();
      };
      if (expose !== 'meta') registerExposedLists(server, context, gateway, app, expose);
      // The meta-tools' listing with lean schemas (no `$schema`, no no-op keywords): paid in every context.
      else server.server.setRequestHandler('tools/list', () => ({ tools: metaListing() }));
    },
  });

  // What a model needs to call a meta-tool: types, names, descriptions. Length and range limits stay
  // enforced by the zod schemas on every call (with a clear error), but are not advertised.
  const advertised = (schema: unknown): unknown => {
    const compact = leanSchema(schema) as { properties?: Record<string, Record<string, unknown>> };
    const properties = Object.fromEntries(
      Object.entries(compact.properties ?? {}).map(([key, property]) => {
        const { minLength: _a, maxLength: _b, minimum: _c, maximum: _d, ...rest } = property;
        return [key, rest];
      }),
    );
    return { ...compact, properties };
  };
  let listing: Tool[] | undefined;
  const metaListing = (): Tool[] =>
    (listing ??= app.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: advertised(z.toJSONSchema(tool.input ?? z.object({}), { io: 'input' })) as Tool['inputSchema'],
      ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
    })));

  // Tell every connected client when a catalog changed (all/direct: the lists differ).
  gateway.onChange(() => {
    if (expose === 'meta') return;
    for (const instance of instances) {
      if (!instance.isConnected()) continue;
      instance.sendToolListChanged();
      instance.sendResourceListChanged();
      instance.sendPromptListChanged();
    }
  });

  return gateway;
}
