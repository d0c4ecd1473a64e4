// The client against the fake Gemini API over real HTTP on 127.0.0.1: the exact requests it sends
// and how every failure maps to an error the model can act on.
import { ToolError, type UpstreamError } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, FAKE_MODELS, errorBody, startFakeApi } from '../../fake/upstream.js';
import { createApiClient, parseRetryDelay } from '../../src/client.js';
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
    baseUrl: fake.url,
    apiKey: FAKE_API_KEY,
    model: 'gemini-2.5-flash',
    maxTokens: 100,
    timeoutMs: 2000,
    ...overrides,
  });

const ask = { prompt: 'What is MCP?', model: 'gemini-2.5-flash', maxTokens: 100 };

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    return error as UpstreamError;
  }
  throw new Error('expected the call to fail');
}

describe('wire format', () => {
  it('posts generateContent with the key in x-goog-api-key, never in the URL', async () => {
    await clientFor().complete({ ...ask, system: 'Be brief.', temperature: 0.3 }, { requestId: 'req-42' });
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request.query).toEqual({});
    expect(request.headers['x-goog-api-key']).toBe(FAKE_API_KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-id']).toBe('req-42');
    expect(request.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'What is MCP?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 100, temperature: 0.3 },
    });
  });

  it('leaves out systemInstruction and temperature when not given, and accepts a models/ prefix', async () => {
    await clientFor().complete({ ...ask, model: 'models/gemini-2.5-pro' });
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
    expect(fake.requests[0]!.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'What is MCP?' }] }],
      generationConfig: { maxOutputTokens: 100 },
    });
  });

  it('maps the response: candidate text, modelVersion, finishReason and usageMetadata', async () => {
    expect(await clientFor().complete(ask)).toEqual({
      text: 'Echo: What is MCP?',
      model: 'gemini-2.5-flash',
      finishReason: 'STOP',
      truncated: false,
      blocked: false,
      usage: { inputTokens: 3, outputTokens: 4, thinkingTokens: undefined },
    });
  });

  it('flags a reply cut at maxOutputTokens', async () => {
    expect(await clientFor().complete({ ...ask, maxTokens: 2 })).toMatchObject({
      text: 'Echo: What',
      finishReason: 'MAX_TOKENS',
      truncated: true,
    });
  });

  it('skips thought parts, reads thinking tokens, and copes with a candidate without parts', async () => {
    fake.fail({
      status: 200,
      body: {
        candidates: [
          {
            content: { parts: [{ text: 'plan…', thought: true }, { text: 'Answer.' }], role: 'model' },
            finishReason: 'STOP',
          },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, thoughtsTokenCount: 40 },
        modelVersion: 'gemini-2.5-flash',
      },
    });
    expect(await clientFor().complete(ask)).toMatchObject({ text: 'Answer.', usage: { thinkingTokens: 40 } });
    fake.fail({ status: 200, body: { candidates: [{ content: { role: 'model' }, finishReason: 'MAX_TOKENS' }] } });
    expect(await clientFor().complete(ask)).toMatchObject({ text: '', truncated: true });
  });

  it('flags a reply withheld for safety', async () => {
    fake.fail({ status: 200, body: { candidates: [{ finishReason: 'SAFETY', safetyRatings: [] }] } });
    expect(await clientFor().complete(ask)).toMatchObject({ text: '', blocked: true, finishReason: 'SAFETY' });
  });

  it('turns a blocked prompt (no candidates) into advice to rephrase', async () => {
    fake.fail({ status: 200, body: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } } });
    await expect(clientFor().complete(ask)).rejects.toThrow(/^Gemini blocked the prompt \(PROHIBITED_CONTENT\)/);
  });

  it('lists models with GET /v1beta/models, following nextPageToken', async () => {
    fake.fail({ status: 200, body: { models: [FAKE_MODELS[0]], nextPageToken: '1' } });
    const models = await clientFor().listModels();
    expect(fake.requests.map((request) => [request.path, request.query])).toEqual([
      ['/v1beta/models', { pageSize: '1000' }],
      ['/v1beta/models', { pageSize: '1000', pageToken: '1' }],
    ]);
    expect(models.map((model) => model.id)).toEqual(FAKE_MODELS.map((model) => model.name.slice('models/'.length)));
    expect(models[3]).toEqual({
      id: 'text-embedding-004',
      displayName: 'Text Embedding 004',
      inputTokenLimit: 2048,
      outputTokenLimit: 1,
      methods: ['embedContent'],
    });
  });
});

