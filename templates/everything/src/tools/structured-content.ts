import { defineTool, z } from '@mcp-factory/runtime';

/** `test_structured_content`: a result checked against an output schema, as structured content. */
export const structuredContent = defineTool({
  name: 'test_structured_content',
  title: 'Structured content',
  description:
    'Adds and multiplies two numbers (demonstrates outputSchema and structuredContent, with a JSON text copy for older clients).',
  input: z.object({
    a: z.number().describe('First operand'),
    b: z.number().describe('Second operand'),
  }),
  output: z.object({ sum: z.number(), product: z.number() }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  run: ({ a, b }) => ({ sum: a + b, product: a * b }),
});
