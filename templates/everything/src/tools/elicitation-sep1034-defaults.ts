import { defineTool, inputRequired, inputResponse } from '@mcp-factory/runtime';

import { describeElicitationAnswer } from './elicitation-answer.js';

const KEY = 'profile';

/** `test_elicitation_sep1034_defaults`: an elicitation form whose every field has a default (SEP-1034). */
export const elicitationDefaults = defineTool({
  name: 'test_elicitation_sep1034_defaults',
  title: 'Elicitation with defaults',
  description:
    'Asks the user to confirm a profile whose string, integer, number, enum and boolean fields all carry default values (demonstrates SEP-1034 defaults in elicitation schemas).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run(_args, ctx) {
    const answer = inputResponse(ctx.mcp.mcpReq.inputResponses, KEY);
    if (answer.kind === 'missing') {
      return inputRequired({
        inputRequests: {
          [KEY]: inputRequired.elicit({
            message: 'Please review your profile; every field is pre-filled.',
            requestedSchema: {
              type: 'object',
              properties: {
                name: { type: 'string', title: 'Name', default: 'John Doe' },
                age: { type: 'integer', title: 'Age', minimum: 0, maximum: 150, default: 30 },
                score: { type: 'number', title: 'Score', minimum: 0, maximum: 100, default: 95.5 },
                status: {
                  type: 'string',
                  title: 'Status',
                  enum: ['active', 'inactive', 'pending'],
                  default: 'active',
                },
                verified: { type: 'boolean', title: 'Verified', default: true },
              },
            },
          }),
        },
      });
    }
    return describeElicitationAnswer('Elicitation completed', answer);
  },
});
