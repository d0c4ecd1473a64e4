/**
 * A fake of the Anthropic API on 127.0.0.1, speaking its wire format: `POST /v1/messages` and
 * `GET /v1/models` (cursor pages with `has_more`, `first_id`, `last_id`), behind the `x-api-key`
 * and `anthropic-version` headers, errors as `{ "type": "error", "error": { "type", "message" },
 * "request_id" }` (including 529 `overloaded_error`). Answers are deterministic: the reply echoes
 * the prompt, one token per word, cut at `max_tokens` with `stop_reason: "max_tokens"`.
 * Tests script faults on it (`fake.fail({ status: 529 })`); `npm run fake-upstream` runs it for
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
export const FAKE_API_KEY = 'sk-ant-fake-key-0000';

/** The models the fake lists, newest first, as the API lists them. */
export const FAKE_MODELS = [
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-15T00:00:00Z' },
  { id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
  { id: 'claude-opus-4-1-20250805', display_name: 'Claude Opus 4.1', created_at: '2025-08-05T00:00:00Z' },
] as const;

/** Aliases resolve to the dated id, which is what replies report. */
const ALIASES: Record<string, string> = {
  'claude-haiku-4-5': 'claude-haiku-4-5-20251001',
  'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929',
  'claude-opus-4-1': 'claude-opus-4-1-20250805',
};

const TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

let requestCounter = 0;

/** Anthropic's error body; `message` defaults to what the API says for a bare 529. */
export function errorBody(status: number, message: string, type = TYPES[status] ?? 'api_error'): unknown {
  requestCounter += 1;
  return {
    type: 'error',
    error: { type, message: status === 529 && message === 'HTTP 529' ? 'Overloaded' : message },
    request_id: `req_fake${String(requestCounter).padStart(6, '0')}`,
  };
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
const fail = (status: number, message: string): FakeReply => ({ status, body: errorBody(status, message) });

/** The fake's configuration for `startFakeUpstream`. */
export function fakeApiOptions(apiKey = FAKE_API_KEY): FakeUpstreamOptions {
  let served = 0;
  const authorized =
    (handle: (request: FakeRequest) => FakeReply) =>
    (request: FakeRequest): FakeReply => {
      const key = request.headers['x-api-key'];
      if (key === undefined) return fail(401, 'x-api-key header is required');
      if (key !== apiKey) return fail(401, 'invalid x-api-key');
      if (request.headers['anthropic-version'] === undefined) return fail(400, 'anthropic-version: header is required');
      return handle(request);
    };

  return {
    name: 'anthropic',
    errorBody: (status, message) => errorBody(status, message),
    routes: [
      {
        method: 'POST',
        path: '/v1/messages',
        handle: authorized((request) => {
          const input = request.body as
            | { model?: unknown; max_tokens?: unknown; messages?: unknown; system?: unknown; temperature?: unknown }
            | undefined;
          if (typeof input?.model !== 'string') return fail(400, 'model: Field required');
          if (typeof input.max_tokens !== 'number' || input.max_tokens < 1)
            return fail(400, 'max_tokens: Field required');
          if (typeof input.temperature === 'number' && (input.temperature < 0 || input.temperature > 1)) {
            return fail(400, 'temperature: Input should be less than or equal to 1');
          }
          const model = ALIASES[input.model] ?? input.model;
          if (!FAKE_MODELS.some((known) => known.id === model)) return fail(404, `model: ${input.model}`);
          const messages = Array.isArray(input.messages)
            ? (input.messages as { role?: unknown; content?: unknown }[])
            : [];
          const prompt = messages.at(-1);
          if (prompt?.role !== 'user' || typeof prompt.content !== 'string') {
            return fail(400, 'messages: the last message must be a user message');
          }
          const reply = words(`Echo: ${prompt.content}`);
          const kept = reply.slice(0, input.max_tokens);
          const system = typeof input.system === 'string' ? words(input.system).length : 0;
          served += 1;
          return {
            headers: {
              'request-id': `req_fake_msg_${served}`,
              'anthropic-ratelimit-requests-limit': '50',
              'anthropic-ratelimit-requests-remaining': '49',
            },
            body: {
              id: `msg_fake${served}`,
              type: 'message',
              role: 'assistant',
              model,
              content: [{ type: 'text', text: kept.join(' ') }],
              stop_reason: kept.length < reply.length ? 'max_tokens' : 'end_turn',
              stop_sequence: null,
              usage: { input_tokens: words(prompt.content).length + system, output_tokens: kept.length },
            },
          };
        }),
      },
      {
        method: 'GET',
        path: '/v1/models',
        handle: authorized((request) => {
          const limit = Math.min(Math.max(Number(request.query.limit ?? 20) || 20, 1), 1000);
          const after = request.query.after_id;
          const start = after === undefined ? 0 : FAKE_MODELS.findIndex((model) => model.id === after) + 1;
          const page = FAKE_MODELS.slice(start, start + limit).map((model) => ({ type: 'model', ...model }));
          return {
            body: {
              data: page,
              has_more: start + limit < FAKE_MODELS.length,
              first_id: page[0]?.id ?? null,
              last_id: page.at(-1)?.id ?? null,
            },
          };
        }),
      },
    ],
  };
}

/** Starts the fake Anthropic API on a free loopback port; point ANTHROPIC_BASE_URL at `fake.url`. */
export function startFakeApi(apiKey = FAKE_API_KEY): Promise<FakeUpstream> {
  return startFakeUpstream(fakeApiOptions(apiKey));
}
