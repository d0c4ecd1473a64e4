/**
 * A JSON-RPC request read without zod when it has the common shape. The SDK's transports parse
 * every incoming message with `JSONRPCMessageSchema` (~8 µs of CPU for a small call); the runtime's
 * own fronts check the usual request by hand and leave everything else to that parse.
 *
 * @module
 */

/** A JSON-RPC request as the SDK's `JSONRPCRequestSchema` parses it. */
export interface JsonRpcRequestBody {
  readonly jsonrpc: '2.0';
  readonly id: string | number;
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

/**
 * `value` as the SDK's `JSONRPCRequestSchema` would parse it, for the common shape only: a plain
 * object with no keys but the four request keys, `jsonrpc` "2.0", a string or safe-integer `id`, a
 * string `method`, and `params` absent or a plain object without `_meta`. Anything else (a `_meta`
 * to check, an odd id, a notification or response) is `undefined`, for the caller to pass to
 * `parseJSONRPCMessage`: what this accepts is a subset of what the schema accepts, unchanged.
 */
export function plainRequest(value: unknown): JsonRpcRequestBody | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return undefined;
  for (const key in value) if (!REQUEST_KEYS.has(key)) return undefined;
  const { jsonrpc, id, method, params } = value as Record<string, unknown>;
  if (jsonrpc !== '2.0' || typeof method !== 'string') return undefined;
  if (typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  const requestId = id as string | number;
  if (params === undefined) return { jsonrpc, id: requestId, method };
  if (typeof params !== 'object' || params === null || Object.getPrototypeOf(params) !== Object.prototype) {
    return undefined;
  }
  if ('_meta' in params) return undefined;
  return { jsonrpc, id: requestId, method, params: params as Record<string, unknown> };
}
