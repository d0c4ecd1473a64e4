import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient, type Completion } from '../client.js';
import type { Config } from '../config.js';

const Output = z.object({
  text: z.string(),
  model: z.string(),
  finishReason: z.string(),
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
});

/** The reply as text for the model, with a note when it was cut short or refused. */
export function formatCompletion(completion: Completion, maxTokens: number): string {
  if (completion.refusal !== undefined && completion.text === '') {
    return `${completion.model} declined to answer: ${completion.refusal}`;
  }
  const note = completion.truncated
    ? `\n\n[Cut off at the ${maxTokens}-token limit. Call again with a larger max_tokens, or ask for less.]`
    : '';
  return `${completion.text}${note}`;
}

/** `ask`: one prompt to an OpenAI model through Chat Completions. */
export function ask(client: ApiClient, config: Config) {
  return defineTool({
    name: 'ask',
    title: 'Ask an OpenAI model',
    description:
      `Send one prompt to an OpenAI model (Chat Completions; default model "${config.model}") and return its reply. ` +
      'The model sees only `prompt` and `system`, not this conversation, so include all the context it needs. ' +
      'Each call is billed to the configured OpenAI key.',
    input: z.object({
      prompt: z.string().trim().min(1).max(200_000).describe('The complete request for the model'),
      system: z
        .string()
        .max(50_000)
        .optional()
        .describe('Instructions on role, tone or output format, sent as the system message'),
      model: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe(`Model id, e.g. "gpt-4.1"; default "${config.model}". list_models shows the ids this key can use`),
      max_tokens: z
        .number()
        .int()
        .min(1)
        .max(200_000)
        .optional()
        .describe(`Most tokens in the reply, reasoning included; default ${config.maxTokens}`),
      temperature: z
        .number()
        .min(0)
        .max(2)
        .optional()
        .describe('Sampling temperature 0-2; omit for the model default (reasoning models accept only the default)'),
    }),
    output: Output,
    annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: true },
    timeoutMs: config.timeoutMs + 5000,
    async run({ prompt, system, model, max_tokens, temperature }, ctx) {
      const maxTokens = max_tokens ?? config.maxTokens;
      const completion = await client.complete(
        { prompt, system, model: model ?? config.model, maxTokens, temperature },
        callOptions(ctx),
      );
      return {
        content: [{ type: 'text', text: formatCompletion(completion, maxTokens) }],
        structuredContent: {
          text: completion.text,
          model: completion.model,
          finishReason: completion.finishReason,
          usage: { ...completion.usage },
        },
      };
    },
  });
}
