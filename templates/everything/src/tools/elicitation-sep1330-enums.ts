import { defineTool, inputRequired, inputResponse } from '@mcp-factory/runtime';

import { describeElicitationAnswer } from './elicitation-answer.js';

const KEY = 'choices';

/** `test_elicitation_sep1330_enums`: an elicitation form with all five enum shapes (SEP-1330). */
export const elicitationEnums = defineTool({
  name: 'test_elicitation_sep1330_enums',
  title: 'Elicitation with enums',
  description:
    'Asks the user to pick from single- and multi-select lists, with and without titles, plus the legacy enumNames form (demonstrates the SEP-1330 enum schemas).',
  annotations: { readOnlyHint: true, openWorldHint: false },
  run(_args, ctx) {
    const answer = inputResponse(ctx.mcp.mcpReq.inputResponses, KEY);
    if (answer.kind === 'missing') {
      return inputRequired({
        inputRequests: {
          [KEY]: inputRequired.elicit({
            message: 'Please make your choices.',
            requestedSchema: {
              type: 'object',
              properties: {
                // Single select without titles: the values are shown as they are.
                untitledSingle: { type: 'string', title: 'Untitled single', enum: ['option1', 'option2', 'option3'] },
                // Single select with a title per value.
                titledSingle: {
                  type: 'string',
                  title: 'Titled single',
                  oneOf: [
                    { const: 'value1', title: 'First Option' },
                    { const: 'value2', title: 'Second Option' },
                    { const: 'value3', title: 'Third Option' },
                  ],
                },
                // The deprecated way to title values, still accepted by older clients.
                legacyEnum: {
                  type: 'string',
                  title: 'Legacy titled',
                  enum: ['opt1', 'opt2', 'opt3'],
                  enumNames: ['Option One', 'Option Two', 'Option Three'],
                },
                // Multi select without titles.
                untitledMulti: {
                  type: 'array',
                  title: 'Untitled multi',
                  items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
                },
                // Multi select with a title per value.
                titledMulti: {
                  type: 'array',
                  title: 'Titled multi',
                  items: {
                    anyOf: [
                      { const: 'value1', title: 'First Choice' },
                      { const: 'value2', title: 'Second Choice' },
                      { const: 'value3', title: 'Third Choice' },
                    ],
                  },
                },
              },
            },
          }),
        },
      });
    }
    return describeElicitationAnswer('Elicitation completed', answer);
  },
});
