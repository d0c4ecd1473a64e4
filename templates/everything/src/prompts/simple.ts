import { definePrompt } from '@mcp-factory/runtime';

/** `test_simple_prompt`: a prompt without arguments. */
export const simplePrompt = definePrompt({
  name: 'test_simple_prompt',
  title: 'Simple prompt',
  description: 'A prompt without arguments (demonstrates prompts/get returning one text message).',
  get: () => 'This is a simple prompt for testing.',
});
