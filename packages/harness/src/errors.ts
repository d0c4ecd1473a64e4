/**
 * Errors of the harness itself (not findings about the server under test, which are check results).
 *
 * @module
 */

/** What went wrong, to match on. */
export type HarnessErrorCode =
  | 'SPAWN_FAILED'
  | 'NOT_CONNECTED'
  | 'NOT_REACHABLE'
  | 'BAD_BASELINE'
  | 'BAD_OPTION'
  | 'CONFORMANCE_FAILED'
  | 'UNKNOWN_TOOL';

/** A failure of the harness run (the server could not be reached, a baseline file is unreadable…). */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  constructor(
    readonly code: HarnessErrorCode,
    message: string,
  ) {
    super(message);
  }
}
