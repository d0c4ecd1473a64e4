/**
 * The registry's typed errors: one class, a string code per failure, and the data a caller needs
 * (the file, the server name, the stderr tail). Match on `code`, not on the message.
 *
 * @module
 */

/** What went wrong, as a stable string. */
export const RegistryErrorCode = {
  /** A server name is empty, too long, or could escape a path. */
  InvalidName: 'INVALID_NAME',
  /** A store file exists but is not valid JSON or not a registry file; it is never reset. */
  CorruptStore: 'CORRUPT_STORE',
  /** The store's lock could not be taken or the file could not be written. */
  StoreIo: 'STORE_IO',
  /** No server with that name in either store. */
  NotFound: 'NOT_FOUND',
  /** `add` of a name that already exists (without `replace`). */
  AlreadyExists: 'ALREADY_EXISTS',
  /** An entry's definition is unusable (no transport, bad URL, missing command). */
  InvalidEntry: 'INVALID_ENTRY',
  /** The server could not be started or connected to. */
  ConnectFailed: 'CONNECT_FAILED',
  /** The server answered a request with an error. */
  RequestFailed: 'REQUEST_FAILED',
  /** An export target cannot express the server (e.g. server.json of a local path). */
  NotExportable: 'NOT_EXPORTABLE',
  /** An existing target file of `export` cannot be merged into (bad JSON, wrong shape). */
  ExportTarget: 'EXPORT_TARGET',
} as const;

/** One of {@link RegistryErrorCode}'s values. */
export type RegistryErrorCode = (typeof RegistryErrorCode)[keyof typeof RegistryErrorCode];

/** Extra data of a {@link RegistryError}. */
export interface RegistryErrorData {
  readonly file?: string;
  readonly server?: string;
  /** The last lines the server wrote to stderr, when it failed to start. */
  readonly stderr?: string;
}

/** The one error class of `@mcp-factory/registry`. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly data: RegistryErrorData = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for a {@link RegistryError} (also across duplicated module copies). */
export function isRegistryError(error: unknown): error is RegistryError {
  return (
    error instanceof Error && error.name === 'RegistryError' && typeof (error as { code?: unknown }).code === 'string'
  );
}
