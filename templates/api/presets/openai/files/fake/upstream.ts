/**
 * A fake of the OpenAI API on 127.0.0.1, speaking its wire format: `POST /v1/chat/completions`
 * and `GET /v1/models` behind `Authorization: Bearer <key>`, errors as
 * `{ "error": { "message", "type", "param", "code" } }`, 401s that echo the key masked, and
 * `x-ratelimit-*` headers. Answers are deterministic: the reply echoes the prompt, one token per
 * word, cut at `max_completion_tokens` with `finish_reason: "length"`.
 * Tests script faults on it (`fake.fail({ status: 429, headers: { 'retry-after': '2' } })`);
 * `npm run fake-upstream` runs it for trying the server without a real key.
 */
import {
  startFakeUpstream,
  type FakeReply,
  type FakeRequest,
  type FakeUpstream,
  type FakeUpstreamOptions,
} from '@mcp-factory/runtime/fake';

/** The key the fake accepts unless told otherwise. */
export const FAKE_API_KEY = 'sk-fake-openai-key-0000';

/** The models the fake lists and accepts. */
export const FAKE_MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o-mini', 'o4-mini', 'text-embedding-3-small'] as const;

/** Snapshot each model id resolves to in replies, as OpenAI reports dated versions. */
const SNAPSHOT = '-2025-04-14';

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'invalid_request_error',
  403: 'invalid_request_error',
  404: 'invalid_request_error',
  429: 'requests',
  500: 'server_error',
  503: 'server_error',
};

const CODES: Record<number, string> = { 401: 'invalid_api_key', 429: 'rate_limit_exceeded' };

/** OpenAI's error body. */
export function errorBody(
  status: number,
  message: string,
  fields: { type?: string; param?: string | null; code?: string | null } = {},
): unknown {
  return {
    error: {
      message,
      type: fields.type ?? TYPES[status] ?? 'invalid_request_error',
      param: fields.param ?? null,
      code: fields.code === undefined ? (CODES[status] ?? null) : fields.code,
    },
  };
}

/** How OpenAI shows a wrong key back: its first and last characters around asterisks. */
function masked(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}`;
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

const rateLimitHeaders = {
  'x-ratelimit-limit-requests': '500',
  'x-ratelimit-remaining-requests': '499',
  'x-ratelimit-reset-requests': '120ms',
  'x-ratelimit-limit-tokens': '200000',
  'x-ratelimit-remaining-tokens': '199000',
  'x-ratelimit-reset-tokens': '300ms',
};

/** The fake's configuration for `startFakeUpstream`. */
export function fakeApiOptions(apiKey = FAKE_API_KEY): FakeUpstreamOptions {
  let served = 0;
  const authorized =
    (handle: (request: FakeRequest) => FakeReply) =>
    (request: FakeRequest): FakeReply => {
      const header = request.headers.authorization;
      if (header === undefined || !header.startsWith('Bearer ')) {
        return {
          status: 401,
          body: errorBody(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            { code: null },
          ),
        };
      }
      const key = header.slice('Bearer '.length);
      if (key !== apiKey) {
        return {
          status: 401,
          body: errorBody(
            401,
            `Incorrect API key provided: ${masked(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          ),
        };
      }
      return handle(request);
    };

  return {
    name: 'openai',
    errorBody,
    routes: [
      {
        method: 'POST',
        path: '/v1/chat/completions',
        handle: authorized((request) => {
          const input = request.body as
            { model?: unknown; messages?: unknown; max_completion_tokens?: unknown } | undefined;
          if (typeof input?.model !== 'string' || input.model === '') {
            return { status: 400, body: errorBody(400, 'you must provide a model parameter') };
          }
          if (!(FAKE_MODELS as readonly string[]).includes(input.model)) {
            return {
              status: 404,
              body: errorBody(404, `The model \`${input.model}\` does not exist or you do not have access to it.`, {
                code: 'model_not_found',
              }),
            };
          }
          const messages = Array.isArray(input.messages)
            ? (input.messages as { role?: unknown; content?: unknown }[])
            : [];
          const prompt = messages.findLast((message) => message.role === 'user')?.content;
          if (typeof prompt !== 'string') {
            return {
              status: 400,
              body: errorBody(400, "'messages' must contain a user message", { param: 'messages' }),
            };
          }
          const limit = typeof input.max_completion_tokens === 'number' ? input.max_completion_tokens : Infinity;
          const reply = words(`Echo: ${prompt}`);
          const kept = reply.slice(0, limit);
          const promptTokens = messages.reduce(
            (sum, message) => sum + words(typeof message.content === 'string' ? message.content : '').length,
            0,
          );
          served += 1;
          return {
            headers: { ...rateLimitHeaders, 'x-request-id': `req_fake_${served}` },
            body: {
              id: `chatcmpl-fake${served}`,
              object: 'chat.completion',
              created: 1767225600,
              model: `${input.model}${SNAPSHOT}`,
              choices: [
                {
                  index: 0,
                  message: { role: 'assistant', content: kept.join(' '), refusal: null, annotations: [] },
                  logprobs: null,
                  finish_reason: kept.length < reply.length ? 'length' : 'stop',
                },
              ],
              usage: {
                prompt_tokens: promptTokens,
                completion_tokens: kept.length,
                total_tokens: promptTokens + kept.length,
              },
              service_tier: 'default',
              system_fingerprint: null,
            },
          };
        }),
      },
      {
        method: 'GET',
        path: '/v1/models',
        handle: authorized(() => ({
          headers: rateLimitHeaders,
          body: {
            object: 'list',
            data: FAKE_MODELS.map((id, index) => ({
              id,
              object: 'model',
              created: 1744588800 + index * 86_400,
              owned_by: id.startsWith('text-') ? 'openai-internal' : 'system',
            })),
          },
        })),
      },
    ],
  };
}

/** Starts the fake OpenAI on a free loopback port; point OPENAI_BASE_URL at `${fake.url}/v1`. */
export function startFakeApi(apiKey = FAKE_API_KEY): Promise<FakeUpstream> {
  return startFakeUpstream(fakeApiOptions(apiKey));
}
