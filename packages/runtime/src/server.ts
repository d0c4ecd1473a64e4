/**
 * `createServer`: turns definitions into an {@link McpApp}, whose `factory` builds one SDK
 * `McpServer` per serving unit (a stdio connection, a stateless HTTP request, an HTTP session),
 * every handler wrapped in the policy chain.
 *
 * @module
 */
import {
  McpServer,
  ResourceTemplate,
  type AuthInfo,
  type McpRequestContext,
  type McpServerFactory,
  type ServerCapabilities,
  type ServerContext,
  type StandardSchemaWithJSON,
  type Variables,
} from '@modelcontextprotocol/server';
import * as z from 'zod';

import type {
  AnyDefinition,
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from './define.js';
import { ConfigError } from './errors.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { flushAfterAnswer, isOnWire } from './_after-answer.js';
import { CallAbort } from './call-abort.js';
import { RuntimeCallContext } from './call-context.js';
import { RuntimeCall } from './runtime-call.js';
import { runtimeHealth } from './observability/health.js';
import { runtimeMetrics, type RuntimeMetrics } from './observability/metrics.js';
import { accessLog } from './policies/access-log.js';
import { metricsPolicy } from './policies/metrics.js';
import { journalPolicy } from './policies/journal.js';
import { journalOptionsFromEnv } from './journal/config.js';
import { Journal, openJournal, type JournalOptions } from './journal/journal.js';
import { composePolicies, type Call, type Outcome, type Policy } from './policies/chain.js';
import { deadline } from './policies/deadline.js';
import { errorBoundary } from './policies/error-boundary.js';
import { InflightRegistry } from './policies/inflight.js';
import { validation } from './policies/validation.js';
import { toPromptResult, toResourceResult, toToolResult } from './results.js';
import { toolAllowed, toolScopes } from './security/scopes.js';
import { attachResourceSubscriptions, type ResourceUpdates } from './subscriptions.js';

/** The arguments schema of a tool that declares none. */
const EMPTY_OBJECT = z.object({});

/** Default time budget of one call. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Tool names: 1–64 characters of letters, digits, `_`, `-` and `.`. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** OAuth scope names (RFC 6749 `scope-token`). */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Request ids accepted from `X-Request-ID`: 1–128 safe characters. */
const REQUEST_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** Server name reported to clients (`serverInfo.name`). */
  name: string;
  version: string;
  title?: string;
  /** Instructions sent in the initialize result: how the model should use this server. */
  instructions?: string;
  tools?: readonly ToolDefinition[];
  resources?: readonly (ResourceDefinition | ResourceTemplateDefinition)[];
  prompts?: readonly PromptDefinition[];
  /**
   * Extra policies, run inside the built-in ones (after request tracking, logging, the error
   * boundary, the deadline and validation) and right before the handler, in the order given.
   */
  policies?: readonly Policy[];
  defaults?: {
    /** Time budget of a call whose definition sets none; default 30 000 ms. */
    timeoutMs?: number;
  };
  /**
   * Where calls are counted (`/metrics`); default the process's runtime metrics, `false` to count
   * nothing.
   */
  metrics?: RuntimeMetrics | false;
  /**
   * The journal of calls (see `openJournal`): a journal this app shares, options to open one (the
   * app then owns it and `close()` closes it), or `false` for none. Default: opened from the
   * environment when `MCP_JOURNAL_DIR` is set (`journalOptionsFromEnv`), else none.
   */
  journal?: Journal | JournalOptions | false;
  /** Logger to use; by default a JSON logger on stderr at `logLevel`. */
  logger?: Logger;
  /** Level of the default logger; default `LOG_LEVEL` from the environment when valid, else `info`. */
  logLevel?: LogLevel;
  /** Capabilities merged into the ones the runtime derives (e.g. `{ resources: { subscribe: true } }`). */
  capabilities?: ServerCapabilities;
  /**
   * The app's feed of resource changes. When set, the server advertises `resources.subscribe`,
   * serves 2025-era `resources/subscribe` / `resources/unsubscribe` and 2026-07-28
   * `subscriptions/listen` streams, and turns each `resourceUpdates.publish(uri)` into a
   * `notifications/resources/updated` for the clients subscribed to `uri`. Default: no subscriptions.
   */
  resourceUpdates?: ResourceUpdates;
  /** Escape hatch: called on every new SDK instance after registration (raw request handlers, etc.). */
  setup?: (server: McpServer, context: McpRequestContext) => void;
}

