// Unit level: each tool through the runtime's policy chain, with the Gemini client mocked.
import { UpstreamError } from '@mcp-factory/runtime';
import { invokeTool } from '@mcp-factory/runtime/testing';
import { describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app.js';
import type { ApiClient, Completion, ModelInfo } from '../../src/client.js';
import type { Config } from '../../src/config.js';
import { missingApiKey, promptBlocked, unknownModel } from '../../src/errors.js';

const config: Config = {
  baseUrl: 'http://unused.invalid',
  apiKey: 'k',
  model: 'gemini-2.5-flash',
  maxTokens: 500,
  timeoutMs: 1000,
};
const reply: Completion = {
  text: 'Paris.',
  model: 'gemini-2.5-flash',
  finishReason: 'STOP',
  truncated: false,
  blocked: false,
  usage: { inputTokens: 12, outputTokens: 2, thinkingTokens: 30 },
};
const models: ModelInfo[] = [
  {
    id: 'gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    methods: ['generateContent'],
  },
  {
    id: 'gemini-2.5-pro',
    displayName: 'Gemini 2.5 Pro',
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    methods: ['generateContent'],
  },
  { id: 'text-embedding-004', displayName: 'Text Embedding 004', methods: ['embedContent'] },
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
        model: 'gemini-2.5-flash',
        maxTokens: 500,
        temperature: undefined,
      },
      expect.objectContaining({ requestId: expect.any(String), signal: expect.any(AbortSignal) }),
    );
    expect(textOf(result)).toBe('Paris.');
    expect(result.structuredContent).toEqual({
      text: 'Paris.',
      model: 'gemini-2.5-flash',
      finishReason: 'STOP',
      usage: { inputTokens: 12, outputTokens: 2, thinkingTokens: 30 },
    });
  });

  it('passes system prompt, model, max_tokens and temperature through', async () => {
    const client = mockClient();
    await invokeTool(createApp({ config, client }), 'ask', {
      prompt: 'Hi',
      system: 'Answer in French.',
      model: 'gemini-2.5-pro',
      max_tokens: 50,
      temperature: 1.5,
    });
    expect(client.complete).toHaveBeenCalledWith(
      { prompt: 'Hi', system: 'Answer in French.', model: 'gemini-2.5-pro', maxTokens: 50, temperature: 1.5 },
      expect.anything(),
    );
  });

  it('says when the reply was cut at the token limit, and when thinking used it all', async () => {
    const cut = { ...reply, finishReason: 'MAX_TOKENS', truncated: true };
    const client = mockClient({ complete: vi.fn(async () => cut) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'Long essay', max_tokens: 5 });
    expect(textOf(result)).toMatch(/^Paris\.\n\n\[Cut off at the 5-token limit\. Call again with a larger max_tokens/);
    client.complete = vi.fn(async () => ({ ...cut, text: '' }));
    const { result: empty } = await invokeTool(createApp({ config, client }), 'ask', {
      prompt: 'Long essay',
      max_tokens: 5,
    });
    expect(textOf(empty)).toBe(
      '[Cut off at the 5-token limit before writing anything (thinking used the whole budget). Call again with a larger max_tokens, or ask for less.]',
    );
  });

  it('reports a withheld reply as such', async () => {
    const client = mockClient({
      complete: vi.fn(async () => ({ ...reply, text: '', finishReason: 'SAFETY', blocked: true })),
    });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(textOf(result)).toBe('Gemini withheld the reply (finishReason SAFETY). Rephrase the request and try again.');
  });

  it.each([
    [{ prompt: '' }, /prompt/],
    [{ prompt: 'x', temperature: 2.5 }, /temperature/],
    [{ prompt: 'x', model: '../../files' }, /model/],
  ])('rejects bad arguments %j without calling Gemini', async (args, field) => {
    const client = mockClient();
    const { result } = await invokeTool(createApp({ config, client }), 'ask', args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(field);
    expect(client.complete).not.toHaveBeenCalled();
  });

  it.each([
    ['the key is missing', missingApiKey(), /^GEMINI_API_KEY is not set/],
    ['the model is unknown', unknownModel('gemini-9'), /^Gemini has no model "gemini-9".*Call list_models/],
    ['the prompt is blocked', promptBlocked('SAFETY'), /^Gemini blocked the prompt \(SAFETY\)/],
  ])('returns actionable advice when %s', async (_label, error, message) => {
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(error)) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
  });

  it('surfaces upstream failures with their message and no stack', async () => {
    const down = new UpstreamError(
      'Gemini is unavailable (HTTP 503): The model is overloaded. (UNAVAILABLE). It is failing on its side; try again later.',
      {
        upstream: 'Gemini',
        failure: 'unavailable',
        status: 503,
      },
    );
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(down)) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(textOf(result)).toBe(down.message);
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
  it('lists the models that can answer prompts, with their limits', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {});
    expect(textOf(result)).toBe(
      '2 model(s):\n- gemini-2.5-flash (Gemini 2.5 Flash, 1048576 tokens in / 65536 out)\n- gemini-2.5-pro (Gemini 2.5 Pro, 1048576 tokens in / 65536 out)',
    );
    expect(result.structuredContent).toEqual({ models: models.slice(0, 2) });
  });

  it('lists every model with all: true, and filters by text', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {
      all: true,
      contains: 'EMBEDDING',
    });
    expect(result.structuredContent).toEqual({ models: [models[2]] });
  });

  it('says so when nothing matches', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {
      contains: 'embedding',
    });
    expect(textOf(result)).toBe('No model matches (the key can use 3 models). Try a shorter filter or all: true.');
  });
});
