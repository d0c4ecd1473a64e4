import { ToolError, type InputResponseView } from '@mcp-factory/runtime';

/**
 * Describes the user's answer to an elicitation for the model: the action (accept, decline or
 * cancel) and, when accepted, the content. Anything but an elicitation answer is a client bug.
 */
export function describeElicitationAnswer(prefix: string, answer: InputResponseView): string {
  if (answer.kind !== 'elicit') {
    throw new ToolError(
      `The client answered the elicitation with a ${answer.kind} response; expected an elicitation result.`,
    );
  }
  return `${prefix}: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`;
}
