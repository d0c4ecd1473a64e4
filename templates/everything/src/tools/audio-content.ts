import { defineTool } from '@mcp-factory/runtime';

import { toneWav } from '../media.js';

const TONE = toneWav();

/** `test_audio_content`: a base64 audio content block. */
export const audioContent = defineTool({
  name: 'test_audio_content',
  title: 'Audio content',
  description: 'Returns a 0.1 s 440 Hz tone as WAV (demonstrates audio content in a tool result).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: () => [{ type: 'audio', data: TONE, mimeType: 'audio/wav' }],
});
