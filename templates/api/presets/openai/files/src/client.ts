/**
 * The only module that talks to OpenAI. Tools receive an `ApiClient`, so tests can hand them a
 * mock. The wire format stays in here: Chat Completions (`POST /chat/completions` with `messages`,
 * `max_completion_tokens`), `GET /models`, `Authorization: Bearer`, errors as
 * `{ "error": { "message", "type", "param", "code" } }`, and rate-limit hints in `Retry-After` or
 * the `x-ratelimit-reset-*` headers. Tools see plain typed objects.
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
import { isNotFound, missingApiKey, quotaExhausted, unknownModel } from './errors.js';

/** One prompt for a model. */
export interface CompletionRequest {
  readonly prompt: string;
  /** Sent as a `system` message before the prompt. */
  readonly system?: string | undefined;
  readonly model: string;
  readonly maxTokens: number;
  /** Omitted from the request when undefined, so the model's default applies. */
  readonly temperature?: number | undefined;
}

/** A model's reply as tools see it. */
export interface Completion {
  /** The reply text; empty when the model refused (see `refusal`). */
  readonly text: string;
  /** The model that answered, as OpenAI reports it (often a dated snapshot of the one asked for). */
  readonly model: string;
  /** OpenAI's `finish_reason`: `stop`, `length`, `content_filter`, `tool_calls`. */
  readonly finishReason: string;
  /** True when the reply stopped at the token limit. */
  readonly truncated: boolean;
  /** The model's refusal message, when it declined. */
  readonly refusal?: string | undefined;
  readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
}

/** One model the key can use. */
export interface ModelInfo {
  readonly id: string;
  readonly ownedBy: string;
  /** Creation time, ISO 8601. */
  readonly created: string;
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

/** What the tools can ask of OpenAI. */
export interface ApiClient {
  complete(request: CompletionRequest, options?: CallOptions): Promise<Completion>;
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
}

const Choice = z.object({
  message: z.object({ content: z.string().nullable(), refusal: z.string().nullish() }),
  finish_reason: z.string().nullable(),
});

const ChatCompletion = z.object({
  model: z.string(),
  // At least one choice (`n` defaults to 1); only the first is read.
  choices: z.tuple([Choice], Choice),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }).optional(),
});

const ModelList = z.object({
  data: z.array(z.object({ id: z.string(), created: z.number().int(), owned_by: z.string().default('') })),
});

/** Hides API keys, including the masked form OpenAI echoes (`sk-abc*****wxyz`) in its 401 message. */
export function redactKeys(text: string, apiKey?: string): string {
  const masked = text.replace(/[^\s*]*\*{3,}[\w-]*/g, '[redacted]');
  return apiKey === undefined || apiKey === '' ? masked : masked.split(apiKey).join('[redacted]');
}

/**
 * OpenAI's own message from its error body `{ "error": { "message", "type", "param", "code" } }`,
 * with the machine-readable `code` appended, e.g. `… (insufficient_quota)`.
 */
export function errorMessageOf(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  return typeof error.code === 'string' && error.code !== '' ? `${error.message} (${error.code})` : error.message;
}

/** Milliseconds in an OpenAI reset duration such as `1s`, `6m0s`, `20ms` or `1h2m3.5s`. */
export function parseResetDuration(value: string | null): number | undefined {
  if (value === null) return undefined;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  return Math.round(
    parts.reduce((total, [, amount, suffix]) => total + Number(amount ?? 0) * (unit[suffix ?? 's'] ?? 0), 0),
  );
}

/**
 * How long a 429 asks to wait, from OpenAI's own hints: `retry-after-ms`, else (without a
 * `Retry-After`, which the runtime reads itself) the reset time of the exhausted `x-ratelimit-*`
 * budget. The runtime waits that long when the call's time budget allows, and otherwise tells the
 * model how long to wait.
 */
export function retryAfterOf(headers: Headers, _body: unknown, status: number): number | undefined {
  if (status !== 429) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  if (headers.has('retry-after')) return undefined;
  const exhausted = (['requests', 'tokens'] as const)
    .filter((budget) => headers.get(`x-ratelimit-remaining-${budget}`) === '0')
    .map((budget) => parseResetDuration(headers.get(`x-ratelimit-reset-${budget}`)) ?? 0);
  const waitMs = Math.max(0, ...exhausted);
  return waitMs > 0 ? waitMs : undefined;
}

/**
 * Keeps OpenAI's error `code` on the runtime's error, and makes `insufficient_quota` (sent as a
 * 429) final: no quota returns by waiting, so it is neither retried nor counted as a rate limit.
 */
export function classify(status: number, body: unknown): UpstreamClassification | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (typeof code !== 'string' || code === '') return undefined;
  return status === 429 && code === 'insufficient_quota' ? { code, retryable: false } : { code };
}

/** Creates the client. `fetch` and `logger` are injectable for tests. */
export function createApiClient(config: Config, deps: { fetch?: typeof fetch; logger?: Logger } = {}): ApiClient {
  const upstream = createUpstreamClient({
    name: 'OpenAI',
    baseUrl: config.baseUrl,
    headers: (): Record<string, string> => ({
      ...(config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` }),
      ...(config.organization === undefined ? {} : { 'openai-organization': config.organization }),
      ...(config.project === undefined ? {} : { 'openai-project': config.project }),
    }),
    credentialHint: 'OPENAI_API_KEY',
    timeoutMs: config.timeoutMs,
    errorMessage: (body) => {
      const message = errorMessageOf(body);
      return message === undefined ? undefined : redactKeys(message, config.apiKey);
    },
    retryAfter: retryAfterOf,
    classify,
    // Looked up per call, so tests that stub the global fetch still reach it.
    fetch: deps.fetch ?? ((input, init) => fetch(input, init)),
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
      if (error instanceof UpstreamError && error.upstreamCode === 'insufficient_quota') {
        throw quotaExhausted(error.upstreamMessage);
      }
      throw error;
    }
  };

  return {
    async complete({ prompt, system, model, maxTokens, temperature }, options = {}) {
      const messages = [
        ...(system === undefined || system === '' ? [] : [{ role: 'system', content: system }]),
        { role: 'user', content: prompt },
      ];
      let body: z.output<typeof ChatCompletion>;
      try {
        body = await send(ChatCompletion, {
          method: 'POST',
          path: '/chat/completions',
          body: {
            model,
            messages,
            max_completion_tokens: maxTokens,
            ...(temperature === undefined ? {} : { temperature }),
          },
          ...options,
        });
      } catch (error) {
        if (isNotFound(error)) throw unknownModel(model);
        throw error;
      }
      const [choice] = body.choices;
      const finishReason = choice.finish_reason ?? 'unknown';
      return {
        text: choice.message.content ?? '',
        model: body.model,
        finishReason,
        truncated: finishReason === 'length',
        refusal: choice.message.refusal ?? undefined,
        usage: { inputTokens: body.usage?.prompt_tokens ?? 0, outputTokens: body.usage?.completion_tokens ?? 0 },
      };
    },
    async listModels(options = {}) {
      const body = await send(ModelList, { path: '/models', ...options });
      return body.data
        .map((model) => ({
          id: model.id,
          ownedBy: model.owned_by,
          created: new Date(model.created * 1000).toISOString(),
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    },
  };
}
