import { completable, definePrompt, z } from '@mcp-factory/runtime';

/** Suggestions for `arg1`, filtered by what the user typed so far. */
const ARG1_SUGGESTIONS = ['hello', 'help', 'test', 'testing', 'world'];

/** `test_prompt_with_arguments`: two required arguments, substituted into the message. */
export const promptWithArguments = definePrompt({
  name: 'test_prompt_with_arguments',
  title: 'Prompt with arguments',
  description: 'A prompt with two required arguments (demonstrates prompt arguments, and completion/complete on arg1).',
  args: z.object({
    arg1: completable(z.string().describe('First test argument'), (value) =>
      ARG1_SUGGESTIONS.filter((word) => word.startsWith(value)),
    ),
    arg2: z.string().describe('Second test argument'),
  }),
  get: ({ arg1, arg2 }) => `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`,
});
