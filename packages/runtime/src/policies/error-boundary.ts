import { ProtocolError, ResourceNotFoundError as SdkResourceNotFoundError } from '@modelcontextprotocol/server';

import { ErrorCode, McpFactoryError, isMcpFactoryError } from '../errors.js';
import { toolErrorResult } from '../results.js';
import { CallAttribute, type Call, type Policy } from './chain.js';

const KIND_LABEL = { tool: 'Tool', resource: 'Resource', prompt: 'Prompt' } as const;

/**
 * Maps anything a handler (or an inner policy) throws to a typed {@link McpFactoryError}.
 * Unknown errors become {@link ErrorCode.Internal} with a message that names the request id
 * instead of leaking the original message or stack; the original stays in `cause` for the logs.
 */
export function toFactoryError(error: unknown, call: Pick<Call, 'kind' | 'name' | 'requestId'>): McpFactoryError {
  if (isMcpFactoryError(error)) return error;
  if (error instanceof ProtocolError) {
    const known = Object.entries({
      [-32700]: ErrorCode.ParseError,
      [-32600]: ErrorCode.InvalidRequest,
      [-32601]: ErrorCode.MethodNotFound,
      [-32602]: ErrorCode.InvalidParams,
    }).find(([code]) => Number(code) === error.code)?.[1];
    return new McpFactoryError(known ?? ErrorCode.Internal, error.message, { cause: error });
  }
  return new McpFactoryError(
    ErrorCode.Internal,
    `${KIND_LABEL[call.kind]} "${call.name}" failed unexpectedly (request id ${call.requestId}). The server log has the details.`,
    { cause: error },
  );
}

/**
 * The error boundary: a failed tool call becomes an `isError` result the model can read; a failed
 * resource read or prompt becomes a JSON-RPC error with the mapped code. Records the error code in
 * `call.attributes` for the policies outside it (logging, metrics).
 */
export const errorBoundary: Policy = async (call, next) => {
  try {
    return await next();
  } catch (thrown) {
    const error = toFactoryError(thrown, call);
    call.attributes.set(CallAttribute.ErrorCode, error.code);
    call.attributes.set(CallAttribute.Error, thrown);
    if (call.kind === 'tool') return toolErrorResult(error, call.requestId);
    if (error.code === ErrorCode.ResourceNotFound) throw new SdkResourceNotFoundError(call.target);
    throw new ProtocolError(error.rpcCode, error.message, error.data);
  }
};
