import { defineTool } from '@mcp-factory/runtime';

import { RED_PIXEL_PNG } from '../media.js';

/** `test_image_content`: a base64 image content block. */
export const imageContent = defineTool({
  name: 'test_image_content',
  title: 'Image content',
  description: 'Returns a 1x1 red PNG (demonstrates image content in a tool result).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => [{ type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' }],
});
