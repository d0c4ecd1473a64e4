/**
 * Per-tool authorization by OAuth scope. A tool that declares `scopes` is registered only on the
 * SDK instances built for callers holding all of them, so it is absent from their `tools/list`
 * and a call to it fails as a call to an unknown tool; {@link toolScopes} is the same rule as a
 * chain policy, in case a tool reaches the chain some other way.
 *
 * Without authentication (stdio, or an HTTP front with no auth configured) there is no caller to
 * check, and every tool is served: scopes restrict authenticated callers, they do not replace
 * authentication.
 *
 * @module
 */
import type { AuthInfo } from '@modelcontextprotocol/server';

import type { ToolDefinition } from '../define.js';
import { UnauthorizedError } from '../errors.js';
import { withAppliesTo, type Policy } from '../policies/chain.js';

/** The scopes of `required` that `authInfo` lacks; empty when it has them all or when there is no caller. */
export function missingScopes(authInfo: AuthInfo | undefined, required: readonly string[] | undefined): string[] {
  if (authInfo === undefined || required === undefined || required.length === 0) return [];
  return required.filter((scope) => !authInfo.scopes.includes(scope));
}

/** Whether the caller may see and call `tool` (always, when the request was not authenticated). */
export function toolAllowed(tool: Pick<ToolDefinition, 'scopes'>, authInfo: AuthInfo | undefined): boolean {
  return missingScopes(authInfo, tool.scopes).length === 0;
}

/**
 * Refuses a tool call whose definition needs scopes the caller lacks, with an
 * {@link UnauthorizedError} (an `isError` result for tools, JSON-RPC -32003 elsewhere). Built into
 * every server's chain inside the error boundary.
 */
export const toolScopes: Policy = withAppliesTo(
  async (call, next) => {
    if (call.definition.kind === 'tool') {
      const missing = missingScopes(call.context.authInfo, call.definition.scopes);
      if (missing.length > 0) {
        throw new UnauthorizedError(`Not allowed: tool "${call.name}" needs the scope(s) ${missing.join(' ')}.`, {
          data: { requiredScopes: call.definition.scopes },
        });
      }
    }
    return next();
  },
  (definition) => definition.kind === 'tool' && (definition.scopes ?? []).length > 0,
);
