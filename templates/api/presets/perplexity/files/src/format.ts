/**
 * How a web-grounded answer reads for the model, shared by the tools: the answer text, a note when
 * it was cut short, then the numbered sources its `[n]` markers point to; and the matching
 * structured output.
 */
import { z } from '@mcp-factory/runtime';

import type { Answer } from './client.js';

/** Structured output of the tools that return an answer. */
export const AnswerOutput = z.object({
  answer: z.string(),
  sources: z.array(
    z.object({ index: z.number().int(), url: z.string(), title: z.string().optional(), date: z.string().optional() }),
  ),
  model: z.string(),
  finishReason: z.string(),
  usage: z.object({
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    searchQueries: z.number().int().optional(),
  }),
});

/** The answer, a truncation note if needed, and one `[n] title (date): url` line per source. */
export function formatAnswer(answer: Answer, maxTokens: number): string {
  const note = answer.truncated
    ? `\n\n[Cut off at the ${maxTokens}-token limit. Call again with a larger max_tokens, or ask for less.]`
    : '';
  const sources =
    answer.sources.length === 0
      ? '\n\nSources: none returned.'
      : `\n\nSources:\n${answer.sources
          .map((source) => {
            const label = [source.title, source.date === undefined ? undefined : `(${source.date})`]
              .filter(Boolean)
              .join(' ');
            return `[${source.index}] ${label === '' ? '' : `${label}: `}${source.url}`;
          })
          .join('\n')}`;
  return `${answer.text}${note}${sources}`;
}

/** The tool result: text for every client, structured content for those that read it. */
export function answerResult(answer: Answer, maxTokens: number) {
  return {
    content: [{ type: 'text' as const, text: formatAnswer(answer, maxTokens) }],
    structuredContent: {
      answer: answer.text,
      sources: answer.sources.map((source) => ({ ...source })),
      model: answer.model,
      finishReason: answer.finishReason,
      usage: { ...answer.usage },
    },
  };
}