/** A server ready to be served by `serve()`, tested in process, or mounted by the gateway. */
export interface McpApp {
  readonly info: { readonly name: string; readonly version: string; readonly title?: string };
  readonly logger: Logger;
  readonly tools: readonly ToolDefinition[];
  readonly resources: readonly (ResourceDefinition | ResourceTemplateDefinition)[];
  readonly prompts: readonly PromptDefinition[];
  /** Builds one SDK instance; hand it to `serveStdio`, `createMcpHandler` or an SDK transport. */
  readonly factory: McpServerFactory;
  /** Calls in flight, for graceful shutdown. */
  readonly inflight: InflightRegistry;
  /** Where this app's calls are counted (served at `/metrics`), unless created with `metrics: false`. */
  readonly metrics: RuntimeMetrics | undefined;
  /** The journal calls are recorded in, if any (`journal.writable` is its readiness). */
  readonly journal: Journal | undefined;
  /**
   * Releases what the app holds once serving stopped: flushes the journal, and closes it when the
   * app opened it. Idempotent; `runMain` calls it at shutdown.
   */
  close(): Promise<void>;
  /** The feed of resource changes given as `ServerOptions.resourceUpdates`; fronts bridge it to their clients. */
  readonly resourceUpdates?: ResourceUpdates;
  /** Runs one call through the policy chain (used by the SDK callbacks and by `testing`). */
  dispatch(call: Call): Promise<Outcome>;
  /**
   * What an instance from {@link McpApp.factory} depends on for a caller with `authInfo` (the tools
   * its scopes allow): instances with equal keys serve alike, so the HTTP front may keep one per key
   * for stateless requests. Absent when instances must not be shared (a `setup` hook or resource
   * subscriptions, whose effects the runtime cannot see).
   */
  readonly shareKey?: (authInfo: AuthInfo | undefined) => string;
  /** Creates the {@link Call} for a request; exposed for the testing helpers. */
  createCall(input: CallInput): Call;
}

/** What {@link McpApp.createCall} needs to know about one request. */
export interface CallInput {
  readonly definition: AnyDefinition;
  readonly args: unknown;
  readonly sdk: ServerContext;
  readonly era: 'legacy' | 'modern';
  /** Resource URI (resources only). */
  readonly uri?: URL;
  /** URI template variables (resource templates only). */
  readonly variables?: Variables;
}

function assertValidDefinitions(options: ServerOptions): void {
  const problems: string[] = [];
  const seen = new Map<string, Set<string>>();
  const claim = (kind: string, name: string): void => {
    const names = seen.get(kind) ?? new Set<string>();
    if (names.has(name)) problems.push(`duplicate ${kind} "${name}"`);
    names.add(name);
    seen.set(kind, names);
  };
  for (const tool of options.tools ?? []) {
    if (!TOOL_NAME.test(tool.name))
      problems.push(`tool name "${tool.name}" must be 1-64 characters of A-Z a-z 0-9 _ - .`);
    if (tool.description.trim() === '') problems.push(`tool "${tool.name}" needs a description`);
    for (const scope of tool.scopes ?? []) {
      if (!SCOPE.test(scope)) problems.push(`tool "${tool.name}" has an invalid scope ${JSON.stringify(scope)}`);
    }
    claim('tool', tool.name);
  }
  for (const resource of options.resources ?? []) {
    claim('resource', resource.name);
    if (resource.kind === 'resource') claim('resource URI', resource.uri);
  }
  for (const prompt of options.prompts ?? []) claim('prompt', prompt.name);
  if (problems.length > 0) {
    throw new ConfigError(`Invalid server definition "${options.name}": ${problems.join('; ')}`);
  }
}

