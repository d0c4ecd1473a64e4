import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient } from '../client.js';
import type { Config } from '../config.js';
import { AnswerOutput, answerResult } from '../format.js';

/** `ask`: a prompt with instructions for a Sonar model, still grounded in web search. */
export function ask(client: ApiClient, config: Config) {
  return defineTool({
    name: 'ask',
    title: 'Ask a Perplexity model',
    description:
      'Send a prompt, with optional system instructions, to a Perplexity Sonar model and return its web-grounded reply with ' +
      'numbered sources. Prefer search for plain questions; use ask to control the format or role of the reply ' +
      '(e.g. "compare X and Y in a table"). The model sees only `prompt` and `system`, not this conversation.',
    input: z.object({
      prompt: z.string().trim().min(1).max(100_000).describe('The complete request for the model'),
      system: z.string().max(20_000).optional().describe('Instructions on role, tone or output format (system prompt)'),
      model: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .optional()
        .describe(
          `Sonar model: sonar, sonar-pro, sonar-reasoning-pro or sonar-deep-research; default "${config.model}"`,
        ),
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
        .lt(2)
        .optional()
        .describe('Sampling temperature, 0 up to (not including) 2; omit for the default'),
    }),
    output: AnswerOutput,
    annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: true },
    timeoutMs: config.timeoutMs + 5000,
    async run({ prompt, system, model, max_tokens, temperature }, ctx) {
      const maxTokens = max_tokens ?? config.maxTokens;
      const answer = await client.answer(
        { prompt, system, model: model ?? config.model, maxTokens, temperature },
        callOptions(ctx),
      );
      return answerResult(answer, maxTokens);
    },
  });
}
