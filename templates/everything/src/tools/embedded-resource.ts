import { defineTool } from '@mcp-factory/runtime';

/** `test_embedded_resource`: a resource embedded in the result, content included. */
export const embeddedResource = defineTool({
  name: 'test_embedded_resource',
  title: 'Embedded resource',
  description: 'Returns a text resource inline (demonstrates embedded resource content in a tool result).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => [
    {
      type: 'resource',
      resource: {
        uri: 'test://embedded-resource',
        mimeType: 'text/plain',
        text: 'This is an embedded resource content.',
      },
    },
  ],
});
