/**
 * Turns what handlers return into MCP wire results, so authors can return a string, an object or
 * a full result as suits them.
 *
 * @module
 */
import type {
  CallToolResult,
  GetPromptResult,
  InputRequiredResult,
  ReadResourceResult,
} from '@modelcontextprotocol/server';

import type { PromptReturn, ResourceReturn, ToolReturn } from './define.js';
import type { McpFactoryError } from './errors.js';

/** `_meta` key under which a failed tool result carries its error code and request id. */
export const ERROR_META_KEY = 'dev.mcp-factory/error';

function isInputRequired(value: unknown): value is InputRequiredResult {
  return (
    typeof value === 'object' && value !== null && (value as { resultType?: unknown }).resultType === 'input_required'
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Normalizes a tool handler's return value:
 * - a string becomes one text block;
 * - an array is taken as content blocks;
 * - an object with a `content` array (or `structuredContent`) is taken as a `CallToolResult`;
 * - any other object is structured output: `structuredContent` when the tool declares an output
 *   schema, and always a JSON text block for clients that only read text;
 * - `undefined` becomes an empty result.
 */
export function toToolResult(value: ToolReturn, hasOutputSchema: boolean): CallToolResult | InputRequiredResult {
  if (value === undefined || value === null) return { content: [] };
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (Array.isArray(value)) return { content: value };
  if (isInputRequired(value)) return value;
  if (isObject(value) && (Array.isArray(value.content) || 'structuredContent' in value)) {
    const result = value as CallToolResult;
    return Array.isArray(result.content) ? result : { ...result, content: [] };
  }
  const text = JSON.stringify(value, null, 2);
  return hasOutputSchema
    ? { content: [{ type: 'text', text }], structuredContent: value }
    : { content: [{ type: 'text', text }] };
}

/** The `isError` result a failed tool call returns: the message for the model, the code in `_meta`. */
export function toolErrorResult(error: McpFactoryError, requestId: string): CallToolResult {
  return {
    content: [{ type: 'text', text: error.message }],
    isError: true,
    _meta: { [ERROR_META_KEY]: { code: error.code, requestId } },
  };
}

/**
 * Normalizes a resource reader's return value: a string is text content, bytes are a base64 blob,
 * a full `ReadResourceResult` passes through.
 */
export function toResourceResult(
  value: ResourceReturn,
  uri: string,
  mimeType: string | undefined,
): ReadResourceResult | InputRequiredResult {
  const mime = mimeType === undefined ? {} : { mimeType };
  if (typeof value === 'string') return { contents: [{ uri, text: value, ...mime }] };
  if (value instanceof Uint8Array) {
    return { contents: [{ uri, blob: Buffer.from(value).toString('base64'), ...mime }] };
  }
  return value;
}

/** Normalizes a prompt's return value: a string is one user message, an array is the messages. */
export function toPromptResult(
  value: PromptReturn,
  description: string | undefined,
): GetPromptResult | InputRequiredResult {
  const base = description === undefined ? {} : { description };
  if (typeof value === 'string') {
    return { ...base, messages: [{ role: 'user', content: { type: 'text', text: value } }] };
  }
  if (Array.isArray(value)) return { ...base, messages: value };
  return value;
}
