import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient } from '../client.js';
import { isNotFound, itemNotFound } from '../errors.js';

/** `get_item`: one item in full, by id. */
export function getItem(client: ApiClient) {
  return defineTool({
    name: 'get_item',
    title: 'Get item',
    description: 'Fetch one item by its id (ids come from search_items).',
    input: z.object({ id: z.string().trim().min(1).max(100).describe('The item id, e.g. "itm_1"') }),
    annotations: { readOnlyHint: true, openWorldHint: true },
    async run({ id }, ctx) {
      try {
        const item = await client.getItem(id, callOptions(ctx));
        return {
          id: item.id,
          name: item.name,
          description: item.description,
          tags: [...item.tags],
          updatedAt: item.updatedAt,
        };
      } catch (error) {
        if (isNotFound(error)) throw itemNotFound(id);
        throw error;
      }
    },
  });
}
