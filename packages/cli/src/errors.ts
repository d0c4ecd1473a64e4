/**
 * Errors of the command line. A `CliError` is a usage problem (exit 2); anything else that
 * escapes a command is a failure (exit 1).
 *
 * @module
 */

/** Bad command-line usage: unknown flag, missing argument, conflicting options. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code = 'USAGE' as const;
}