describe('errors', () => {
  it('refuses to call without a key and says which variable to set', async () => {
    await expect(clientFor({ apiKey: undefined }).complete(ask)).rejects.toThrow(/^GEMINI_API_KEY is not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps 400 API_KEY_INVALID to an auth failure naming GEMINI_API_KEY, never echoing the key', async () => {
    const error = await failureOf(clientFor({ apiKey: 'AIza-wrong-123' }).complete(ask));
    expect(error.failure).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'Gemini rejected the credentials (HTTP 400): API key not valid. Please pass a valid API key. (INVALID_ARGUMENT, API_KEY_INVALID). Check that GEMINI_API_KEY is set to a valid key with access.',
    );
    expect(error.message).not.toContain('AIza-wrong-123');
  });

  it.each([
    [403, "Method doesn't allow unregistered callers"],
    [401, 'Request had invalid authentication credentials.'],
  ])('maps %i to an auth failure naming GEMINI_API_KEY', async (status, message) => {
    fake.fail({ status, message });
    const error = await failureOf(clientFor().complete(ask));
    expect(error.failure).toBe('auth');
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/Check that GEMINI_API_KEY is set/);
  });

  it('maps 429 RESOURCE_EXHAUSTED to rate_limited, with the wait from RetryInfo', async () => {
    fake.fail({ status: 429, message: 'You exceeded your current quota, please check your plan and billing details.' });
    const error = await failureOf(clientFor().complete(ask, tightBudget()));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(20_000);
    expect(error.message).toMatch(
      /quota, please check your plan and billing details\. \(RESOURCE_EXHAUSTED\)\. Retry after 20 s/,
    );
  });

  it('rounds a fractional retryDelay up, and prefers a Retry-After header', async () => {
    fake.fail({
      status: 429,
      body: errorBody(429, 'Quota exceeded', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '57.238747106s' },
      ]),
    });
    expect((await failureOf(clientFor().complete(ask, tightBudget()))).retryAfterMs).toBe(57_239);
    fake.fail({ status: 429, headers: { 'retry-after': '5' } });
    expect((await failureOf(clientFor().complete(ask, tightBudget()))).retryAfterMs).toBe(5000);
  });

  it('maps 503 UNAVAILABLE to unavailable with the upstream message', async () => {
    fake.fail({ status: 503, message: 'The model is overloaded. Please try again later.' });
    const error = await failureOf(clientFor().complete(ask));
    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('(HTTP 503): The model is overloaded. Please try again later. (UNAVAILABLE)');
  });

  it('maps an unknown model (404 NOT_FOUND) to advice to list models', async () => {
    await expect(clientFor().complete({ ...ask, model: 'gemini-9' })).rejects.toThrow(
      'Gemini has no model "gemini-9" that can generate content. Call list_models for the ids to use.',
    );
  });

  it('maps 400 FAILED_PRECONDITION to a final error about the project', async () => {
    fake.fail({
      status: 400,
      body: {
        error: { code: 400, message: 'User location is not supported for the API use.', status: 'FAILED_PRECONDITION' },
      },
    });
    const error = await failureOf(clientFor().complete(ask));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(/FAILED_PRECONDITION.*Retrying will not help.*GEMINI_API_KEY/);
  });

  it('maps other 400 INVALID_ARGUMENT errors to bad_request with the reason', async () => {
    const error = await failureOf(clientFor().complete({ ...ask, temperature: 3 }));
    expect(error.failure).toBe('bad_request');
    expect(error.message).toContain('temperature: must be in the range [0.0, 2.0]');
  });

  it('reports malformed JSON as an invalid response', async () => {
    fake.fail({ status: 200, raw: '{"candidates": [' });
    expect((await failureOf(clientFor().complete(ask))).failure).toBe('invalid_response');
  });

  it('reports a body of the wrong shape as an invalid response', async () => {
    fake.fail({ status: 200, body: { candidates: 'none' } });
    expect((await failureOf(clientFor().complete(ask))).failure).toBe('invalid_response');
  });

  it('reports a reset connection as a network failure once the retries of a read are spent', async () => {
    fake.fail({ reset: true, times: 3 });
    expect((await failureOf(clientFor().listModels())).failure).toBe('network');
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a read through a short outage, waiting as RetryInfo asks', async () => {
    fake.fail({
      status: 429,
      body: errorBody(429, 'Quota exceeded', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' },
      ]),
    });
    fake.fail({ status: 503 });
    expect((await clientFor().listModels()).length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(3);
  });

  it('keeps Google’s reason as the error code, and never retries a wrong key', async () => {
    const error = await failureOf(clientFor({ apiKey: 'AIza-wrong-123' }).listModels());
    expect(error.failure).toBe('auth');
    expect(error.upstreamCode).toBe('API_KEY_INVALID');
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
    ['37s', 37],
    ['57.238747106s', 57.238747106],
    ['soon', undefined],
    [undefined, undefined],
  ])('parses the retry delay %s', (value, seconds) => {
    expect(parseRetryDelay(value)).toBe(seconds);
  });
});
