// The client against the fake OpenAI over real HTTP on 127.0.0.1: the exact requests it sends and
// how every failure maps to an error the model can act on.
import { ToolError, type UpstreamError } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, errorBody, startFakeApi } from '../../fake/upstream.js';
import { createApiClient, parseResetDuration, redactKeys } from '../../src/client.js';
import type { Config } from '../../src/config.js';

/**
 * Options of a call with one second of time budget left: a 429 asking for a longer wait then fails
 * at once with the wait in its message (a shorter one would be waited out and retried, even for a
 * non-idempotent completion, since the upstream never acted on it).
 */
function tightBudget(): { deadline: number } {
  return { deadline: Date.now() + 1000 };
}

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeApi();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const clientFor = (overrides: Partial<Config> = {}) =>
  createApiClient({
    baseUrl: `${fake.url}/v1`,
    apiKey: FAKE_API_KEY,
    model: 'gpt-4.1-mini',
    maxTokens: 100,
    timeoutMs: 2000,
    ...overrides,
  });

const ask = { prompt: 'What is MCP?', model: 'gpt-4.1-mini', maxTokens: 100 };

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    return error as UpstreamError;
  }
  throw new Error('expected the call to fail');
}

describe('wire format', () => {
  it('posts a Chat Completions request with the bearer key and the request id', async () => {
    await clientFor().complete({ ...ask, system: 'Be brief.', temperature: 0.3 }, { requestId: 'req-42' });
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-id']).toBe('req-42');
    expect(request.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is MCP?' },
      ],
      max_completion_tokens: 100,
      temperature: 0.3,
    });
  });

  it('leaves out the system message and temperature when not given', async () => {
    await clientFor().complete(ask);
    expect(fake.requests[0]!.body).toEqual({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: 'What is MCP?' }],
      max_completion_tokens: 100,
    });
  });

  it('sends the organization and project headers when configured', async () => {
    await clientFor({ organization: 'org-123', project: 'proj_456' }).complete(ask);
    expect(fake.requests[0]!.headers).toMatchObject({ 'openai-organization': 'org-123', 'openai-project': 'proj_456' });
  });

  it('maps the completion: text, reported model, finish reason and usage', async () => {
    const completion = await clientFor().complete(ask);
    expect(completion).toEqual({
      text: 'Echo: What is MCP?',
      model: 'gpt-4.1-mini-2025-04-14',
      finishReason: 'stop',
      truncated: false,
      refusal: undefined,
      usage: { inputTokens: 3, outputTokens: 4 },
    });
  });

  it('flags a reply cut at max_completion_tokens', async () => {
    const completion = await clientFor().complete({ ...ask, maxTokens: 2 });
    expect(completion).toMatchObject({ text: 'Echo: What', finishReason: 'length', truncated: true });
  });

  it('reads a refusal', async () => {
    fake.fail({
      status: 200,
      body: {
        model: 'gpt-4.1-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: 'No.' }, finish_reason: 'stop' }],
      },
    });
    expect(await clientFor().complete(ask)).toMatchObject({ text: '', refusal: 'No.', usage: { inputTokens: 0 } });
  });

  it('lists models with GET /v1/models, sorted, with ISO dates', async () => {
    const models = await clientFor().listModels();
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(models.map((model) => model.id)).toEqual([
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4o-mini',
      'o4-mini',
      'text-embedding-3-small',
    ]);
    expect(models[0]).toEqual({ id: 'gpt-4.1', ownedBy: 'system', created: '2025-04-14T00:00:00.000Z' });
  });
});

