/**
 * The only module that talks to Gemini. Tools receive an `ApiClient`, so tests can hand them a
 * mock. The wire format stays in here: `POST /v1beta/models/{model}:generateContent` with
 * `contents`, `systemInstruction` and `generationConfig`, `GET /v1beta/models` with page tokens,
 * the key in the `x-goog-api-key` header (never in the URL, where logs and proxies would keep it),
 * errors as `{ "error": { "code", "message", "status", "details" } }`, and the wait of a 429 in its
 * `RetryInfo` detail. Tools see plain typed objects.
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
import { isNotFound, missingApiKey, projectNotReady, promptBlocked, unknownModel } from './errors.js';

/** One prompt for a model. */
export interface CompletionRequest {
  readonly prompt: string;
  /** Sent as `systemInstruction`. */
  readonly system?: string | undefined;
  /** A model id such as `gemini-2.5-flash` (a `models/` prefix is accepted). */
  readonly model: string;
  readonly maxTokens: number;
  /** Omitted from the request when undefined, so the model's default applies. */
  readonly temperature?: number | undefined;
}

/** A model's reply as tools see it. */
export interface Completion {
  /** The text parts of the first candidate, joined (thought summaries left out). */
  readonly text: string;
  /** `modelVersion` as Gemini reports it. */
  readonly model: string;
  /** Gemini's `finishReason`: `STOP`, `MAX_TOKENS`, `SAFETY`, `RECITATION`, … */
  readonly finishReason: string;
  /** True when the reply stopped at `maxOutputTokens`. */
  readonly truncated: boolean;
  /** True when the reply was withheld for safety, recitation or policy reasons. */
  readonly blocked: boolean;
  readonly usage: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly thinkingTokens?: number | undefined;
  };
}

