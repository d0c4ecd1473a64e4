import { definePrompt, z } from '@mcp-factory/runtime';

/** `test_prompt_with_embedded_resource`: a message embedding a resource, then an instruction. */
export const promptWithEmbeddedResource = definePrompt({
  name: 'test_prompt_with_embedded_resource',
  title: 'Prompt with an embedded resource',
  description: 'A prompt whose first message embeds a resource (demonstrates resource content in prompts).',
  args: z.object({ resourceUri: z.string().min(1).describe('URI of the resource to embed') }),
  get: ({ resourceUri }) => [
    {
      role: 'user',
      content: {
        type: 'resource',
        resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' },
      },
    },
    { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
  ],
});
