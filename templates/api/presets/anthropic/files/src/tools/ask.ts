import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient, type Completion } from '../client.js';
import type { Config } from '../config.js';

const Output = z.object({
  text: z.string(),
  model: z.string(),
  stopReason: z.string(),
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
});

/** The reply as text for the model, with a note when it was cut short or refused. */
export function formatCompletion(completion: Completion, maxTokens: number): string {
  if (completion.refused) {
    return `${completion.model} declined to answer${completion.text === '' ? '.' : `: ${completion.text}`}`;
  }
  const note = completion.truncated
    ? `\n\n[Cut off at the ${maxTokens}-token limit. Call again with a larger max_tokens, or ask for less.]`
    : '';
  return `${completion.text}${note}`;
}

/** `ask`: one prompt to a Claude model through the Messages API. */
export function ask(client: ApiClient, config: Config) {
  return defineTool({
    name: 'ask',
    title: 'Ask a Claude model',
    description:
      `Send one prompt to an Anthropic Claude model (Messages API; default model "${config.model}") and return its reply. ` +
      'The model sees only `prompt` and `system`, not this conversation, so include all the context it needs. ' +
      'Each call is billed to the configured Anthropic key.',
    input: z.object({
      prompt: z.string().trim().min(1).max(200_000).describe('The complete request for the model'),
      system: z.string().max(50_000).optional().describe('Instructions on role, tone or output format (system prompt)'),
      model: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe(`Model id or alias, e.g. "claude-haiku-4-5"; default "${config.model}". list_models shows the ids`),
      max_tokens: z
        .number()
        .int()
        .min(1)
        .max(128_000)
        .optional()
        .describe(`Most tokens in the reply; default ${config.maxTokens}`),
      temperature: z
        .number()
        .min(0)
        .max(1)
        .optional()
        .describe(
          'Sampling temperature 0-1: near 0 for analytical answers, near 1 for creative ones; omit for the default',
        ),
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
          stopReason: completion.stopReason,
          usage: { ...completion.usage },
        },
      };
    },
  });
}
