// Unit level: each tool through the runtime's policy chain, with the Anthropic client mocked.
import { UpstreamError } from '@mcp-factory/runtime';
import { invokeTool } from '@mcp-factory/runtime/testing';
import { describe, expect, it, vi } from 'vitest';

import { createApp } from '../../src/app.js';
import type { ApiClient, Completion, ModelInfo } from '../../src/client.js';
import type { Config } from '../../src/config.js';
import { missingApiKey, unknownModel } from '../../src/errors.js';

const config: Config = {
  baseUrl: 'http://unused.invalid',
  apiKey: 'k',
  model: 'claude-sonnet-4-5',
  maxTokens: 500,
  timeoutMs: 1000,
};
const reply: Completion = {
  text: 'Paris.',
  model: 'claude-sonnet-4-5-20250929',
  stopReason: 'end_turn',
  truncated: false,
  refused: false,
  usage: { inputTokens: 12, outputTokens: 2 },
};
const models: ModelInfo[] = [
  { id: 'claude-haiku-4-5-20251001', displayName: 'Claude Haiku 4.5', createdAt: '2025-10-15T00:00:00Z' },
  { id: 'claude-sonnet-4-5-20250929', displayName: 'Claude Sonnet 4.5', createdAt: '2025-09-29T00:00:00Z' },
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
        model: 'claude-sonnet-4-5',
        maxTokens: 500,
        temperature: undefined,
      },
      expect.objectContaining({ requestId: expect.any(String), signal: expect.any(AbortSignal) }),
    );
    expect(textOf(result)).toBe('Paris.');
    expect(result.structuredContent).toEqual({
      text: 'Paris.',
      model: 'claude-sonnet-4-5-20250929',
      stopReason: 'end_turn',
      usage: { inputTokens: 12, outputTokens: 2 },
    });
  });

  it('passes system prompt, model, max_tokens and temperature through', async () => {
    const client = mockClient();
    await invokeTool(createApp({ config, client }), 'ask', {
      prompt: 'Hi',
      system: 'Answer in French.',
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      temperature: 0.2,
    });
    expect(client.complete).toHaveBeenCalledWith(
      { prompt: 'Hi', system: 'Answer in French.', model: 'claude-haiku-4-5', maxTokens: 50, temperature: 0.2 },
      expect.anything(),
    );
  });

  it('says when the reply was cut at max_tokens', async () => {
    const client = mockClient({
      complete: vi.fn(async () => ({ ...reply, stopReason: 'max_tokens', truncated: true })),
    });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'Long essay', max_tokens: 5 });
    expect(textOf(result)).toMatch(/Paris\.\n\n\[Cut off at the 5-token limit\. Call again with a larger max_tokens/);
  });

  it('reports a refusal as such', async () => {
    const client = mockClient({
      complete: vi.fn(async () => ({ ...reply, text: '', stopReason: 'refusal', refused: true })),
    });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(textOf(result)).toBe('claude-sonnet-4-5-20250929 declined to answer.');
  });

  it.each([
    [{ prompt: '' }, /prompt/],
    [{ prompt: 'x', temperature: 1.5 }, /temperature/],
    [{ prompt: 'x', max_tokens: 2.5 }, /max_tokens/],
  ])('rejects bad arguments %j without calling Anthropic', async (args, field) => {
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
    expect(textOf(result)).toMatch(/^ANTHROPIC_API_KEY is not set/);
  });

  it('points to list_models for an unknown model', async () => {
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(unknownModel('claude-9'))) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x', model: 'claude-9' });
    expect(textOf(result)).toBe(
      'Anthropic has no model "claude-9" for this key. Call list_models for the ids it can use.',
    );
  });

  it('surfaces an overload (529) with its message and no stack', async () => {
    const overloaded = new UpstreamError(
      'Anthropic is unavailable (HTTP 529): Overloaded (overloaded_error). It is failing on its side; try again later.',
      { upstream: 'Anthropic', failure: 'unavailable', status: 529 },
    );
    const client = mockClient({ complete: vi.fn(async () => Promise.reject(overloaded)) });
    const { result } = await invokeTool(createApp({ config, client }), 'ask', { prompt: 'x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(overloaded.message);
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
  it('lists ids with display names', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {});
    expect(textOf(result)).toBe(
      '2 model(s):\n- claude-haiku-4-5-20251001 (Claude Haiku 4.5)\n- claude-sonnet-4-5-20250929 (Claude Sonnet 4.5)',
    );
    expect(result.structuredContent).toEqual({ models });
  });

  it('filters on id or display name, case-insensitive', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {
      contains: 'SONNET 4.5',
    });
    expect(result.structuredContent).toEqual({ models: [models[1]] });
  });

  it('says so when the filter matches nothing', async () => {
    const { result } = await invokeTool(createApp({ config, client: mockClient() }), 'list_models', {
      contains: 'gpt',
    });
    expect(textOf(result)).toBe('No model matches "gpt" (the key can use 2 models). Try a shorter filter.');
  });
});
