import * as z from 'zod';

import { InvalidParamsError } from '../errors.js';
import { withAppliesTo, type Policy } from './chain.js';

/** One line per issue: `path: message`, joined with `; ` (at most 10 issues). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  if (issues.length > 10) lines.push(`…and ${issues.length - 10} more`);
  return lines.join('; ');
}

/**
 * Parses synchronously, which is several microseconds cheaper per call, and falls back to the async
 * parse only for schemas with async refinements or transforms (zod then throws `$ZodAsyncError`).
 * A sync transform placed before an async step then runs twice; keep transforms free of side effects.
 */
function parseArgs<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.ZodSafeParseResult<z.output<S>> | Promise<z.ZodSafeParseResult<z.output<S>>> {
  try {
    return schema.safeParse(value);
  } catch (error) {
    if (error instanceof z.core.$ZodAsyncError) return schema.safeParseAsync(value);
    throw error;
  }
}

/**
 * Parses tool arguments with the tool's zod schema (the SDK is given a pass-through schema so that
 * validation happens here, inside the chain, where it is logged and counted). On failure the call
 * fails with {@link InvalidParamsError}, which a tool call reports as an `isError` result naming
 * each bad field. Prompts are validated by the SDK before they reach the chain.
 */
export const validation: Policy = withAppliesTo(
  async (call, next) => {
    if (call.definition.kind !== 'tool' || call.definition.input === undefined) return next();
    const parsed = await parseArgs(call.definition.input, call.args ?? {});
    if (!parsed.success) {
      throw new InvalidParamsError(`Invalid arguments for tool "${call.name}": ${formatIssues(parsed.error.issues)}`, {
        data: {
          issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
        },
      });
    }
    call.args = parsed.data;
    return next();
  },
  (definition) => definition.kind === 'tool' && definition.input !== undefined,
);
