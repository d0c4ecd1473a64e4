/**
 * The journal's failures. They never reach MCP clients: the journal policy swallows them (the
 * journal logs and counts them), so a full disk degrades journaling, not serving.
 *
 * @module
 */
import { ErrorCode, McpFactoryError, type McpFactoryErrorOptions } from '../errors.js';

/** What went wrong; match on this, not on the message. */
export type JournalFailure =
  | 'closed' // append or flush after close()
  | 'in_use' // the directory is already open for writing in this process
  | 'open_failed' // the directory or a segment cannot be created, read or opened
  | 'not_found' // no journal at the given path (reader, follower, replay)
  | 'unserializable' // the entry cannot be written as JSON (a BigInt, a cycle)
  | 'write_failed' // the file system refused a write or an fsync
  | 'not_recorded'; // replay: the request matches no recorded exchange

/** A failure of the journal's writer, reader or replay. */
export class JournalError extends McpFactoryError {
  override readonly name = 'JournalError';
  readonly failure: JournalFailure;

  constructor(message: string, failure: JournalFailure, options: Omit<McpFactoryErrorOptions, 'data'> = {}) {
    super(ErrorCode.Internal, message, { ...options, data: { failure } });
    this.failure = failure;
  }
}
