import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient } from '../client.js';

const Output = z.object({
  models: z.array(z.object({ id: z.string(), displayName: z.string(), createdAt: z.string() })),
});

/** `list_models`: the Claude models the configured key can use, newest first. */
export function listModels(client: ApiClient) {
  return defineTool({
    name: 'list_models',
    title: 'List Claude models',
    description:
      'List the Claude models the configured Anthropic key can use, newest first, with their display names. ' +
      'Pass an id as `model` to ask.',
    input: z.object({
      contains: z
        .string()
        .trim()
        .max(100)
        .optional()
        .describe('Only models whose id or name contains this text, case-insensitive, e.g. "haiku"'),
    }),
    output: Output,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    async run({ contains }, ctx) {
      const all = await client.listModels(callOptions(ctx));
      const needle = contains?.toLowerCase() ?? '';
      const models = all.filter((model) => `${model.id} ${model.displayName}`.toLowerCase().includes(needle));
      const text =
        models.length === 0
          ? `No model matches "${contains ?? ''}" (the key can use ${all.length} models). Try a shorter filter.`
          : `${models.length} model(s):\n${models.map((model) => `- ${model.id} (${model.displayName})`).join('\n')}`;
      return {
        content: [{ type: 'text', text }],
        structuredContent: { models: models.map((model) => ({ ...model })) },
      };
    },
  });
}
