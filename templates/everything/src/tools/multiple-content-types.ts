import { defineTool } from '@mcp-factory/runtime';

import { RED_PIXEL_PNG } from '../media.js';

/** `test_multiple_content_types`: text, image and an embedded resource in one result. */
export const multipleContentTypes = defineTool({
  name: 'test_multiple_content_types',
  title: 'Mixed content',
  description: 'Returns text, an image and an embedded JSON resource (demonstrates mixed content in one result).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => [
    { type: 'text', text: 'Multiple content types test:' },
    { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' },
    {
      type: 'resource',
      resource: {
        uri: 'test://mixed-content-resource',
        mimeType: 'application/json',
        text: JSON.stringify({ test: 'data', value: 123 }),
      },
    },
  ],
});