/** One model the key can use. */
export interface ModelInfo {
  /** The id to pass as `model`, without the `models/` prefix. */
  readonly id: string;
  readonly displayName: string;
  readonly inputTokenLimit?: number | undefined;
  readonly outputTokenLimit?: number | undefined;
  /** e.g. `generateContent`, `countTokens`, `embedContent`. */
  readonly methods: readonly string[];
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

/** What the tools can ask of Gemini. */
export interface ApiClient {
  complete(request: CompletionRequest, options?: CallOptions): Promise<Completion>;
  listModels(options?: CallOptions): Promise<ModelInfo[]>;
}

const GenerateContentResponse = z.object({
  candidates: z
    .array(
      z.object({
        content: z
          .object({
            parts: z.array(z.object({ text: z.string().optional(), thought: z.boolean().optional() })).optional(),
          })
          .optional(),
        finishReason: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.object({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z
    .object({
      promptTokenCount: z.number().int().optional(),
      candidatesTokenCount: z.number().int().optional(),
      thoughtsTokenCount: z.number().int().optional(),
    })
    .optional(),
  modelVersion: z.string().optional(),
});

const ModelPage = z.object({
  models: z
    .array(
      z.object({
        name: z.string(),
        displayName: z.string().optional(),
        inputTokenLimit: z.number().int().optional(),
        outputTokenLimit: z.number().int().optional(),
        supportedGenerationMethods: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  nextPageToken: z.string().optional(),
});

/** The API version in every path. */
const VERSION = '/v1beta';
const PAGE_SIZE = 1000;
const MAX_PAGES = 10;
const WITHHELD = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

interface GoogleError {
  message?: unknown;
  status?: unknown;
  details?: { '@type'?: unknown; reason?: unknown; retryDelay?: unknown }[];
}

/**
 * Gemini's own message from its error body `{ "error": { "code", "message", "status", "details" } }`,
 * with the status and the `ErrorInfo` reason appended, e.g. `… (INVALID_ARGUMENT, API_KEY_INVALID)`.
 */
export function errorMessageOf(body: unknown): string | undefined {
  const error = (body as { error?: GoogleError } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  const reason = (Array.isArray(error.details) ? error.details : []).find(
    (detail) => typeof detail.reason === 'string',
  )?.reason;
  const codes = [error.status, reason].filter((code): code is string => typeof code === 'string' && code !== '');
  return codes.length === 0 ? error.message : `${error.message} (${codes.join(', ')})`;
}

/** Seconds in a protobuf duration such as `37s` or `57.238747106s`. */
export function parseRetryDelay(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match === null ? undefined : Number(match[1]);
}

/**
 * How long a 429 asks to wait, from the `RetryInfo.retryDelay` of Google's error body (a
 * `Retry-After` header, which the runtime reads itself, wins). The runtime waits that long when
 * the call's time budget allows, and otherwise tells the model how long to wait.
 */
export function retryAfterOf(headers: Headers, body: unknown, status: number): number | undefined {
  if (status !== 429 || headers.has('retry-after')) return undefined;
  const details = (body as { error?: GoogleError } | undefined)?.error?.details;
  const retryInfo = (Array.isArray(details) ? details : []).find(
    (detail) => detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo',
  );
  const seconds = parseRetryDelay(retryInfo?.retryDelay);
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/**
 * Keeps Google's reason or status as the runtime error's code, and reclassifies two 400s: a wrong
 * key (INVALID_ARGUMENT, reason API_KEY_INVALID) is an auth failure, not "change the arguments";
 * FAILED_PRECONDITION (e.g. billing needed in this region) does not pass by retrying.
 */
export function classify(status: number, body: unknown): UpstreamClassification | undefined {
  const error = (body as { error?: GoogleError } | undefined)?.error;
  const reason = (Array.isArray(error?.details) ? error.details : []).find(
    (detail) => typeof detail.reason === 'string',
  )?.reason;
  if (status === 400 && reason === 'API_KEY_INVALID') return { failure: 'auth', code: reason };
  if (status === 400 && error?.status === 'FAILED_PRECONDITION') return { code: error.status, retryable: false };
  const code = typeof reason === 'string' ? reason : error?.status;
  return typeof code === 'string' && code !== '' ? { code } : undefined;
}

/** `gemini-2.5-flash` from `models/gemini-2.5-flash` or `gemini-2.5-flash`. */
const modelId = (model: string): string => model.replace(/^models\//, '');

/** Creates the client. `fetch` and `logger` are injectable for tests. */
export function createApiClient(config: Config, deps: { fetch?: typeof fetch; logger?: Logger } = {}): ApiClient {
  const upstream = createUpstreamClient({
    name: 'Gemini',
    baseUrl: config.baseUrl,
    headers: (): Record<string, string> => (config.apiKey === undefined ? {} : { 'x-goog-api-key': config.apiKey }),
    credentialHint: 'GEMINI_API_KEY',
    timeoutMs: config.timeoutMs,
    errorMessage: errorMessageOf,
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
      if (error instanceof UpstreamError && error.upstreamCode === 'FAILED_PRECONDITION') {
        throw projectNotReady(error.upstreamMessage);
      }
      throw error;
    }
  };

  return {
    async complete({ prompt, system, model, maxTokens, temperature }, options = {}) {
      const id = modelId(model);
      let body: z.output<typeof GenerateContentResponse>;
      try {
        body = await send(GenerateContentResponse, {
          method: 'POST',
          path: `${VERSION}/models/${encodeURIComponent(id)}:generateContent`,
          body: {
            contents: [{ role: 'user', parts: [{ text: prompt }] }],
            ...(system === undefined || system === '' ? {} : { systemInstruction: { parts: [{ text: system }] } }),
            generationConfig: { maxOutputTokens: maxTokens, ...(temperature === undefined ? {} : { temperature }) },
          },
          ...options,
        });
      } catch (error) {
        if (isNotFound(error)) throw unknownModel(id);
        throw error;
      }
      const candidate = body.candidates?.[0];
      if (candidate === undefined) throw promptBlocked(body.promptFeedback?.blockReason ?? 'no candidates');
      const finishReason = candidate.finishReason ?? 'FINISH_REASON_UNSPECIFIED';
      return {
        text: (candidate.content?.parts ?? [])
          .filter((part) => part.thought !== true)
          .map((part) => part.text ?? '')
          .join(''),
        model: body.modelVersion ?? id,
        finishReason,
        truncated: finishReason === 'MAX_TOKENS',
        blocked: WITHHELD.has(finishReason),
        usage: {
          inputTokens: body.usageMetadata?.promptTokenCount ?? 0,
          outputTokens: body.usageMetadata?.candidatesTokenCount ?? 0,
          thinkingTokens: body.usageMetadata?.thoughtsTokenCount,
        },
      };
    },
    async listModels(options = {}) {
      const models: ModelInfo[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const body = await send(ModelPage, {
          path: `${VERSION}/models`,
          query: { pageSize: PAGE_SIZE, pageToken },
          ...options,
        });
        models.push(
          ...body.models.map((model) => ({
            id: modelId(model.name),
            displayName: model.displayName ?? modelId(model.name),
            inputTokenLimit: model.inputTokenLimit,
            outputTokenLimit: model.outputTokenLimit,
            methods: model.supportedGenerationMethods,
          })),
        );
        if (body.nextPageToken === undefined || body.nextPageToken === '') break;
        pageToken = body.nextPageToken;
      }
      return models;
    },
  };
}
