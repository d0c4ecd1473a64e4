import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient } from '../client.js';

const Output = z.object({
  models: z.array(z.object({ id: z.string(), ownedBy: z.string(), created: z.string() })),
});

/** `list_models`: the model ids the configured key can use. */
export function listModels(client: ApiClient) {
  return defineTool({
    name: 'list_models',
    title: 'List OpenAI models',
    description:
      'List the OpenAI model ids the configured key can use (chat, reasoning, embedding, audio and image models alike). ' +
      'Pass one of them as `model` to ask.',
    input: z.object({
      contains: z
        .string()
        .trim()
        .max(100)
        .optional()
        .describe('Only ids containing this text, case-insensitive, e.g. "gpt-4.1" or "mini"'),
    }),
    output: Output,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    async run({ contains }, ctx) {
      const all = await client.listModels(callOptions(ctx));
      const needle = contains?.toLowerCase() ?? '';
      const models = all.filter((model) => model.id.toLowerCase().includes(needle));
      const text =
        models.length === 0
          ? `No model id contains "${contains ?? ''}" (the key can use ${all.length} models). Try a shorter filter.`
          : `${models.length} model(s):\n${models.map((model) => `- ${model.id}`).join('\n')}`;
      return {
        content: [{ type: 'text', text }],
        structuredContent: { models: models.map((model) => ({ ...model })) },
      };
    },
  });
}
