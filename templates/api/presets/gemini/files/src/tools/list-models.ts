import { defineTool, z } from '@mcp-factory/runtime';

import { callOptions, type ApiClient } from '../client.js';

const Output = z.object({
  models: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      inputTokenLimit: z.number().int().optional(),
      outputTokenLimit: z.number().int().optional(),
      methods: z.array(z.string()),
    }),
  ),
});

/** `list_models`: the Gemini models the configured key can use. */
export function listModels(client: ApiClient) {
  return defineTool({
    name: 'list_models',
    title: 'List Gemini models',
    description:
      'List the Gemini models the configured key can use for ask (those supporting generateContent), with their token ' +
      'limits. Pass an id as `model` to ask.',
    input: z.object({
      contains: z
        .string()
        .trim()
        .max(100)
        .optional()
        .describe('Only models whose id or name contains this text, case-insensitive, e.g. "flash"'),
      all: z
        .boolean()
        .default(false)
        .describe('Also list models that cannot answer prompts (embedding, image, audio models)'),
    }),
    output: Output,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    async run({ contains, all }, ctx) {
      const every = await client.listModels(callOptions(ctx));
      const needle = contains?.toLowerCase() ?? '';
      const models = every.filter(
        (model) =>
          (all || model.methods.includes('generateContent')) &&
          `${model.id} ${model.displayName}`.toLowerCase().includes(needle),
      );
      const limits = (model: (typeof models)[number]): string =>
        model.inputTokenLimit === undefined
          ? ''
          : `, ${model.inputTokenLimit} tokens in / ${model.outputTokenLimit ?? '?'} out`;
      const text =
        models.length === 0
          ? `No model matches (the key can use ${every.length} models). Try a shorter filter${all ? '' : ' or all: true'}.`
          : `${models.length} model(s):\n${models.map((model) => `- ${model.id} (${model.displayName}${limits(model)})`).join('\n')}`;
      return {
        content: [{ type: 'text', text }],
        structuredContent: { models: models.map((model) => ({ ...model, methods: [...model.methods] })) },
      };
    },
  });
}
