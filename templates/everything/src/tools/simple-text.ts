import { defineTool } from '@mcp-factory/runtime';

/** `test_simple_text`: the simplest tool result, one text block. */
export const simpleText = defineTool({
  name: 'test_simple_text',
  title: 'Simple text',
  description: 'Returns a fixed sentence (demonstrates a tool result with one text content block).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => 'This is a simple text response for testing.',
});