describe('errors', () => {
  it('refuses to call without a key and says which variable to set', async () => {
    await expect(clientFor({ apiKey: undefined }).complete(ask)).rejects.toThrow(/^OPENAI_API_KEY is not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps 401 to an auth failure naming OPENAI_API_KEY, without the key OpenAI echoes masked', async () => {
    const error = await failureOf(clientFor({ apiKey: 'sk-wrong-key-123456' }).complete(ask));
    expect(error.failure).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(
      /^OpenAI rejected the credentials \(HTTP 401\): Incorrect API key provided: \[redacted\]\./,
    );
    expect(error.message).toMatch(/\(invalid_api_key\)\. Check that OPENAI_API_KEY is set to a valid key/);
    expect(error.message).not.toMatch(/sk-|3456|\*\*\*/);
  });

  it('maps 429 with Retry-After to rate_limited with the wait', async () => {
    fake.fail({
      status: 429,
      headers: { 'retry-after': '7' },
      message: 'Rate limit reached for gpt-4.1-mini on requests per min (RPM)',
    });
    const error = await failureOf(clientFor().complete(ask, tightBudget()));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toMatch(/Rate limit reached.*\(rate_limit_exceeded\)\. Retry after 7 s/);
  });

  it('derives the wait from x-ratelimit-reset-* when Retry-After is missing', async () => {
    fake.fail({
      status: 429,
      headers: {
        'x-ratelimit-remaining-requests': '12',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-remaining-tokens': '0',
        'x-ratelimit-reset-tokens': '1m30s',
      },
    });
    const error = await failureOf(clientFor().complete(ask, tightBudget()));
    expect(error.retryAfterMs).toBe(90_000);
    expect(error.message).toMatch(/Retry after 90 s/);
  });

  it('derives the wait from retry-after-ms', async () => {
    fake.fail({ status: 429, headers: { 'retry-after-ms': '2500' } });
    expect((await failureOf(clientFor().complete(ask, tightBudget()))).retryAfterMs).toBe(2500);
  });

  it('treats insufficient_quota as final, not as a rate limit to wait out', async () => {
    fake.fail({
      status: 429,
      body: errorBody(429, 'You exceeded your current quota, please check your plan and billing details.', {
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      }),
    });
    const error = await failureOf(clientFor().complete(ask));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(/no quota left.*Retrying will not help.*OPENAI_API_KEY/);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([500, 503])('maps %i to unavailable with the upstream message', async (status) => {
    fake.fail({ status, message: 'The server had an error while processing your request.' });
    const error = await failureOf(clientFor().complete(ask));
    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`(HTTP ${status}): The server had an error while processing your request.`);
  });

  it('maps an unknown model (404 model_not_found) to advice to list models', async () => {
    await expect(clientFor().complete({ ...ask, model: 'gpt-9' })).rejects.toThrow(
      'OpenAI has no model "gpt-9" for this key. Call list_models for the ids it can use.',
    );
  });

  it('maps 400 to bad_request with the parameter OpenAI names', async () => {
    fake.fail({
      status: 400,
      body: errorBody(400, "Unsupported value: 'temperature' does not support 0.2 with this model.", {
        param: 'temperature',
        code: 'unsupported_value',
      }),
    });
    const error = await failureOf(clientFor().complete({ ...ask, temperature: 0.2 }));
    expect(error.failure).toBe('bad_request');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("'temperature' does not support 0.2 with this model. (unsupported_value)");
  });

  it('reports malformed JSON as an invalid response', async () => {
    fake.fail({ status: 200, raw: '{"choices": [' });
    expect((await failureOf(clientFor().complete(ask))).failure).toBe('invalid_response');
  });

  it('reports a body of the wrong shape as an invalid response', async () => {
    fake.fail({ status: 200, body: { model: 'x', choices: [] } });
    const error = await failureOf(clientFor().complete(ask));
    expect(error.failure).toBe('invalid_response');
    expect(error.message).toMatch(/unexpected shape \(choices/);
  });

  it('reports a reset connection as a network failure once the retries of a read are spent', async () => {
    fake.fail({ reset: true, times: 3 });
    expect((await failureOf(clientFor().listModels())).failure).toBe('network');
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a read through a short outage, honouring the rate-limit reset hint', async () => {
    fake.fail({
      status: 429,
      headers: { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20ms' },
    });
    fake.fail({ status: 503 });
    expect((await clientFor().listModels()).length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a completion (not idempotent)', async () => {
    fake.fail({ status: 503 });
    await failureOf(clientFor().complete(ask));
    expect(fake.requests).toHaveLength(1);
  });

  it('gives up on a hanging upstream after the timeout', async () => {
    fake.fail({ hang: true });
    const started = Date.now();
    const error = await failureOf(clientFor({ timeoutMs: 300 }).complete(ask));
    expect(error.failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops at once when the tool call is cancelled', async () => {
    fake.fail({ hang: true });
    const controller = new AbortController();
    const pending = clientFor({ timeoutMs: 10_000 }).complete(ask, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await expect(pending).rejects.toThrow('cancelled by test');
  });
});

describe('helpers', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
  ])('parses the reset duration %s', (value, ms) => {
    expect(parseResetDuration(value)).toBe(ms);
  });

  it('redacts masked keys and the configured key', () => {
    expect(redactKeys('Incorrect API key provided: sk-ab*****wxyz. See docs.', 'x')).toBe(
      'Incorrect API key provided: [redacted]. See docs.',
    );
    expect(redactKeys('key sk-secret leaked', 'sk-secret')).toBe('key [redacted] leaked');
  });
});
