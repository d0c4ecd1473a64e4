/**
 * The only module that talks to Perplexity. Tools receive an `ApiClient`, so tests can hand them a
 * mock. The wire format stays in here: Sonar's OpenAI-compatible `POST /chat/completions` with
 * `Authorization: Bearer`, its search options (`search_recency_filter`, `search_domain_filter`,
 * `search_mode`, `web_search_options`), the `citations` and `search_results` of its answers, and
 * errors as `{ "error": { "message", "type", "code" } }` (a rejected key gets an HTML page instead).
 * Tools see plain typed objects.
 */
import {
  createUpstreamClient,
  expectShape,
  z,
  type CallContext,
  type ExchangeListener,
  type Logger,
  type UpstreamClassification,
} from '@mcp-factory/runtime';

import type { Config } from './config.js';
import { isInvalidModel, missingApiKey, unknownModel } from './errors.js';

/** How far back the web search may look. */
export const RECENCY = ['hour', 'day', 'week', 'month', 'year'] as const;

/** One question for a Sonar model, with optional search settings. */
export interface AnswerRequest {
  readonly prompt: string;
  /** Sent as a `system` message before the prompt. */
  readonly system?: string | undefined;
  readonly model: string;
  readonly maxTokens: number;
  readonly temperature?: number | undefined;
  /** `search_recency_filter`. */
  readonly recency?: (typeof RECENCY)[number] | undefined;
  /** `search_domain_filter`: domains to search, or to skip when prefixed with `-`. */
  readonly domains?: readonly string[] | undefined;
  /** `search_mode`: `academic` favours scholarly sources. */
  readonly mode?: 'web' | 'academic' | undefined;
  /** `web_search_options.search_context_size`: how much retrieved text the model reads. */
  readonly contextSize?: 'low' | 'medium' | 'high' | undefined;
}

/** A source the answer cites as `[index]`. */
export interface Source {
  readonly index: number;
  readonly url: string;
  readonly title?: string | undefined;
  /** Publication date as Perplexity reports it, e.g. `2025-03-01`. */
  readonly date?: string | undefined;
}

/** A web-grounded answer as tools see it. */
export interface Answer {
  /** The answer, with `[n]` markers pointing into `sources`; reasoning (`<think>…</think>`) removed. */
  readonly text: string;
  readonly sources: readonly Source[];
  readonly model: string;
  readonly finishReason: string;
  /** True when the answer stopped at the token limit. */
  readonly truncated: boolean;
  readonly usage: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly searchQueries?: number | undefined;
  };
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

/** What the tools can ask of Perplexity. */
export interface ApiClient {
  answer(request: AnswerRequest, options?: CallOptions): Promise<Answer>;
}

const SearchResult = z.object({
  url: z.string(),
  title: z.string().nullish(),
  date: z.string().nullish(),
});

const Choice = z.object({ message: z.object({ content: z.string() }), finish_reason: z.string().nullish() });

const Completion = z.object({
  model: z.string(),
  // At least one choice; only the first is read.
  choices: z.tuple([Choice], Choice),
  citations: z.array(z.string()).nullish(),
  search_results: z.array(SearchResult).nullish(),
  usage: z
    .object({
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      num_search_queries: z.number().int().nullish(),
    })
    .optional(),
});

/**
 * Perplexity's own message from its error body `{ "error": { "message", "type", "code" } }`, with
 * the error type appended, e.g. `Invalid model 'x'. … (invalid_model)`.
 */
export function errorMessageOf(body: unknown): string | undefined {
  const error = (body as { error?: { message?: unknown; type?: unknown } } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  return typeof error.type === 'string' && error.type !== '' ? `${error.message} (${error.type})` : error.message;
}

/** Keeps Perplexity's error type (`invalid_model`, …) as the runtime error's `upstreamCode`. */
export function classify(_status: number, body: unknown): UpstreamClassification | undefined {
  const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
  return typeof type === 'string' && type !== '' ? { code: type } : undefined;
}

/** Reasoning models put their chain of thought in `<think>…</think>` before the answer. */
export function withoutReasoning(content: string): string {
  return content.replace(/<think>[\s\S]*?(<\/think>|$)/g, '').trim();
}

/**
 * Numbers the sources as the answer's `[n]` markers do: `citations` gives the order (URLs),
 * `search_results` the titles and dates; either may be missing.
 */
export function sourcesOf(
  citations: readonly string[] | null | undefined,
  results: readonly z.output<typeof SearchResult>[] | null | undefined,
): Source[] {
  const details = new Map((results ?? []).map((result) => [result.url, result]));
  const urls = citations ?? (results ?? []).map((result) => result.url);
  return urls.map((url, position) => {
    const detail = details.get(url);
    return {
      index: position + 1,
      url,
      ...(detail?.title == null ? {} : { title: detail.title }),
      ...(detail?.date == null ? {} : { date: detail.date }),
    };
  });
}

/** Creates the client. `fetch` and `logger` are injectable for tests. */
export function createApiClient(config: Config, deps: { fetch?: typeof fetch; logger?: Logger } = {}): ApiClient {
  const upstream = createUpstreamClient({
    name: 'Perplexity',
    baseUrl: config.baseUrl,
    headers: (): Record<string, string> =>
      config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` },
    credentialHint: 'PERPLEXITY_API_KEY',
    timeoutMs: config.timeoutMs,
    errorMessage: errorMessageOf,
    classify,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });

  return {
    async answer(request, options = {}) {
      if (config.apiKey === undefined) throw missingApiKey();
      const { prompt, system, model, maxTokens, temperature, recency, domains, mode, contextSize } = request;
      let data: unknown;
      try {
        const response = await upstream.request({
          method: 'POST',
          path: '/chat/completions',
          body: {
            model,
            messages: [
              ...(system === undefined || system === '' ? [] : [{ role: 'system', content: system }]),
              { role: 'user', content: prompt },
            ],
            max_tokens: maxTokens,
            ...(temperature === undefined ? {} : { temperature }),
            ...(recency === undefined ? {} : { search_recency_filter: recency }),
            ...(domains === undefined || domains.length === 0 ? {} : { search_domain_filter: domains }),
            ...(mode === undefined ? {} : { search_mode: mode }),
            ...(contextSize === undefined ? {} : { web_search_options: { search_context_size: contextSize } }),
          },
          ...options,
        });
        data = response.data;
      } catch (error) {
        if (isInvalidModel(error)) throw unknownModel(model);
        throw error;
      }
      const body = expectShape(upstream.name, Completion, data);
      const [choice] = body.choices;
      const finishReason = choice.finish_reason ?? 'unknown';
      return {
        text: withoutReasoning(choice.message.content),
        sources: sourcesOf(body.citations, body.search_results),
        model: body.model,
        finishReason,
        truncated: finishReason === 'length',
        usage: {
          inputTokens: body.usage?.prompt_tokens ?? 0,
          outputTokens: body.usage?.completion_tokens ?? 0,
          searchQueries: body.usage?.num_search_queries ?? undefined,
        },
      };
    },
  };
}
