/**
 * The one way to declare what a server offers: tools, resources, resource templates and prompts,
 * each a plain object with a zod schema and a handler that may be sync or async.
 *
 * Definitions are data. They are created once at start-up and registered on every protocol
 * instance the SDK asks for (one per stdio connection, one per stateless HTTP request), so they
 * must not hold per-connection state; put shared clients in a closure (see the `api` template's
 * `tools/*.ts`, which are factories taking the API client).
 *
 * @module
 */
import type {
  AuthInfo,
  CallToolResult,
  ContentBlock,
  GetPromptResult,
  Icon,
  InputRequiredResult,
  ListResourcesResult,
  LoggingLevel,
  PromptMessage,
  ReadResourceResult,
  ServerContext,
  ToolAnnotations,
  Variables,
} from '@modelcontextprotocol/server';
import type * as z from 'zod';

import type { Logger } from './logger.js';
import type { UpstreamExchange } from './upstream/exchange.js';

/** What a handler receives besides its arguments. */
export interface CallContext {
  /** Correlates this call across logs, the journal and upstream requests (from `X-Request-ID` on HTTP). */
  readonly requestId: string;
  /** `tools/call`, `resources/read` or `prompts/get`. */
  readonly method: string;
  /** The tool, resource or prompt name. */
  readonly name: string;
  /** Aborted when the client cancels, the call times out, or the server shuts down. Pass it to `fetch`. */
  readonly signal: AbortSignal;
  /** Absolute deadline of this call (epoch milliseconds). */
  readonly deadline: number;
  /** Milliseconds left before the deadline (never negative). */
  remainingMs(): number;
  /** Structured logger on stderr, bound to this call's request id. */
  readonly log: Logger;
  /** Sends `notifications/progress` when the client asked for progress; otherwise does nothing. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends a `notifications/message` log entry to the client (filtered by the client's log level). */
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- client logging is deprecated in 2026-07-28 but still how 2025-era clients see logs
  clientLog(level: LoggingLevel, data: unknown): Promise<void>;
  /** `legacy` for 2025-era clients (initialize handshake), `modern` for 2026-07-28 clients. */
  readonly era: 'legacy' | 'modern';
  /** Validated auth information when the HTTP front authenticated the caller. */
  readonly authInfo: AuthInfo | undefined;
  /** The SDK's raw request context: sampling, elicitation and custom requests live here. */
  readonly mcp: ServerContext;
  /**
   * Notes one upstream HTTP exchange (one attempt) this call made, for the journal. The upstream
   * client calls it per attempt when given `onExchange: (exchange) => ctx.recordExchange(exchange)`.
   */
  recordExchange(exchange: UpstreamExchange): void;
}

/** What a tool handler may return; the runtime turns it into a `CallToolResult`. */
export type ToolReturn =
  | string
  | CallToolResult
  | InputRequiredResult
  | ContentBlock[]
  | Record<string, unknown>
  | undefined
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- handlers that return nothing
  | void;

/** A tool: a named, schema-checked function the model can call. */
export interface ToolDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  readonly kind: 'tool';
  /** Unique name, at most 64 characters of `[A-Za-z0-9_.-]`. */
  readonly name: string;
  readonly title?: string;
  /** What the tool does and when to use it; the model reads this. */
  readonly description: string;
  /** Arguments schema (a `z.object`); omitted means no arguments. */
  readonly input?: Input;
  /** Structured result schema; when set, object returns become `structuredContent` and are checked. */
  readonly output?: Output;
  readonly annotations?: ToolAnnotations;
  readonly icons?: Icon[];
  /** Time budget of one call in milliseconds; defaults to the server's `defaults.timeoutMs` (30 s). */
  readonly timeoutMs?: number;
  /** Argument names whose values must never be logged or journaled. */
  readonly sensitive?: readonly string[];
  /**
   * OAuth scopes a caller needs, all of them, to see and call this tool. An authenticated caller
   * without them does not find the tool in `tools/list`, and a call to it fails as a call to an
   * unknown tool. Unauthenticated transports (stdio, an HTTP front without auth) serve every tool.
   */
  readonly scopes?: readonly string[];
  readonly _meta?: Record<string, unknown>;
  run(args: z.output<Input>, ctx: CallContext): ToolReturn | Promise<ToolReturn>;
}

/** What a resource reader may return; the runtime turns it into a `ReadResourceResult`. */
export type ResourceReturn = string | Uint8Array | ReadResourceResult | InputRequiredResult;

/** A resource at one fixed URI. */
export interface ResourceDefinition {
  readonly kind: 'resource';
  readonly name: string;
  readonly uri: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly icons?: Icon[];
  readonly annotations?: { audience?: ('user' | 'assistant')[]; priority?: number; lastModified?: string };
  readonly timeoutMs?: number;
  read(uri: URL, ctx: CallContext): ResourceReturn | Promise<ResourceReturn>;
}

/** A family of resources addressed by an RFC 6570 URI template such as `notes://{id}`. */
export interface ResourceTemplateDefinition {
  readonly kind: 'resourceTemplate';
  readonly name: string;
  readonly uriTemplate: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly icons?: Icon[];
  readonly timeoutMs?: number;
  /** Lists concrete resources of this template for `resources/list`. */
  list?(): ListResourcesResult['resources'] | Promise<ListResourcesResult['resources']>;
  /** Completion for template variables (`completion/complete`). */
  readonly complete?: Readonly<Record<string, (value: string) => string[] | Promise<string[]>>>;
  read(uri: URL, variables: Variables, ctx: CallContext): ResourceReturn | Promise<ResourceReturn>;
}

/** What a prompt may return; the runtime turns it into a `GetPromptResult`. */
export type PromptReturn = string | PromptMessage[] | GetPromptResult | InputRequiredResult;

/** A prompt template the user can pick; arguments are strings (use `completable` for completion). */
export interface PromptDefinition<Args extends z.ZodObject = z.ZodObject> {
  readonly kind: 'prompt';
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly args?: Args;
  readonly icons?: Icon[];
  readonly timeoutMs?: number;
  get(args: z.output<Args>, ctx: CallContext): PromptReturn | Promise<PromptReturn>;
}

/** Any definition the runtime can register. */
export type AnyDefinition = ToolDefinition | ResourceDefinition | ResourceTemplateDefinition | PromptDefinition;

/** Declares a tool. Returns the definition unchanged, typed. */
export function defineTool<
  Input extends z.ZodType = z.ZodObject<Record<string, never>>,
  Output extends z.ZodType = z.ZodType,
>(definition: Omit<ToolDefinition<Input, Output>, 'kind'>): ToolDefinition<Input, Output> {
  return { ...definition, kind: 'tool' };
}

/** Declares a resource at a fixed URI. */
export function defineResource(definition: Omit<ResourceDefinition, 'kind'>): ResourceDefinition {
  return { ...definition, kind: 'resource' };
}

/** Declares a resource template (a URI pattern with variables). */
export function defineResourceTemplate(
  definition: Omit<ResourceTemplateDefinition, 'kind'>,
): ResourceTemplateDefinition {
  return { ...definition, kind: 'resourceTemplate' };
}

/** Declares a prompt. */
export function definePrompt<Args extends z.ZodObject = z.ZodObject>(
  definition: Omit<PromptDefinition<Args>, 'kind'>,
): PromptDefinition<Args> {
  return { ...definition, kind: 'prompt' };
}
