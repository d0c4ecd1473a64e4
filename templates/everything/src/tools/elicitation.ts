import { defineTool, inputRequired, inputResponse, z } from '@mcp-factory/runtime';

import { describeElicitationAnswer } from './elicitation-answer.js';

const KEY = 'user';

/** `test_elicitation`: asks the user for a username and an email address (`elicitation/create`). */
export const elicitation = defineTool({
  name: 'test_elicitation',
  title: 'Elicitation',
  description:
    'Asks the user for a username and email through the client and returns the answer (demonstrates elicitation/create in form mode; the client must declare the elicitation capability).',
  input: z.object({ message: z.string().min(1).describe('The message to show the user') }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  run({ message }, ctx) {
    const answer = inputResponse(ctx.mcp.mcpReq.inputResponses, KEY);
    if (answer.kind === 'missing') {
      return inputRequired({
        inputRequests: {
          [KEY]: inputRequired.elicit({
            message,
            requestedSchema: {
              type: 'object',
              properties: {
                username: { type: 'string', description: "User's response" },
                email: { type: 'string', format: 'email', description: "User's email address" },
              },
              required: ['username', 'email'],
            },
          }),
        },
      });
    }
    return describeElicitationAnswer('User response', answer);
  },
});
