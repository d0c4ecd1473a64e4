import { defineResource } from '@mcp-factory/runtime';

import { redPixelBytes } from '../media.js';

/** `test://static-binary`: a fixed binary resource, read as a base64 `blob`. */
export const staticBinary = defineResource({
  name: 'static-binary',
  uri: 'test://static-binary',
  title: 'Static binary',
  description: 'A 1x1 red PNG (demonstrates resources/read with binary content as a base64 blob).',
  mimeType: 'image/png',
  read: () => redPixelBytes(),
});
