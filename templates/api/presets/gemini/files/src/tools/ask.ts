import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient, type Completion } from '../client.js';
import type { Config } from '../config.js';

const Output = z.object({
  text: z.string(),
  model: z.string(),
  finishReason: z.string(),
  usage: z.object({
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    thinkingTokens: z.number().int().optional(),
  }),
});

/** The reply as text for the model, with a note when it was cut short or withheld. */
export function formatCompletion(completion: Completion, maxTokens: number): string {
  if (completion.blocked) {
    return `Gemini withheld the reply (finishReason ${completion.finishReason}). Rephrase the request and try again.`;
  }
  if (completion.truncated) {
    const empty = completion.text === '' ? ' before writing anything (thinking used the whole budget)' : '';
    return `${completion.text}\n\n[Cut off at the ${maxTokens}-token limit${empty}. Call again with a larger max_tokens, or ask for less.]`.trimStart();
  }
  return completion.text;
}

/** `ask`: one prompt to a Gemini model through generateContent. */
export function ask(client: ApiClient, config: Config) {
  return defineTool({
    name: 'ask',
    title: 'Ask a Gemini model',
    description:
      `Send one prompt to a Google Gemini model (generateContent; default model "${config.model}") and return its reply. ` +
      'The model sees only `prompt` and `system`, not this conversation, so include all the context it needs. ' +
      'Each call is billed to the configured Gemini key.',
    input: z.object({
      prompt: z.string().trim().min(1).max(500_000).describe('The complete request for the model'),
      system: z
        .string()
        .max(50_000)
        .optional()
        .describe('Instructions on role, tone or output format, sent as the system instruction'),
      model: z
        .string()
        .trim()
        .regex(/^(models\/)?[\w.-]+$/, 'a model id such as gemini-2.5-pro')
        .max(100)
        .optional()
        .describe(
          `Model id, e.g. "gemini-2.5-pro"; default "${config.model}". list_models shows the ids this key can use`,
        ),
      max_tokens: z
        .number()
        .int()
        .min(1)
        .max(65_536)
        .optional()
        .describe(`Most tokens in the reply, thinking included; default ${config.maxTokens}`),
      temperature: z.number().min(0).max(2).optional().describe('Sampling temperature 0-2; omit for the model default'),
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
          usage: {
            inputTokens: completion.usage.inputTokens,
            outputTokens: completion.usage.outputTokens,
            ...(completion.usage.thinkingTokens === undefined
              ? {}
              : { thinkingTokens: completion.usage.thinkingTokens }),
          },
        },
      };
    },
  });
}
