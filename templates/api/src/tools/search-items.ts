import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient, type Item } from '../client.js';

const ItemOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  updatedAt: z.string(),
});

/** Lists one item per line: the id first, since the other tools take it. */
export function formatItems(items: readonly Item[]): string {
  return items
    .map((item) => `- ${item.id}: ${item.name}${item.description === '' ? '' : ` — ${item.description}`}`)
    .join('\n');
}

/** `search_items`: full-text search over the API's items. */
export function searchItems(client: ApiClient) {
  return defineTool({
    name: 'search_items',
    title: 'Search items',
    description:
      'Search the items of the API by free text (name, description, tags). Returns up to `limit` matches with their ids; use get_item for one item in full.',
    input: z.object({
      query: z.string().trim().min(1).max(200).describe('Words to look for, e.g. "red shoes"'),
      limit: z.number().int().min(1).max(50).default(10).describe('Most results to return (1-50)'),
    }),
    output: z.object({ total: z.number().int(), items: z.array(ItemOutput) }),
    annotations: { readOnlyHint: true, openWorldHint: true },
    async run({ query, limit }, ctx) {
      const { items, total } = await client.searchItems({ text: query, limit }, callOptions(ctx));
      const summary =
        items.length === 0
          ? `No items match "${query}". Try fewer or different words.`
          : `${total} item(s) match "${query}"; showing ${items.length}:\n${formatItems(items)}`;
      return {
        content: [{ type: 'text', text: summary }],
        structuredContent: { total, items: items.map((item) => ({ ...item, tags: [...item.tags] })) },
      };
    },
  });
}
