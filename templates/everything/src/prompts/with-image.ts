import { definePrompt } from '@mcp-factory/runtime';

import { RED_PIXEL_PNG } from '../media.js';

/** `test_prompt_with_image`: a message carrying an image, then an instruction. */
export const promptWithImage = definePrompt({
  name: 'test_prompt_with_image',
  title: 'Prompt with an image',
  description: 'A prompt whose first message is an image (demonstrates image content in prompts).',
  get: () => [
    { role: 'user', content: { type: 'image', data: RED_PIXEL_PNG, mimeType: 'image/png' } },
    { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
  ],
});
