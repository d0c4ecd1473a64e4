import { defineTool, z } from '@mcp-factory/runtime';

/**
 * A reusable sub-schema: its `id` makes the JSON Schema reference it from `$defs` (`$ref`) instead
 * of inlining it. Ids live in zod's global registry, so keep them unique in the server.
 */
const Address = z
  .object({ street: z.string().describe('Street and number'), city: z.string().describe('City') })
  .partial()
  .meta({ id: 'address' });

/** `json_schema_2020_12_tool`: an input schema using JSON Schema 2020-12 keywords (SEP-1613). */
export const jsonSchema202012 = defineTool({
  name: 'json_schema_2020_12_tool',
  title: 'JSON Schema 2020-12',
  description:
    'Tool with JSON Schema 2020-12 features: $schema, $defs with $ref, additionalProperties: false (SEP-1613).',
  // strictObject: unknown arguments are refused, and the schema says so (additionalProperties: false).
  input: z.strictObject({
    name: z.string().optional().describe('A name'),
    address: Address.optional(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: ({ name, address }) =>
    `Received name=${JSON.stringify(name ?? null)}, address=${JSON.stringify(address ?? null)}.`,
});
