/**
 * The gateway's typed errors: one class, a string code per failure, and the data a caller needs.
 *
 * @module
 */

/** Why a gateway operation failed. Match on these, never on messages. */
export const GatewayErrorCode = {
  /** The client config file is missing, unreadable or malformed. */
  ConfigInvalid: 'GATEWAY_CONFIG_INVALID',
  /** No server of that name is configured. */
  UnknownServer: 'GATEWAY_UNKNOWN_SERVER',
  /** The server exists but has no such tool (or it is hidden by a deny list). */
  UnknownTool: 'GATEWAY_UNKNOWN_TOOL',
  /** The server or tool is excluded by the allow/deny lists. */
  Denied: 'GATEWAY_DENIED',
  /** The downstream could not be started or connected to. */
  StartFailed: 'GATEWAY_START_FAILED',
  /** The downstream did not answer within the call's deadline. */
  Timeout: 'GATEWAY_TIMEOUT',
  /** The downstream is not available: given up on after repeated crashes, stopped on purpose during the request, or the request was cancelled. */
  Unavailable: 'GATEWAY_UNAVAILABLE',
  /** The downstream exited while the request was in flight: it may or may not have acted on it. */
  ServerExited: 'GATEWAY_SERVER_EXITED',
  /** `install_server` refused the source (a flag, a path escape, an unsupported form). */
  SourceRefused: 'GATEWAY_SOURCE_REFUSED',
  /** Installing the package or repository failed. */
  InstallFailed: 'GATEWAY_INSTALL_FAILED',
  /** An installed server's tools no longer match the hash pinned at install time. */
  PinMismatch: 'GATEWAY_PIN_MISMATCH',
  /** The options are inconsistent (e.g. `--expose direct` with several servers). */
  Usage: 'GATEWAY_USAGE',
  /** A word-vectors file (the search's re-ranking data) is damaged or of another format. */
  WordVectorsInvalid: 'GATEWAY_WORD_VECTORS_INVALID',
} as const;

/** One of {@link GatewayErrorCode}'s values. */
export type GatewayErrorCode = (typeof GatewayErrorCode)[keyof typeof GatewayErrorCode];

/** A gateway failure with its {@link GatewayErrorCode} and, when known, the server concerned. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    readonly server?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for a {@link GatewayError}, optionally of one code. */
export function isGatewayError(error: unknown, code?: GatewayErrorCode): error is GatewayError {
  return error instanceof GatewayError && (code === undefined || error.code === code);
}
