/**
 * Typed errors of the runtime.
 *
 * Every failure a server author raises or the runtime produces is an {@link McpFactoryError}
 * with a string {@link ErrorCode}. The code decides how the failure crosses the wire:
 *
 * - inside `tools/call`, an error becomes an `isError: true` tool result whose text is the
 *   error's message (the model reads it and can act on it) — never a stack trace;
 * - everywhere else (resources, prompts, protocol-level problems) it becomes a JSON-RPC error
 *   response with the numeric code from {@link RPC_CODES}.
 *
 * Match on `error.code`, never on the message.
 *
 * @module
 */

/** String codes of every error the runtime knows. */
export const ErrorCode = {
  /** The bytes received were not valid JSON (JSON-RPC -32700). */
  ParseError: 'PARSE_ERROR',
  /** The JSON received is not a valid JSON-RPC request (JSON-RPC -32600). */
  InvalidRequest: 'INVALID_REQUEST',
  /** The method does not exist or is not available (JSON-RPC -32601). */
  MethodNotFound: 'METHOD_NOT_FOUND',
  /** The arguments failed validation (JSON-RPC -32602). */
  InvalidParams: 'INVALID_PARAMS',
  /** An unexpected failure inside the server (JSON-RPC -32603). */
  Internal: 'INTERNAL',
  /** The call did not finish within its time budget (server code -32001). */
  Timeout: 'TIMEOUT',
  /** The requested resource does not exist (server code -32002). */
  ResourceNotFound: 'RESOURCE_NOT_FOUND',
  /** The caller is not authenticated or not allowed (server code -32003). */
  Unauthorized: 'UNAUTHORIZED',
  /** The call was cancelled by the client or by shutdown (server code -32004). */
  Cancelled: 'CANCELLED',
  /** A tool failed in a way the model should see and can act on (an `isError` result). */
  ToolFailed: 'TOOL_FAILED',
  /** Start-up configuration (flags, environment, definitions) is invalid; never sent to clients. */
  InvalidConfig: 'INVALID_CONFIG',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * JSON-RPC error code for each {@link ErrorCode}. Standard codes are the JSON-RPC 2.0 ones;
 * the runtime's own codes live in the implementation-defined server range (-32000 to -32099).
 *
 * Note: the MCP SDK answers a `resources/read` miss with -32602 and `data: { uri }` (the
 * 2026-07-28 rule) on every protocol revision, so {@link ErrorCode.ResourceNotFound} reaches
 * clients as -32602; the -32002 below is what the runtime reports where it controls the wire.
 */
export const RPC_CODES: Readonly<Record<ErrorCode, number>> = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  TIMEOUT: -32001,
  RESOURCE_NOT_FOUND: -32002,
  UNAUTHORIZED: -32003,
  CANCELLED: -32004,
  TOOL_FAILED: -32603,
  INVALID_CONFIG: -32603,
};

/** Options accepted by every {@link McpFactoryError} constructor. */
export interface McpFactoryErrorOptions {
  /** Structured data sent as JSON-RPC `error.data` (never secrets, never stack traces). */
  data?: Record<string, unknown>;
  /** The underlying error, kept for logs only; it never reaches the client. */
  cause?: unknown;
}

/** The one base class of the runtime's errors. */
export class McpFactoryError extends Error {
  override readonly name: string = 'McpFactoryError';
  readonly code: ErrorCode;
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: McpFactoryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }

  /** The numeric JSON-RPC code this error crosses the wire with. */
  get rpcCode(): number {
    return RPC_CODES[this.code];
  }

  /** The JSON-RPC `error` object for this error. */
  toJsonRpc(): { code: number; message: string; data?: Record<string, unknown> } {
    return this.data === undefined
      ? { code: this.rpcCode, message: this.message }
      : { code: this.rpcCode, message: this.message, data: this.data };
  }
}

/**
 * A failure the model should see: thrown from a tool, it becomes an `isError` result whose text
 * is this message. Write the message as advice ("City not found: try a larger nearby town").
 */
export class ToolError extends McpFactoryError {
  override readonly name = 'ToolError';
  constructor(message: string, options: McpFactoryErrorOptions = {}) {
    super(ErrorCode.ToolFailed, message, options);
  }
}

/** Arguments did not match the declared schema. */
export class InvalidParamsError extends McpFactoryError {
  override readonly name = 'InvalidParamsError';
  constructor(message: string, options: McpFactoryErrorOptions = {}) {
    super(ErrorCode.InvalidParams, message, options);
  }
}

/** A call exceeded its time budget. `data.timeoutMs` carries the budget. */
export class TimeoutError extends McpFactoryError {
  override readonly name = 'TimeoutError';
  constructor(message: string, options: McpFactoryErrorOptions = {}) {
    super(ErrorCode.Timeout, message, options);
  }
}

/** A resource URI matched nothing. `data.uri` carries the URI. */
export class ResourceNotFoundError extends McpFactoryError {
  override readonly name = 'ResourceNotFoundError';
  constructor(uri: string, options: Omit<McpFactoryErrorOptions, 'data'> = {}) {
    super(ErrorCode.ResourceNotFound, `Resource not found: ${uri}`, { ...options, data: { uri } });
  }
}

/** The caller is not authenticated or lacks permission. */
export class UnauthorizedError extends McpFactoryError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Unauthorized', options: McpFactoryErrorOptions = {}) {
    super(ErrorCode.Unauthorized, message, options);
  }
}

/** The call was cancelled (client cancellation or server shutdown). */
export class CancelledError extends McpFactoryError {
  override readonly name = 'CancelledError';
  constructor(message = 'Request cancelled', options: McpFactoryErrorOptions = {}) {
    super(ErrorCode.Cancelled, message, options);
  }
}

/** Invalid start-up configuration: a flag, an environment variable or a definition. */
export class ConfigError extends McpFactoryError {
  override readonly name = 'ConfigError';
  constructor(message: string, options: McpFactoryErrorOptions = {}) {
    super(ErrorCode.InvalidConfig, message, options);
  }
}

/** True when `value` is an {@link McpFactoryError} (also across bundled copies of the runtime). */
export function isMcpFactoryError(value: unknown): value is McpFactoryError {
  return (
    value instanceof McpFactoryError ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { code?: unknown }).code === 'string' &&
      Object.values(ErrorCode).includes((value as { code: ErrorCode }).code) &&
      typeof (value as { toJsonRpc?: unknown }).toJsonRpc === 'function')
  );
}
