import { defineTool } from '@mcp-factory/runtime';

/** `test_resource_links`: links to resources the client can read later, content not included. */
export const resourceLinks = defineTool({
  name: 'test_resource_links',
  title: 'Resource links',
  description:
    'Returns links to two resources of this server without their content (demonstrates resource_link content; read them with resources/read).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => [
    { type: 'text', text: 'Two resources of this server; read them with resources/read.' },
    {
      type: 'resource_link',
      uri: 'test://static-text',
      name: 'static-text',
      description: 'A fixed text resource',
      mimeType: 'text/plain',
    },
    {
      type: 'resource_link',
      uri: 'test://static-binary',
      name: 'static-binary',
      description: 'A 1x1 red PNG',
      mimeType: 'image/png',
    },
  ],
});
