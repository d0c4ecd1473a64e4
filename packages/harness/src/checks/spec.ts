/**
 * Validation against the MCP schema, through the SDK's own schemas (`specTypeSchemas`).
 *
 * @module
 */
import { specTypeSchemas, type SpecTypeName } from '@modelcontextprotocol/client';

/** Undefined when `value` is a valid `type`, else the first issues as one line. */
export function validateSpec(type: SpecTypeName, value: unknown): string | undefined {
  const outcome = specTypeSchemas[type]['~standard'].validate(value);
  if (outcome instanceof Promise) throw new Error(`schema ${type} validates asynchronously`);
  if (outcome.issues === undefined) return undefined;
  return outcome.issues
    .slice(0, 3)
    .map((issue) => {
      const path = (issue.path ?? []).map((part) => (typeof part === 'object' ? String(part.key) : String(part)));
      return `${path.length === 0 ? '(root)' : path.join('.')}: ${issue.message}`;
    })
    .join('; ');
}
