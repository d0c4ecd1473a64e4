import { defineResource } from '@mcp-factory/runtime';

/** `test://static-text`: a fixed text resource. */
export const staticText = defineResource({
  name: 'static-text',
  uri: 'test://static-text',
  title: 'Static text',
  description: 'A fixed text resource (demonstrates resources/read with text content).',
  mimeType: 'text/plain',
  read: () => 'This is the content of the static text resource.',
});