/**
 * A Standard Schema that advertises `schema`'s JSON Schema but accepts any value, so that the SDK
 * lists the real schema while validation runs in the policy chain. The JSON Schema is computed
 * once per target and shared by every instance the factory builds.
 */
function passThroughSchema(schema: z.ZodType): StandardSchemaWithJSON {
  const standard = schema['~standard'] as unknown as StandardSchemaWithJSON['~standard'];
  const cache = new Map<string, Record<string, unknown>>();
  type ConvertOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>[0];
  const convert = (io: 'input' | 'output', options: ConvertOptions): Record<string, unknown> => {
    const key = `${io}:${options.target}`;
    let json = cache.get(key);
    if (json === undefined) {
      json = standard.jsonSchema[io](options);
      cache.set(key, json);
    }
    return json;
  };
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-factory',
      validate: (value: unknown) => ({ value }),
      jsonSchema: { input: (options) => convert('input', options), output: (options) => convert('output', options) },
    },
  };
}

function requestIdOf(sdk: ServerContext): string {
  const header = sdk.http?.req?.headers.get('x-request-id');
  // The Web Crypto global rather than `node:crypto`: importing that module costs a stdio server
  // ~5 ms of every cold start, while the global loads it lazily, on the first call.
  return header !== null && header !== undefined && REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

const METHOD = { tool: 'tools/call', resource: 'resources/read', prompt: 'prompts/get' } as const;

/** Builds an {@link McpApp} from definitions. Throws at start-up on invalid or duplicate names. */
export function createServer(options: ServerOptions): McpApp {
  assertValidDefinitions(options);
  const logger =
    options.logger ??
    createLogger({
      ...(options.logLevel === undefined ? {} : { level: options.logLevel }),
      base: { server: options.name },
    });
  const defaultTimeout = options.defaults?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const inflight = new InflightRegistry();
  const metrics = options.metrics === false ? undefined : (options.metrics ?? runtimeMetrics());
  const journalOptions = options.journal === undefined ? journalOptionsFromEnv(process.env) : options.journal;
  const ownsJournal = journalOptions !== false && journalOptions !== undefined && !(journalOptions instanceof Journal);
  const journal =
    journalOptions === false || journalOptions === undefined
      ? undefined
      : journalOptions instanceof Journal
        ? journalOptions
        : openJournal({ logger, metrics: metrics ?? false, ...journalOptions });
  // Readiness (`/readyz`): a journal that cannot write any more makes the server not ready.
  const unregisterJournalCheck =
    journal === undefined
      ? undefined
      : runtimeHealth().register(`journal:${journal.dir}`, () =>
          journal.writable ? { ready: true } : { ready: false, detail: 'journal not writable' },
        );
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    // Bookkeeping of the last answered calls, before the journal is flushed and closed.
    flushAfterAnswer();
    unregisterJournalCheck?.();
    closing ??= journal === undefined ? Promise.resolve() : ownsJournal ? journal.close() : journal.flush();
    return closing;
  };
  const tools = options.tools ?? [];
  const resources = options.resources ?? [];
  const prompts = options.prompts ?? [];
  const inputSchemas = new Map(tools.map((tool) => [tool, passThroughSchema(tool.input ?? EMPTY_OBJECT)]));

  const policies: readonly Policy[] = [
    inflight.policy,
    accessLog,
    ...(metrics === undefined ? [] : [metricsPolicy(metrics)]),
    ...(journal === undefined ? [] : [journalPolicy(journal)]),
    errorBoundary,
    toolScopes,
    deadline,
    validation,
    ...(options.policies ?? []),
  ];
  const terminal = (call: Call): Promise<Outcome> => invokeHandler(call);
  // One chain per definition: policies with nothing to do for it (validation of a tool without
  // arguments, scopes of a tool that needs none) are left out. The app's own definitions are
  // composed here; others (the gateway's) on first use, in a WeakMap that lets them go.
  const chains = new Map<AnyDefinition, (call: Call) => Promise<Outcome>>(
    [...tools, ...resources, ...prompts].map((definition) => [
      definition,
      composePolicies(policies, terminal, definition),
    ]),
  );
  const foreignChains = new WeakMap<AnyDefinition, (call: Call) => Promise<Outcome>>();
  const chain = (call: Call): Promise<Outcome> => {
    const definition = call.definition;
    let composed = chains.get(definition) ?? foreignChains.get(definition);
    if (composed === undefined) {
      composed = composePolicies(policies, terminal, definition);
      foreignChains.set(definition, composed);
    }
    return composed(call);
  };

  const dispatch = async (call: Call): Promise<Outcome> => {
    try {
      return await chain(call);
    } finally {
      if (call instanceof RuntimeCall) call.release();
    }
  };

  async function invokeHandler(call: Call): Promise<Outcome> {
    const definition = call.definition;
    const input = call instanceof RuntimeCall ? call : undefined;
    switch (definition.kind) {
      case 'tool':
        return toToolResult(await definition.run(call.args, call.context), definition.output !== undefined);
      case 'resource': {
        const uri = input?.uri ?? new URL(definition.uri);
        return toResourceResult(await definition.read(uri, call.context), uri.href, definition.mimeType);
      }
      case 'resourceTemplate': {
        const uri = input?.uri ?? new URL(call.target);
        return toResourceResult(
          await definition.read(uri, input?.variables ?? {}, call.context),
          uri.href,
          definition.mimeType,
        );
      }
      case 'prompt':
        return toPromptResult(await definition.get(call.args as never, call.context), definition.description);
    }
  }

  function createCall(input: Omit<CallInput, 'era'>, era: CallInput['era'], answeredOnWire = false): Call {
    const { definition, sdk } = input;
    const kind = definition.kind === 'tool' ? 'tool' : definition.kind === 'prompt' ? 'prompt' : 'resource';
    const requestId = requestIdOf(sdk);
    const timeoutMs = definition.timeoutMs ?? defaultTimeout;
    const abort = new CallAbort();
    const context = new RuntimeCallContext({
      requestId,
      method: METHOD[kind],
      name: definition.name,
      abort,
      deadline: Date.now() + timeoutMs,
      era,
      sdk,
      logger,
      serverName: options.name,
    });
    const call = new RuntimeCall({
      kind,
      name: definition.name,
      target: input.uri?.href ?? definition.name,
      definition,
      args: input.args,
      requestId,
      timeoutMs,
      abort,
      context,
      logger,
      uri: input.uri,
      variables: input.variables,
      answeredOnWire,
    });
    call.followClientSignal(sdk.mcpReq.signal);
    return call;
  }

  function register(
    server: McpServer,
    era: 'legacy' | 'modern',
    authInfo: AuthInfo | undefined,
    answeredOnWire: boolean,
  ): void {
    const run = (input: Omit<CallInput, 'era'>): Promise<Outcome> => dispatch(createCall(input, era, answeredOnWire));
    for (const tool of tools) {
      const registered = server.registerTool(
        tool.name,
        {
          ...(tool.title === undefined ? {} : { title: tool.title }),
          description: tool.description,
          inputSchema: inputSchemas.get(tool),
          ...(tool.output === undefined ? {} : { outputSchema: tool.output }),
          ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
          ...(tool.icons === undefined ? {} : { icons: tool.icons }),
          ...(tool._meta === undefined ? {} : { _meta: tool._meta }),
        },
        (args: unknown, sdk: ServerContext) => run({ definition: tool, args, sdk }) as never,
      );
      // A tool the caller's scopes do not cover is absent from tools/list and unknown to tools/call.
      // Registered then removed rather than skipped, so the tools capability stays when none is left.
      if (!toolAllowed(tool, authInfo)) registered.remove();
    }
    for (const resource of resources) {
      const metadata = {
        ...(resource.title === undefined ? {} : { title: resource.title }),
        ...(resource.description === undefined ? {} : { description: resource.description }),
        ...(resource.mimeType === undefined ? {} : { mimeType: resource.mimeType }),
        ...(resource.icons === undefined ? {} : { icons: resource.icons }),
      };
      if (resource.kind === 'resource') {
        server.registerResource(
          resource.name,
          resource.uri,
          {
            ...metadata,
            ...(resource.size === undefined ? {} : { size: resource.size }),
            ...(resource.annotations === undefined ? {} : { annotations: resource.annotations }),
          },
          (uri, sdk) => run({ definition: resource, args: undefined, sdk, uri }) as never,
        );
      } else {
        const template = new ResourceTemplate(resource.uriTemplate, {
          list: resource.list === undefined ? undefined : async () => ({ resources: (await resource.list?.()) ?? [] }),
          ...(resource.complete === undefined ? {} : { complete: resource.complete }),
        });
        server.registerResource(
          resource.name,
          template,
          metadata,
          (uri, variables, sdk) => run({ definition: resource, args: undefined, sdk, uri, variables }) as never,
        );
      }
    }
    for (const prompt of prompts) {
      const config = {
        ...(prompt.title === undefined ? {} : { title: prompt.title }),
        ...(prompt.description === undefined ? {} : { description: prompt.description }),
        ...(prompt.icons === undefined ? {} : { icons: prompt.icons }),
      };
      if (prompt.args === undefined) {
        server.registerPrompt(
          prompt.name,
          config,
          (sdk: ServerContext) => run({ definition: prompt, args: {}, sdk }) as never,
        );
      } else {
        server.registerPrompt(
          prompt.name,
          { ...config, argsSchema: prompt.args },
          (args: unknown, sdk: ServerContext) => run({ definition: prompt, args, sdk }) as never,
        );
      }
    }
  }

  const capabilities: ServerCapabilities = { logging: {}, ...options.capabilities };
  if (options.resourceUpdates !== undefined) capabilities.resources = { ...capabilities.resources, subscribe: true };
  const factory: McpServerFactory = (context) => {
    const server = new McpServer(
      {
        name: options.name,
        version: options.version,
        ...(options.title === undefined ? {} : { title: options.title }),
      },
      { capabilities, ...(options.instructions === undefined ? {} : { instructions: options.instructions }) },
    );
    register(server, context.era, context.authInfo, isOnWire(context));
    if (options.resourceUpdates !== undefined) {
      attachResourceSubscriptions(server, context, options.resourceUpdates, logger);
    }
    options.setup?.(server, context);
    return server;
  };

  // Instances differ only by which tools the caller's scopes allow (see `register`).
  const scoped = tools.some((tool) => (tool.scopes ?? []).length > 0);
  const shareKey =
    options.setup !== undefined || options.resourceUpdates !== undefined
      ? undefined
      : (authInfo: AuthInfo | undefined): string =>
          scoped
            ? tools
                .filter((tool) => toolAllowed(tool, authInfo))
                .map((tool) => tool.name)
                .join('\n')
            : '';

  return {
    info: {
      name: options.name,
      version: options.version,
      ...(options.title === undefined ? {} : { title: options.title }),
    },
    logger,
    tools,
    resources,
    prompts,
    factory,
    inflight,
    metrics,
    journal,
    close,
    ...(options.resourceUpdates === undefined ? {} : { resourceUpdates: options.resourceUpdates }),
    dispatch,
    createCall: (input) => createCall(input, input.era),
    ...(shareKey === undefined ? {} : { shareKey }),
  };
}
