// The client against the fake Anthropic API over real HTTP on 127.0.0.1: the exact requests it
// sends and how every failure maps to an error the model can act on.
import { ToolError, type UpstreamError } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, FAKE_MODELS, errorBody, startFakeApi } from '../../fake/upstream.js';
import { ANTHROPIC_VERSION, createApiClient } from '../../src/client.js';
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
    model: 'claude-sonnet-4-5',
    maxTokens: 100,
    timeoutMs: 2000,
    ...overrides,
  });

const ask = { prompt: 'What is MCP?', model: 'claude-sonnet-4-5', maxTokens: 100 };

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    return error as UpstreamError;
  }
  throw new Error('expected the call to fail');
}

describe('wire format', () => {
  it('posts a Messages request with x-api-key, anthropic-version and the request id', async () => {
    await clientFor().complete({ ...ask, system: 'Be brief.', temperature: 0.3 }, { requestId: 'req-42' });
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(FAKE_API_KEY);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(ANTHROPIC_VERSION).toBe('2023-06-01');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-id']).toBe('req-42');
    expect(request.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is MCP?' }],
      system: 'Be brief.',
      temperature: 0.3,
    });
  });

  it('leaves out system and temperature when not given', async () => {
    await clientFor().complete(ask);
    expect(fake.requests[0]!.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'What is MCP?' }],
    });
  });

  it('maps the message: text blocks, dated model, stop reason and usage', async () => {
    expect(await clientFor().complete(ask)).toEqual({
      text: 'Echo: What is MCP?',
      model: 'claude-sonnet-4-5-20250929',
      stopReason: 'end_turn',
      truncated: false,
      refused: false,
      usage: { inputTokens: 3, outputTokens: 4 },
    });
  });

  it('flags a reply cut at max_tokens', async () => {
    expect(await clientFor().complete({ ...ask, maxTokens: 2 })).toMatchObject({
      text: 'Echo: What',
      stopReason: 'max_tokens',
      truncated: true,
    });
  });

  it('joins text blocks, skips other block types and reads a refusal', async () => {
    fake.fail({
      status: 200,
      body: {
        type: 'message',
        model: 'claude-sonnet-4-5-20250929',
        content: [
          { type: 'thinking', thinking: 'hidden' },
          { type: 'text', text: 'I will not ' },
          { type: 'text', text: 'do that.' },
        ],
        stop_reason: 'refusal',
        usage: { input_tokens: 5, output_tokens: 4 },
      },
    });
    expect(await clientFor().complete(ask)).toMatchObject({ text: 'I will not do that.', refused: true });
  });

  it('lists models with GET /v1/models, following has_more and last_id', async () => {
    const [first] = FAKE_MODELS;
    fake.fail({
      status: 200,
      body: { data: [{ type: 'model', ...first }], has_more: true, first_id: first.id, last_id: first.id },
    });
    const models = await clientFor().listModels();
    expect(fake.requests.map((request) => [request.path, request.query])).toEqual([
      ['/v1/models', { limit: '1000' }],
      ['/v1/models', { limit: '1000', after_id: 'claude-haiku-4-5-20251001' }],
    ]);
    expect(models.map((model) => model.id)).toEqual(FAKE_MODELS.map((model) => model.id));
    expect(models[0]).toEqual({ id: first.id, displayName: 'Claude Haiku 4.5', createdAt: '2025-10-15T00:00:00Z' });
  });
});

describe('errors', () => {
  it('refuses to call without a key and says which variable to set', async () => {
    await expect(clientFor({ apiKey: undefined }).complete(ask)).rejects.toThrow(/^ANTHROPIC_API_KEY is not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps 401 authentication_error to an auth failure naming ANTHROPIC_API_KEY, never echoing the key', async () => {
    const error = await failureOf(clientFor({ apiKey: 'sk-ant-wrong-123' }).complete(ask));
    expect(error.failure).toBe('auth');
    expect(error.message).toBe(
      'Anthropic rejected the credentials (HTTP 401): invalid x-api-key (authentication_error). Check that ANTHROPIC_API_KEY is set to a valid key with access.',
    );
    expect(error.message).not.toContain('sk-ant-wrong-123');
  });

  it('maps 429 rate_limit_error with Retry-After to rate_limited with the wait', async () => {
    fake.fail({
      status: 429,
      headers: { 'retry-after': '12' },
      message: 'Number of request tokens has exceeded your per-minute rate limit',
    });
    const error = await failureOf(clientFor().complete(ask, tightBudget()));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(12_000);
    expect(error.message).toMatch(/per-minute rate limit \(rate_limit_error\)\. Retry after 12 s/);
  });

  it('maps 529 overloaded_error to unavailable and retryable', async () => {
    fake.fail({ status: 529 });
    const error = await failureOf(clientFor().complete(ask));
    expect(error.failure).toBe('unavailable');
    expect(error.status).toBe(529);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'Anthropic is unavailable (HTTP 529): Overloaded (overloaded_error). It is failing on its side; try again later.',
    );
  });

  it('maps a lasting 500 api_error to unavailable with the upstream message, after retrying the read', async () => {
    fake.fail({ status: 500, message: 'Internal server error', times: 3 });
    const error = await failureOf(clientFor().listModels());
    expect(error.failure).toBe('unavailable');
    expect(error.upstreamCode).toBe('api_error');
    expect(error.message).toContain('(HTTP 500): Internal server error (api_error)');
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a read through a 529 overload, but never a message (not idempotent)', async () => {
    fake.fail({ status: 529 });
    expect((await clientFor().listModels()).length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(2);
    fake.reset();
    fake.fail({ status: 529 });
    await failureOf(clientFor().complete(ask));
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ['a billing error (402)', 402, errorBody(402, 'Your credit balance is too low to access the Anthropic API.')],
    [
      'a reached spend limit (429)',
      429,
      {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: 'Spend limit reached.',
          details: { error_code: 'enforced_spend_limit_reached' },
        },
      },
    ],
  ])('treats %s as final, not as something to wait out', async (_label, status, body) => {
    fake.fail({ status, body });
    const error = await failureOf(clientFor().complete(ask));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toMatch(new RegExp(`\\(HTTP ${status}\\).*Retrying will not help.*ANTHROPIC_API_KEY`));
    expect(fake.requests).toHaveLength(1);
  });

  it('maps an unknown model (404 not_found_error) to advice to list models', async () => {
    await expect(clientFor().complete({ ...ask, model: 'claude-9' })).rejects.toThrow(
      'Anthropic has no model "claude-9" for this key. Call list_models for the ids it can use.',
    );
  });

  it('maps 400 invalid_request_error to bad_request with the reason', async () => {
    const error = await failureOf(clientFor().complete({ ...ask, temperature: 1.5 }));
    expect(error.failure).toBe('bad_request');
    expect(error.message).toContain('temperature: Input should be less than or equal to 1 (invalid_request_error)');
  });

  it('reports malformed JSON as an invalid response', async () => {
    fake.fail({ status: 200, raw: '{"content": [' });
    expect((await failureOf(clientFor().complete(ask))).failure).toBe('invalid_response');
  });

  it('reports a body of the wrong shape as an invalid response', async () => {
    fake.fail({ status: 200, body: { type: 'message', content: 'text' } });
    expect((await failureOf(clientFor().complete(ask))).failure).toBe('invalid_response');
  });

  it('reports a reset connection as a network failure', async () => {
    fake.fail({ reset: true });
    expect((await failureOf(clientFor().complete(ask))).failure).toBe('network');
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
