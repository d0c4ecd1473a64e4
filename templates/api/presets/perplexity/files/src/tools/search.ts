import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, RECENCY, type ApiClient } from '../client.js';
import type { Config } from '../config.js';
import { AnswerOutput, answerResult } from '../format.js';

/** `search`: a question answered from a live web search, with numbered citations. */
export function search(client: ApiClient, config: Config) {
  return defineTool({
    name: 'search',
    title: 'Search the web (Perplexity)',
    description:
      'Answer a question from a live web search with Perplexity Sonar. Returns a concise answer whose [n] markers cite the ' +
      'numbered sources listed after it (URL, title, date). Use it for current events, facts to verify, or anything after ' +
      'your training data; cite the sources when you use the answer. Each call is billed to the configured Perplexity key.',
    input: z.object({
      query: z
        .string()
        .trim()
        .min(1)
        .max(10_000)
        .describe('The question, self-contained, e.g. "What changed in the 2025-11-25 MCP spec?"'),
      recency: z.enum(RECENCY).optional().describe('Only sources from the last hour, day, week, month or year'),
      domains: z
        .array(
          z
            .string()
            .trim()
            .regex(/^-?[a-z0-9.-]+\.[a-z]{2,}$/i, 'a bare domain like "nature.com", or "-pinterest.com" to exclude it'),
        )
        .max(20)
        .optional()
        .describe(
          'Search only these domains (e.g. ["arxiv.org"]), or skip ones prefixed with "-" (e.g. ["-reddit.com"])',
        ),
      mode: z.enum(['web', 'academic']).optional().describe('"academic" favours scholarly sources; default "web"'),
      depth: z
        .enum(['low', 'medium', 'high'])
        .optional()
        .describe('How much retrieved text the model reads: "high" for hard questions (slower, costlier); default low'),
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
        .describe(`Most tokens in the answer; default ${config.maxTokens}`),
    }),
    output: AnswerOutput,
    annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: true },
    timeoutMs: config.timeoutMs + 5000,
    async run({ query, recency, domains, mode, depth, model, max_tokens }, ctx) {
      const maxTokens = max_tokens ?? config.maxTokens;
      const answer = await client.answer(
        { prompt: query, model: model ?? config.model, maxTokens, recency, domains, mode, contextSize: depth },
        callOptions(ctx),
      );
      return answerResult(answer, maxTokens);
    },
  });
}
