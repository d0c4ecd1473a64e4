// The one tool every server of `bench/runtime.mjs` serves, shared so that the plain-SDK servers and
// the runtime answer the same call with the same bytes: `lookup` validates a query and a limit and
// returns text plus structured content, without any upstream (the bench measures the serving path).
import * as z from 'zod';

export const TOOL = {
  name: 'lookup',
  description: 'Looks a word up in a fixed list and returns the matches (benchmark tool).',
  input: z.object({
    query: z.string().trim().min(1).max(200).describe('Word to look up'),
    limit: z.number().int().min(1).max(50).default(5).describe('Most matches to return'),
  }),
  output: z.object({ query: z.string(), matches: z.array(z.string()) }),
};

const WORDS = ['red', 'green', 'blue', 'crimson', 'scarlet', 'navy', 'teal', 'olive', 'ruby', 'rose'];

/** The tool's answer, as the plain SDK returns it (the runtime's handler returns the structured part). */
export function answer({ query, limit }) {
  const matches = WORDS.filter((word) => word.includes(query[0] ?? '')).slice(0, limit);
  return { query, matches };
}

export function toolResult(args) {
  const structured = answer(args);
  return { content: [{ type: 'text', text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
}

export const CALL = { name: TOOL.name, arguments: { query: 'red', limit: 5 } };
