import { defineTool, inputRequired, inputResponse, ToolError, z } from '@mcp-factory/runtime';

/** Key of the sampling request in `inputRequests` / `inputResponses`. */
const KEY = 'completion';

/**
 * `test_sampling`: asks the client's model for a completion (`sampling/createMessage`).
 *
 * Written once for both eras as a multi-round-trip handler: the first round returns
 * `inputRequired(...)`; a 2026-07-28 client answers in a retry, and for a 2025-era client the SDK
 * sends the request itself and calls the handler again with the answer.
 */
export const sampling = defineTool({
  name: 'test_sampling',
  title: 'Sampling',
  description:
    'Asks the LLM of the client to answer a prompt and returns the answer (demonstrates sampling/createMessage; the client must declare the sampling capability).',
  input: z.object({ prompt: z.string().min(1).describe('The prompt to send to the LLM') }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  run({ prompt }, ctx) {
    const answer = inputResponse(ctx.mcp.mcpReq.inputResponses, KEY);
    if (answer.kind === 'missing') {
      return inputRequired({
        inputRequests: {
          [KEY]: inputRequired.createMessage({
            messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
            maxTokens: 100,
          }),
        },
      });
    }
    if (answer.kind !== 'sampling') {
      throw new ToolError(`The client answered the sampling request with a ${answer.kind} response.`);
    }
    const blocks = Array.isArray(answer.result.content) ? answer.result.content : [answer.result.content];
    const text = blocks.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join(' ');
    return `LLM response: ${text}`;
  },
});
