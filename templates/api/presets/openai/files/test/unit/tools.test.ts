// Unit level: each tool through the runtime's policy chain, with the OpenAI client mocked.
import { UpstreamError } from '@mcp-factory/runtime';
import { invokeTool } from '@mcp-factory/runtime/testing';
import { describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app.js';
import type { ApiClient, Completion, ModelInfo } from '../../src/client.js';
import type { Config } from '../../src/config.js';
import { missingApiKey, unknownModel } from '../../src/errors.js';

const config: Config = {
  baseUrl: 'http://unused.invalid/v1',
  apiKey: 'k',
  model: 'gpt-4.1-mini',
  maxTokens: 500,
  timeoutMs: 1000,
};
const reply: Completion = {
  text: 'Paris.',
  model: 'gpt-4.1-mini-2025-04-14',
  finishReason: 'stop',
  truncated: false,
  usage: { inputTokens: 12, outputTokens: 2 },
};
const models: ModelInfo[] = [
  { id: 'gpt-4.1', ownedBy: 'system', created: '2025-04-14T00:00:00.000Z' },
  { id: 'gpt-4.1-mini', ownedBy: 'system', created: '2025-04-14T00:00:00.000Z' },
  { id: 'text-embedding-3-small', ownedBy: 'openai-internal', created: '2024-01-25T00:00:00.000Z' },
];

function mockClient(overrides: Partial<ApiClient> = {}): ApiClient {
  return { complete: vi.fn(async () => reply), listModels: vi.fn(async () => models), ...overrides };
}

function textOf(result: { content: unknown[] }): string {
  return (result.content[0] as { text: string }).text;
}

describe('ask', () => {
  it('sends the prompt with the configured model and token limit, and returns the reply', async () => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'Capital of France?' });
    expect(result.isError).toBeUndefined();
    expect(client.complete).toHaveBeenCalledWith(
      {
        prompt: 'Capital of France?',
        system: undefined,
        model: 'gpt-4.1-mini',
        maxTokens: 500,
        temperature: undefined,
      },
      expect.objectContaining({ requestId: expect.any(String), signal: expect.any(AbortSignal) }),
    );
    expect(textOf(result)).toBe('Paris.');
    expect(result.structuredContent).toEqual({
      text: 'Paris.',
      model: 'gpt-4.1-mini-2025-04-14',
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 2 },
    });
  });

  it('passes system prompt, model, max_tokens and temperature through', async () => {
    const client = mockClient();
    await invokeTool(createApp({ config, client }), 'ask', {
      prompt: 'Hi',
      system: 'Answer in French.',
      model: 'gpt-4.1',
      max_tokens: 50,
      temperature: 0.2,
    });
    expect(client.complete).toHaveBeenCalledWith(
      { prompt: 'Hi', system: 'Answer in French.', model: 'gpt-4.1', maxTokens: 50, temperature: 0.2 },
      expect.anything(),
    );
  });

  it('says when the reply was cut at the token limit', async () => {
    const client = mockClient({ complete: vi.fn(async () => ({ ...reply, finishReason: 'length', truncated: true })) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'Long essay', max_tokens: 5 });
    expect(textOf(result)).toMatch(/Paris\.\n\n\[Cut off at the 5-token limit\. Call again with a larger max_tokens/);
  });

  it('reports a refusal as such', async () => {
    const refused = { ...reply, text: '', refusal: "I can't help with that." };
    const client = mockClient({ complete: vi.fn(async () => refused) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(result.isError).toBeUndefined();
    expect(textOf(result)).toBe("gpt-4.1-mini-2025-04-14 declined to answer: I can't help with that.");
  });

  it.each([
    [{ prompt: '   ' }, /prompt/],
    [{ prompt: 'x', temperature: 3 }, /temperature/],
    [{ prompt: 'x', max_tokens: 0 }, /max_tokens/],
  ])('rejects bad arguments %j without calling OpenAI', async (args, field) => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'ask', args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(field);
    expect(client.complete).not.toHaveBeenCalled();
  });

  it('tells the model which variable to set when the key is missing', async () => {
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(missingApiKey())) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^OPENAI_API_KEY is not set/);
  });

  it('points to list_models for an unknown model', async () => {
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(unknownModel('gpt-9'))) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x', model: 'gpt-9' });
    expect(textOf(result)).toBe('OpenAI has no model "gpt-9" for this key. Call list_models for the ids it can use.');
  });

  it('surfaces upstream failures with their message and no stack', async () => {
    const limited = new UpstreamError(
      'OpenAI is rate limiting requests (HTTP 429). Retry after 7 s before trying again.',
      {
        upstream: 'OpenAI',
        failure: 'rate_limited',
        status: 429,
        retryAfterMs: 7000,
      },
    );
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(limited)) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(limited.message);
    expect(textOf(result)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('hides unexpected errors behind the request id', async () => {
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(new Error('socket secret=hunter2'))) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(textOf(result)).toMatch(/failed unexpectedly \(request id [\w-]+\)/);
    expect(textOf(result)).not.toContain('hunter2');
  });

  it('gives the call the upstream timeout plus a margin', () => {
    const app = createApp({ config, client: mockClient() });
    expect(app.tools.find((tool) => tool.name === 'ask')?.timeoutMs).toBe(6000);
  });
});

describe('list_models', () => {
  it('lists every model id', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {});
    expect(textOf(result)).toBe('3 model(s):\n- gpt-4.1\n- gpt-4.1-mini\n- text-embedding-3-small');
    expect(result.structuredContent).toEqual({ models });
  });

  it('filters by a case-insensitive substring', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {
      contains: 'MINI',
    });
    expect(result.structuredContent).toEqual({ models: [models[1]] });
  });

  it('says so when the filter matches nothing', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {
      contains: 'dall-e',
    });
    expect(textOf(result)).toBe('No model id contains "dall-e" (the key can use 3 models). Try a shorter filter.');
  });
});
