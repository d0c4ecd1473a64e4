/**
 * A fake of the Gemini API on 127.0.0.1, speaking its wire format:
 * `POST /v1beta/models/{model}:generateContent` and `GET /v1beta/models` (pages with `pageSize`,
 * `pageToken`, `nextPageToken`) behind the `x-goog-api-key` header, errors as
 * `{ "error": { "code", "message", "status", "details" } }`: 403 PERMISSION_DENIED without a key,
 * 400 INVALID_ARGUMENT with reason API_KEY_INVALID for a wrong one, 404 NOT_FOUND for an unknown
 * model, 429 RESOURCE_EXHAUSTED with a `RetryInfo` detail, 503 UNAVAILABLE. Answers are
 * deterministic: the reply echoes the prompt, one token per word, cut at `maxOutputTokens` with
 * `finishReason: "MAX_TOKENS"`.
 * Tests script faults on it (`fake.fail({ status: 503 })`); `npm run fake-upstream` runs it for
 * trying the server without a real key.
 */
import {
  startFakeUpstream,
  type FakeReply,
  type FakeRequest,
  type FakeUpstream,
  type FakeUpstreamOptions,
} from '@mcp-factory/runtime/fake';

/** The key the fake accepts unless told otherwise. */
export const FAKE_API_KEY = 'AIza-fake-gemini-key-0000';

/** The models the fake lists (as the API names them), with what each supports. */
export const FAKE_MODELS = [
  {
    name: 'models/gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
  },
  {
    name: 'models/gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
  },
  {
    name: 'models/gemini-2.5-flash-lite',
    displayName: 'Gemini 2.5 Flash-Lite',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  },
  {
    name: 'models/text-embedding-004',
    displayName: 'Text Embedding 004',
    inputTokenLimit: 2048,
    outputTokenLimit: 1,
    supportedGenerationMethods: ['embedContent'],
  },
] as const;

const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** How long the fake's 429 asks callers to wait, in its `RetryInfo` detail. */
export const FAKE_RETRY_DELAY = '20s';

/** Google's error body; a 429 carries the quota that ran out and how long to wait. */
export function errorBody(status: number, message: string, details?: unknown[]): unknown {
  const quota =
    status === 429
      ? [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: FAKE_RETRY_DELAY },
        ]
      : undefined;
  const all = details ?? quota;
  return {
    error: {
      code: status,
      message,
      status: STATUS[status] ?? 'UNKNOWN',
      ...(all === undefined ? {} : { details: all }),
    },
  };
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
const fail = (status: number, message: string, details?: unknown[]): FakeReply => ({
  status,
  body: errorBody(status, message, details),
});

/** The fake's configuration for `startFakeUpstream`. */
export function fakeApiOptions(apiKey = FAKE_API_KEY): FakeUpstreamOptions {
  let served = 0;
  const authorized =
    (handle: (request: FakeRequest) => FakeReply) =>
    (request: FakeRequest): FakeReply => {
      const key = request.headers['x-goog-api-key'] ?? request.query.key;
      if (key === undefined) {
        return fail(
          403,
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        );
      }
      if (key !== apiKey) {
        return fail(400, 'API key not valid. Please pass a valid API key.', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ]);
      }
      return handle(request);
    };

  return {
    name: 'gemini',
    errorBody: (status, message) => errorBody(status, message),
    routes: [
      {
        method: 'POST',
        path: '/v1beta/models/:target',
        handle: authorized((request) => {
          const [model = '', method] = (request.params.target ?? '').split(':');
          if (method !== 'generateContent') return fail(404, `Method not found: ${method ?? ''}`);
          const known = FAKE_MODELS.find((candidate) => candidate.name === `models/${model}`);
          if (
            known === undefined ||
            !(known.supportedGenerationMethods as readonly string[]).includes('generateContent')
          ) {
            return fail(
              404,
              `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
            );
          }
          const input = request.body as
            | {
                contents?: { role?: unknown; parts?: { text?: unknown }[] }[];
                systemInstruction?: { parts?: { text?: unknown }[] };
                generationConfig?: { maxOutputTokens?: unknown; temperature?: unknown };
              }
            | undefined;
          const config = input?.generationConfig ?? {};
          if (typeof config.temperature === 'number' && (config.temperature < 0 || config.temperature > 2)) {
            return fail(
              400,
              '* GenerateContentRequest.generation_config.temperature: must be in the range [0.0, 2.0]\n',
            );
          }
          const last = input?.contents?.at(-1);
          const prompt = (last?.parts ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
          if (last === undefined || prompt === '') {
            return fail(400, '* GenerateContentRequest.contents: contents is not specified\n');
          }
          const system = (input?.systemInstruction?.parts ?? [])
            .map((part) => (typeof part.text === 'string' ? part.text : ''))
            .join(' ');
          const reply = words(`Echo: ${prompt}`);
          const limit = typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : undefined;
          const kept = reply.slice(0, limit);
          const promptTokens = words(prompt).length + words(system).length;
          served += 1;
          return {
            body: {
              candidates: [
                {
                  content: { parts: [{ text: kept.join(' ') }], role: 'model' },
                  finishReason: kept.length < reply.length ? 'MAX_TOKENS' : 'STOP',
                  index: 0,
                },
              ],
              usageMetadata: {
                promptTokenCount: promptTokens,
                candidatesTokenCount: kept.length,
                totalTokenCount: promptTokens + kept.length,
                promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
              },
              modelVersion: model,
              responseId: `fake-response-${served}`,
            },
          };
        }),
      },
      {
        method: 'GET',
        path: '/v1beta/models',
        handle: authorized((request) => {
          const size = Math.min(Math.max(Number(request.query.pageSize ?? 50) || 50, 1), 1000);
          const start = Number(request.query.pageToken ?? 0) || 0;
          const next = start + size;
          return {
            body: {
              models: FAKE_MODELS.slice(start, next).map((model) => ({ ...model, version: '001' })),
              ...(next < FAKE_MODELS.length ? { nextPageToken: String(next) } : {}),
            },
          };
        }),
      },
    ],
  };
}

/** Starts the fake Gemini API on a free loopback port; point GEMINI_BASE_URL at `fake.url`. */
export function startFakeApi(apiKey = FAKE_API_KEY): Promise<FakeUpstream> {
  return startFakeUpstream(fakeApiOptions(apiKey));
}
