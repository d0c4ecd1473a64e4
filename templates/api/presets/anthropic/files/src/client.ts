/**
 * The only module that talks to Anthropic. Tools receive an `ApiClient`, so tests can hand them a
 * mock. The wire format stays in here: the Messages API (`POST /v1/messages` with `model`,
 * `max_tokens`, `messages`, `system`), `GET /v1/models` with cursor pagination, the `x-api-key` and
 * `anthropic-version` headers, and errors as `{ "type": "error", "error": { "type", "message" } }`.
 * Tools see plain typed objects.
 */
import {
  createUpstreamClient,
  expectShape,
  UpstreamError,
  z,
  type CallContext,
  type ExchangeListener,
  type Logger,
  type UpstreamClassification,
} from '@mcp-factory/runtime';

import type { Config } from './config.js';
import { accountBlocked, isNotFound, missingApiKey, unknownModel } from './errors.js';

/** The Messages API version this client speaks. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** One prompt for a model. */
export interface CompletionRequest {
  readonly prompt: string;
  /** Sent as the top-level `system` field. */
  readonly system?: string | undefined;
  readonly model: string;
  readonly maxTokens: number;
  /** Omitted from the request when undefined, so the model's default applies. */
  readonly temperature?: number | undefined;
}

/** A model's reply as tools see it. */
export interface Completion {
  /** The text blocks of the reply, joined. */
  readonly text: string;
  /** The model that answered (a dated id even when an alias was asked for). */
  readonly model: string;
  /** Anthropic's `stop_reason`: `end_turn`, `max_tokens`, `stop_sequence`, `refusal`, … */
  readonly stopReason: string;
  /** True when the reply stopped at `max_tokens`. */
  readonly truncated: boolean;
  /** True when the model declined (`stop_reason: "refusal"`). */
  readonly refused: boolean;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
}

/** One model the key can use. */
export interface ModelInfo {
  readonly id: string;
  readonly displayName: string;
  /** Release time, RFC 3339. */
  readonly createdAt: string;
}

/** Per-call options: what the tool call lends every upstream request it makes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly requestId?: string;
  /** The call's deadline (epoch ms): retries and `Retry-After` waits must fit before it. */
  readonly deadline?: number;
  /** Hears every attempt (the journal records them). */
  readonly onExchange?: ExchangeListener;
}

/** The options a tool passes: its call's signal, request id, deadline and exchange recorder. */
export function callOptions(ctx: CallContext): CallOptions {
  return {
    signal: ctx.signal,
    requestId: ctx.requestId,
    deadline: ctx.deadline,
    onExchange: (exchange) => ctx.recordExchange(exchange),
  };
}

/** What the tools can ask of Anthropic. */
export interface ApiClient {
  complete(request: CompletionRequest, options?: CallOptions): Promise<Completion>;
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
}

const Message = z.object({
  model: z.string(),
  // Other block types (thinking, tool_use…) are skipped; only text reaches the model.
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  stop_reason: z.string().nullable(),
  usage: z.object({ input_tokens: z.number().int(), output_tokens: z.number().int() }),
});

const ModelPage = z.object({
  data: z.array(z.object({ id: z.string(), display_name: z.string(), created_at: z.string() })),
  has_more: z.boolean(),
  last_id: z.string().nullable().optional(),
});

/** Pages of 1000 (the API's largest) and a bound, so a misbehaving cursor cannot loop forever. */
const PAGE_SIZE = 1000;
const MAX_PAGES = 10;

/**
 * Anthropic's own message from its error body `{ "type": "error", "error": { "type", "message" } }`,
 * with the error type (and a detail code, when given) appended, e.g. `Overloaded (overloaded_error)`.
 */
export function errorMessageOf(body: unknown): string | undefined {
  const error = (
    body as { error?: { type?: unknown; message?: unknown; details?: { error_code?: unknown } } } | undefined
  )?.error;
  if (typeof error?.message !== 'string') return undefined;
  const codes = [error.type, error.details?.error_code].filter((code): code is string => typeof code === 'string');
  return codes.length === 0 ? error.message : `${error.message} (${codes.join(', ')})`;
}

/** Billing errors (402) and a reached spend limit (429 `enforced_spend_limit_reached`) do not pass with time. */
const ACCOUNT_BLOCKED = new Set(['billing_error', 'enforced_spend_limit_reached']);

/**
 * Keeps Anthropic's error code (the detail code, else the error type) on the runtime's error, and
 * makes a reached spend limit, sent as a 429, final: it is neither retried nor waited out.
 */
export function classify(_status: number, body: unknown): UpstreamClassification | undefined {
  const error = (body as { error?: { type?: unknown; details?: { error_code?: unknown } } } | undefined)?.error;
  const code = typeof error?.details?.error_code === 'string' ? error.details.error_code : error?.type;
  if (typeof code !== 'string' || code === '') return undefined;
  return ACCOUNT_BLOCKED.has(code) ? { code, retryable: false } : { code };
}

/** Creates the client. `fetch` and `logger` are injectable for tests. */
export function createApiClient(config: Config, deps: { fetch?: typeof fetch; logger?: Logger } = {}): ApiClient {
  const upstream = createUpstreamClient({
    name: 'Anthropic',
    baseUrl: config.baseUrl,
    headers: (): Record<string, string> => ({
      'anthropic-version': ANTHROPIC_VERSION,
      ...(config.apiKey === undefined ? {} : { 'x-api-key': config.apiKey }),
    }),
    credentialHint: 'ANTHROPIC_API_KEY',
    timeoutMs: config.timeoutMs,
    errorMessage: errorMessageOf,
    classify,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const send = async <S extends z.ZodType>(
    schema: S,
    request: Parameters<typeof upstream.request>[0],
  ): Promise<z.output<S>> => {
    if (config.apiKey === undefined) throw missingApiKey();
    try {
      const response = await upstream.request(request);
      return expectShape(upstream.name, schema, response.data);
    } catch (error) {
      if (error instanceof UpstreamError && ACCOUNT_BLOCKED.has(error.upstreamCode ?? '')) {
        throw accountBlocked(error.status, error.upstreamMessage);
      }
      throw error;
    }
  };

  return {
    async complete({ prompt, system, model, maxTokens, temperature }, options = {}) {
      let body: z.output<typeof Message>;
      try {
        body = await send(Message, {
          method: 'POST',
          path: '/v1/messages',
          body: {
            model,
            max_tokens: maxTokens,
            messages: [{ role: 'user', content: prompt }],
            ...(system === undefined || system === '' ? {} : { system }),
            ...(temperature === undefined ? {} : { temperature }),
          },
          ...options,
        });
      } catch (error) {
        if (isNotFound(error)) throw unknownModel(model);
        throw error;
      }
      const stopReason = body.stop_reason ?? 'unknown';
      return {
        text: body.content
          .filter((block) => block.type === 'text')
          .map((block) => block.text ?? '')
          .join(''),
        model: body.model,
        stopReason,
        truncated: stopReason === 'max_tokens',
        refused: stopReason === 'refusal',
        usage: { inputTokens: body.usage.input_tokens, outputTokens: body.usage.output_tokens },
      };
    },
    async listModels(options = {}) {
      const models: ModelInfo[] = [];
      let afterId: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const body = await send(ModelPage, {
          path: '/v1/models',
          query: { limit: PAGE_SIZE, after_id: afterId },
          ...options,
        });
        models.push(
          ...body.data.map((model) => ({ id: model.id, displayName: model.display_name, createdAt: model.created_at })),
        );
        if (!body.has_more || typeof body.last_id !== 'string') break;
        afterId = body.last_id;
      }
      return models;
    },
  };
}
