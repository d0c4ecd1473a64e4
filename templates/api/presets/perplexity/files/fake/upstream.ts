/**
 * A fake of Perplexity's Sonar API on 127.0.0.1, speaking its wire format: OpenAI-style
 * `POST /chat/completions` behind `Authorization: Bearer <key>`, answers with `citations` and
 * `search_results`, errors as `{ "error": { "message", "type", "code" } }` (400 `invalid_model` for
 * an unknown model), and a rejected key answered with an HTML 401 page from the edge proxy, as the
 * real service does. Answers are deterministic: the reply echoes the question with `[1][2]`
 * markers, its sources come from `search_domain_filter` (or two fixed sites), reasoning models
 * prefix a `<think>` block, and `max_tokens` cuts the reply (one token per word).
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
export const FAKE_API_KEY = 'pplx-fake-key-0000';

/** The models the fake accepts. */
export const FAKE_MODELS = ['sonar', 'sonar-pro', 'sonar-reasoning-pro', 'sonar-deep-research'] as const;

const TYPES: Record<number, string> = {
  400: 'invalid_parameter',
  401: 'unauthorized',
  404: 'not_found',
  429: 'rate_limit_exceeded',
  500: 'internal_server_error',
  503: 'service_unavailable',
};

/**
 * Perplexity's error body (`code` repeats the HTTP status as a number). `invalid_model` is the type
 * the API documents in practice; the others are stand-ins, since clients match on the status.
 */
export function errorBody(status: number, message: string, type = TYPES[status] ?? 'error'): unknown {
  return { error: { message, type, code: status } };
}

/** What the edge proxy sends for a missing or wrong key: HTML, not JSON. */
export const UNAUTHORIZED_PAGE =
  '<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n';

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/** The sites the fake "finds": the allowed domains of the filter, or two fixed ones. */
function sitesFor(filter: unknown): string[] {
  const domains = Array.isArray(filter) ? filter.filter((domain): domain is string => typeof domain === 'string') : [];
  const excluded = new Set(domains.filter((domain) => domain.startsWith('-')).map((domain) => domain.slice(1)));
  const allowed = domains.filter((domain) => !domain.startsWith('-'));
  const sites =
    allowed.length > 0 ? allowed : ['en.wikipedia.org', 'example.com'].filter((site) => !excluded.has(site));
  return sites.slice(0, 2);
}

/** The fake's configuration for `startFakeUpstream`. */
export function fakeApiOptions(apiKey = FAKE_API_KEY): FakeUpstreamOptions {
  let served = 0;
  const authorized =
    (handle: (request: FakeRequest) => FakeReply) =>
    (request: FakeRequest): FakeReply =>
      request.headers.authorization === `Bearer ${apiKey}`
        ? handle(request)
        : { status: 401, headers: { 'content-type': 'text/html' }, raw: UNAUTHORIZED_PAGE };

  return {
    name: 'perplexity',
    errorBody: (status, message) => errorBody(status, message),
    routes: [
      {
        method: 'POST',
        path: '/chat/completions',
        handle: authorized((request) => {
          const input = request.body as
            { model?: unknown; messages?: unknown; max_tokens?: unknown; search_domain_filter?: unknown } | undefined;
          if (typeof input?.model !== 'string' || !(FAKE_MODELS as readonly string[]).includes(input.model)) {
            return {
              status: 400,
              body: errorBody(
                400,
                `Invalid model '${String(input?.model)}'. Permitted models can be found in the documentation at https://docs.perplexity.ai/getting-started/models.`,
                'invalid_model',
              ),
            };
          }
          const messages = Array.isArray(input.messages)
            ? (input.messages as { role?: unknown; content?: unknown }[])
            : [];
          const question = messages.at(-1);
          if (question?.role !== 'user' || typeof question.content !== 'string') {
            return { status: 400, body: errorBody(400, 'Last message must have role `user`.') };
          }
          const sites = sitesFor(input.search_domain_filter);
          const markers = sites.map((_site, index) => `[${index + 1}]`).join('');
          const reply = words(`Echo: ${question.content} ${markers}`);
          const kept = reply.slice(0, typeof input.max_tokens === 'number' ? input.max_tokens : undefined);
          const thinking = input.model.startsWith('sonar-reasoning')
            ? '<think>Searching for sources first.</think>\n'
            : '';
          const results = sites.map((site, index) => ({
            title: `Result ${index + 1} from ${site}`,
            url: `https://${site}/result-${index + 1}`,
            date: `2025-0${index + 1}-15`,
          }));
          const promptTokens = messages.reduce(
            (sum, message) => sum + words(typeof message.content === 'string' ? message.content : '').length,
            0,
          );
          served += 1;
          return {
            body: {
              id: `fake-${served}`,
              model: input.model,
              created: 1767225600,
              object: 'chat.completion',
              usage: {
                prompt_tokens: promptTokens,
                completion_tokens: kept.length,
                total_tokens: promptTokens + kept.length,
                search_context_size: 'low',
                num_search_queries: 1,
              },
              citations: results.map((result) => result.url),
              search_results: results,
              choices: [
                {
                  index: 0,
                  finish_reason: kept.length < reply.length ? 'length' : 'stop',
                  message: { role: 'assistant', content: `${thinking}${kept.join(' ')}` },
                },
              ],
            },
          };
        }),
      },
    ],
  };
}

/** Starts the fake Perplexity API on a free loopback port; point PERPLEXITY_BASE_URL at `fake.url`. */
export function startFakeApi(apiKey = FAKE_API_KEY): Promise<FakeUpstream> {
  return startFakeUpstream(fakeApiOptions(apiKey));
}
