/**
 * Errors of `mcp-factory dev`: one local error class with string codes, and the JSON-RPC error
 * code the proxy answers with when a request cannot be served right now but may be retried.
 *
 * @module
 */

/** What went wrong, matched by callers instead of the message. */
export type DevErrorCode =
  /** The project folder or entry file does not exist or is not usable. */
  | 'BAD_PROJECT'
  /** esbuild reported errors; the message holds them. */
  | 'BUILD_FAILED'
  /** The server process exited or stopped answering before its handshake completed. */
  | 'START_FAILED'
  /** The server process did not answer a request the proxy sent itself within its deadline. */
  | 'CHILD_TIMEOUT'
  /** The proxy is shutting down. */
  | 'CLOSED';

/** A failure of the dev proxy, with a code to match on. */
export class DevError extends Error {
  override readonly name = 'DevError';
  constructor(
    readonly code: DevErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * JSON-RPC error code of a request the proxy could not deliver or finish because the server
 * was reloading, restarting or down: the request had no effect worth waiting for and the
 * client may send it again. Chosen in the implementation-defined server-error range.
 */
export const RELOADING_ERROR_CODE = -32050;
