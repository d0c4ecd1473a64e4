// Unit level: each tool through the runtime's policy chain, with the Perplexity client mocked.
import { UpstreamError } from '@mcp-factory/runtime';
import { invokeTool } from '@mcp-factory/runtime/testing';
import { describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app.js';
import type { Answer, ApiClient } from '../../src/client.js';
import type { Config } from '../../src/config.js';
import { missingApiKey, unknownModel } from '../../src/errors.js';

const config: Config = {
  baseUrl: 'http://unused.invalid',
  apiKey: 'k',
  model: 'sonar',
  maxTokens: 500,
  timeoutMs: 1000,
};
const answer: Answer = {
  text: 'MCP 2025-11-25 added tasks [1] and icons [2].',
  sources: [
    { index: 1, url: 'https://modelcontextprotocol.io/changelog', title: 'Changelog', date: '2025-11-25' },
    { index: 2, url: 'https://example.com/post' },
  ],
  model: 'sonar',
  finishReason: 'stop',
  truncated: false,
  usage: { inputTokens: 9, outputTokens: 10, searchQueries: 1 },
};

function mockClient(overrides: Partial<ApiClient> = {}): ApiClient {
  return { answer: vi.fn(async () => answer), ...overrides };
}

function textOf(result: { content: unknown[] }): string {
  return (result.content[0] as { text: string }).text;
}

describe('search', () => {
  it('asks the default model and returns the answer with numbered sources', async () => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'search', { query: 'What changed in MCP?' });
    expect(result.isError).toBeUndefined();
    expect(client.answer).toHaveBeenCalledWith(
      {
        prompt: 'What changed in MCP?',
        model: 'sonar',
        maxTokens: 500,
        recency: undefined,
        domains: undefined,
        mode: undefined,
        contextSize: undefined,
      },
      expect.objectContaining({ requestId: expect.any(String), signal: expect.any(AbortSignal) }),
    );
    expect(textOf(result)).toBe(
      'MCP 2025-11-25 added tasks [1] and icons [2].\n\nSources:\n' +
        '[1] Changelog (2025-11-25): https://modelcontextprotocol.io/changelog\n' +
        '[2] https://example.com/post',
    );
    expect(result.structuredContent).toEqual({
      answer: answer.text,
      sources: answer.sources,
      model: 'sonar',
      finishReason: 'stop',
      usage: { inputTokens: 9, outputTokens: 10, searchQueries: 1 },
    });
  });

  it('passes the search filters through', async () => {
    const client = mockClient();
    await invokeTool(createApp({ config, client }), 'search', {
      query: 'q',
      recency: 'week',
      domains: ['arxiv.org', '-reddit.com'],
      mode: 'academic',
      depth: 'high',
      model: 'sonar-pro',
      max_tokens: 300,
    });
    expect(client.answer).toHaveBeenCalledWith(
      {
        prompt: 'q',
        model: 'sonar-pro',
        maxTokens: 300,
        recency: 'week',
        domains: ['arxiv.org', '-reddit.com'],
        mode: 'academic',
        contextSize: 'high',
      },
      expect.anything(),
    );
  });

  it('says when there are no sources and when the answer was cut off', async () => {
    const client = mockClient({
      answer: vi.fn(async () => ({ ...answer, sources: [], truncated: true, finishReason: 'length' })),
    });
    const { result } = await invokeTool(createApp({ config, client }), 'search', { query: 'q', max_tokens: 5 });
    expect(textOf(result)).toBe(
      `${answer.text}\n\n[Cut off at the 5-token limit. Call again with a larger max_tokens, or ask for less.]\n\nSources: none returned.`,
    );
  });

  it.each([
    [{ query: ' ' }, /query/],
    [{ query: 'q', recency: 'decade' }, /recency/],
    [{ query: 'q', domains: ['https://arxiv.org/abs'] }, /domains/],
    [{ query: 'q', domains: Array.from({ length: 21 }, (_, i) => `site${i}.com`) }, /domains/],
  ])('rejects bad arguments %j without calling Perplexity', async (args, field) => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'search', args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(field);
    expect(client.answer).not.toHaveBeenCalled();
  });

  it('tells the model which variable to set when the key is missing', async () => {
    const client = mockClient({ answer: vi.fn(async () => Promise.reject(missingApiKey())) });
    const { result } = await invokeTool(createApp({ config, client }), 'search', { query: 'q' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^PERPLEXITY_API_KEY is not set/);
  });

  it('lists the valid models for an unknown one', async () => {
    const client = mockClient({ answer: vi.fn(async () => Promise.reject(unknownModel('gpt-4'))) });
    const { result } = await invokeTool(createApp({ config, client }), 'search', { query: 'q', model: 'gpt-4' });
    expect(textOf(result)).toBe(
      'Perplexity has no model "gpt-4". Use one of sonar, sonar-pro, sonar-reasoning-pro, sonar-deep-research, or leave `model` out for the default.',
    );
  });

  it('surfaces upstream failures with their message and no stack', async () => {
    const limited = new UpstreamError(
      'Perplexity is rate limiting requests (HTTP 429). Retry after 3 s before trying again.',
      {
        upstream: 'Perplexity',
        failure: 'rate_limited',
        status: 429,
        retryAfterMs: 3000,
      },
    );
    const client = mockClient({ answer: vi.fn(async () => Promise.reject(limited)) });
    const { result } = await invokeTool(createApp({ config, client }), 'search', { query: 'q' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(limited.message);
  });

  it('hides unexpected errors behind the request id', async () => {
    const client = mockClient({ answer: vi.fn(async () => Promise.reject(new Error('socket secret=hunter2'))) });
    const { result } = await invokeTool(createApp({ config, client }), 'search', { query: 'q' });
    expect(textOf(result)).toMatch(/failed unexpectedly \(request id [\w-]+\)/);
    expect(textOf(result)).not.toContain('hunter2');
  });
});

describe('ask', () => {
  it('sends prompt, system prompt, model, max_tokens and temperature', async () => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'ask', {
      prompt: 'Compare A and B',
      system: 'Answer as a table.',
      model: 'sonar-reasoning-pro',
      max_tokens: 800,
      temperature: 0.1,
    });
    expect(client.answer).toHaveBeenCalledWith(
      {
        prompt: 'Compare A and B',
        system: 'Answer as a table.',
        model: 'sonar-reasoning-pro',
        maxTokens: 800,
        temperature: 0.1,
      },
      expect.anything(),
    );
    expect(textOf(result)).toContain('Sources:\n[1] Changelog');
  });

  it('defaults the model and token limit from the configuration', async () => {
    const client = mockClient();
    await invokeTool(createApp({ config, client }), 'ask', { prompt: 'Hi' });
    expect(client.answer).toHaveBeenCalledWith(
      { prompt: 'Hi', system: undefined, model: 'sonar', maxTokens: 500, temperature: undefined },
      expect.anything(),
    );
  });

  it('rejects a temperature of 2 or more', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'ask', {
      prompt: 'x',
      temperature: 2,
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/temperature/);
  });

  it('gives each call the upstream timeout plus a margin', () => {
    const app = createApp({ config, client: mockClient() });
    expect(app.tools.map((tool) => [tool.name, tool.timeoutMs])).toEqual([
      ['search', 6000],
      ['ask', 6000],
    ]);
  });
});
