// The client against the fake Perplexity API over real HTTP on 127.0.0.1: the exact requests it
// sends, how answers and citations are read, and how every failure maps to an error the model can
// act on.
import type { UpstreamError } from '@mcp-factory/runtime';
import type { FakeUpstream } from '@mcp-factory/runtime/fake';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { FAKE_API_KEY, startFakeApi } from '../../fake/upstream.js';
import { createApiClient, sourcesOf, withoutReasoning } from '../../src/client.js';
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
    model: 'sonar',
    maxTokens: 100,
    timeoutMs: 2000,
    ...overrides,
  });

const question = { prompt: 'What is MCP?', model: 'sonar', maxTokens: 100 };

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  try {
    await promise;
  } catch (error) {
    return error as UpstreamError;
  }
  throw new Error('expected the call to fail');
}

describe('wire format', () => {
  it('posts an OpenAI-style chat completion with the bearer key and the request id', async () => {
    await clientFor().answer(question, { requestId: 'req-42' });
    const request = fake.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-id']).toBe('req-42');
    expect(request.body).toEqual({
      model: 'sonar',
      messages: [{ role: 'user', content: 'What is MCP?' }],
      max_tokens: 100,
    });
  });

  it('sends the system prompt, temperature and every search option under their wire names', async () => {
    await clientFor().answer({
      ...question,
      system: 'Be brief.',
      temperature: 0.2,
      recency: 'month',
      domains: ['arxiv.org', '-reddit.com'],
      mode: 'academic',
      contextSize: 'high',
    });
    expect(fake.requests[0]!.body).toEqual({
      model: 'sonar',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is MCP?' },
      ],
      max_tokens: 100,
      temperature: 0.2,
      search_recency_filter: 'month',
      search_domain_filter: ['arxiv.org', '-reddit.com'],
      search_mode: 'academic',
      web_search_options: { search_context_size: 'high' },
    });
  });

  it('reads the answer, its numbered sources from citations and search_results, and usage', async () => {
    expect(await clientFor().answer(question)).toEqual({
      text: 'Echo: What is MCP? [1][2]',
      sources: [
        {
          index: 1,
          url: 'https://en.wikipedia.org/result-1',
          title: 'Result 1 from en.wikipedia.org',
          date: '2025-01-15',
        },
        { index: 2, url: 'https://example.com/result-2', title: 'Result 2 from example.com', date: '2025-02-15' },
      ],
      model: 'sonar',
      finishReason: 'stop',
      truncated: false,
      usage: { inputTokens: 3, outputTokens: 5, searchQueries: 1 },
    });
  });

  it('drops the <think> block of reasoning models', async () => {
    const answer = await clientFor().answer({ ...question, model: 'sonar-reasoning-pro', domains: ['nature.com'] });
    expect(answer.text).toBe('Echo: What is MCP? [1]');
    expect(answer.sources.map((source) => source.url)).toEqual(['https://nature.com/result-1']);
  });

  it('flags an answer cut at max_tokens', async () => {
    expect(await clientFor().answer({ ...question, maxTokens: 2 })).toMatchObject({
      text: 'Echo: What',
      finishReason: 'length',
      truncated: true,
    });
  });

  it('numbers bare citations when search_results are missing, and vice versa', () => {
    expect(sourcesOf(['https://a.example', 'https://b.example'], undefined)).toEqual([
      { index: 1, url: 'https://a.example' },
      { index: 2, url: 'https://b.example' },
    ]);
    expect(sourcesOf(null, [{ url: 'https://c.example', title: 'C', date: null }])).toEqual([
      { index: 1, url: 'https://c.example', title: 'C' },
    ]);
    expect(withoutReasoning('<think>a\nb</think>\n\nAnswer')).toBe('Answer');
  });
});

