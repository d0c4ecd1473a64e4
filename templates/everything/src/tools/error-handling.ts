import { defineTool, ToolError } from '@mcp-factory/runtime';

/** `test_error_handling`: always fails, the way the model should see a failure. */
export const errorHandling = defineTool({
  name: 'test_error_handling',
  title: 'Error handling',
  description:
    'Always fails (demonstrates a tool error: an isError result whose text the model can read, not a protocol error).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => {
    throw new ToolError('This tool intentionally returns an error for testing');
  },
});
