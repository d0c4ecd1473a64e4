import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient } from '../client.js';

/** `create_item`: adds an item (not idempotent: calling twice creates two). */
export function createItem(client: ApiClient) {
  return defineTool({
    name: 'create_item',
    title: 'Create item',
    description: 'Create a new item. Each call creates one more item, so do not repeat a call that succeeded.',
    input: z.object({
      name: z.string().trim().min(1).max(200).describe('Name of the new item'),
      description: z.string().max(2000).default('').describe('Longer description'),
      tags: z.array(z.string().min(1).max(50)).max(20).default([]).describe('Labels for search'),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    async run(input, ctx) {
      const item = await client.createItem(input, callOptions(ctx));
      return `Created item ${item.id} ("${item.name}").`;
    },
  });
}