describe('errors', () => {
  it('refuses to call without a key and says which variable to set', async () => {
    await expect(clientFor({ apiKey: undefined }).answer(question)).rejects.toThrow(/^PERPLEXITY_API_KEY is not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it('maps the HTML 401 page to an auth failure naming PERPLEXITY_API_KEY, never echoing the key', async () => {
    const error = await failureOf(clientFor({ apiKey: 'pplx-wrong-123' }).answer(question));
    expect(error.failure).toBe('auth');
    expect(error.message).toBe(
      'Perplexity rejected the credentials (HTTP 401). Check that PERPLEXITY_API_KEY is set to a valid key with access.',
    );
    expect(error.message).not.toContain('pplx-wrong-123');
  });

  it('maps 429 with Retry-After to rate_limited with the wait', async () => {
    fake.fail({ status: 429, headers: { 'retry-after': '3' } });
    const error = await failureOf(clientFor().answer(question, tightBudget()));
    expect(error.failure).toBe('rate_limited');
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toMatch(
      /rate limiting requests \(HTTP 429\): Rate limit exceeded \(rate_limit_exceeded\)\. Retry after 3 s/,
    );
  });

  it('maps 429 without Retry-After to advice to wait a little', async () => {
    fake.fail({ status: 429, times: 3 });
    expect((await failureOf(clientFor().answer(question))).message).toMatch(/Wait a little before trying again/);
  });

  it('maps an unknown model (400 invalid_model) to the list of Sonar models', async () => {
    await expect(clientFor().answer({ ...question, model: 'llama-3-sonar-large-32k-online' })).rejects.toThrow(
      'Perplexity has no model "llama-3-sonar-large-32k-online". Use one of sonar, sonar-pro, sonar-reasoning-pro, sonar-deep-research',
    );
  });

  it('maps other 400s to bad_request with the reason', async () => {
    fake.fail({ status: 400, message: 'search_recency_filter must be one of hour, day, week, month, year' });
    const error = await failureOf(clientFor().answer(question));
    expect(error.failure).toBe('bad_request');
    expect(error.message).toContain(
      'search_recency_filter must be one of hour, day, week, month, year (invalid_parameter)',
    );
  });

  it.each([500, 503])('maps %i to unavailable', async (status) => {
    fake.fail({ status });
    const error = await failureOf(clientFor().answer(question));
    expect(error.failure).toBe('unavailable');
    expect(error.retryable).toBe(true);
  });

  it('maps an HTML 502 from the edge to unavailable', async () => {
    fake.fail({
      status: 502,
      headers: { 'content-type': 'text/html' },
      raw: '<html><body>502 Bad Gateway</body></html>',
    });
    const error = await failureOf(clientFor().answer(question));
    expect(error.failure).toBe('unavailable');
    expect(error.message).toBe('Perplexity is unavailable (HTTP 502). It is failing on its side; try again later.');
  });

  it('reports malformed JSON as an invalid response', async () => {
    fake.fail({ status: 200, raw: '{"choices": [' });
    expect((await failureOf(clientFor().answer(question))).failure).toBe('invalid_response');
  });

  it('reports a body of the wrong shape as an invalid response', async () => {
    fake.fail({ status: 200, body: { model: 'sonar', choices: [{ message: { content: 42 } }] } });
    expect((await failureOf(clientFor().answer(question))).failure).toBe('invalid_response');
  });

  it('reports a reset connection as a network failure', async () => {
    fake.fail({ reset: true });
    expect((await failureOf(clientFor().answer(question))).failure).toBe('network');
  });

  it('gives up on a hanging upstream after the timeout', async () => {
    fake.fail({ hang: true });
    const started = Date.now();
    const error = await failureOf(clientFor({ timeoutMs: 300 }).answer(question));
    expect(error.failure).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops at once when the tool call is cancelled', async () => {
    fake.fail({ hang: true });
    const controller = new AbortController();
    const pending = clientFor({ timeoutMs: 10_000 }).answer(question, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await expect(pending).rejects.toThrow('cancelled by test');
  });
});
