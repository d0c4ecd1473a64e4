/**
 * Reading replies: describe what came back, and judge an expected JSON-RPC error code.
 *
 * @module
 */
import type { Reply } from '../drivers/wire.js';
import { fail, pass, show, type Finding } from './check.js';

/** One phrase for a reply, for reasons. */
export function describeReply(reply: Reply): string {
  if (reply.kind === 'message') {
    const { message } = reply;
    if (message.error !== undefined) return `error ${String(message.error.code)} "${String(message.error.message)}"`;
    return `a result ${show(message.result, 120)}`;
  }
  if (reply.reason === 'timeout') return 'no answer (timed out)';
  if (reply.reason === 'closed') return `no answer (the connection closed${reply.body ? `: ${reply.body}` : ''})`;
  return `HTTP ${String(reply.httpStatus)} with no JSON-RPC body${reply.body ? ` (${show(reply.body, 120)})` : ''}`;
}

/** The error code of a reply, if it is an error response. */
export function errorCode(reply: Reply): number | undefined {
  if (reply.kind !== 'message' || reply.message.error === undefined) return undefined;
  const { code } = reply.message.error;
  return typeof code === 'number' ? code : undefined;
}

/** Pass when the reply is an error with `expected`, fail with what came instead. */
export function expectCode(reply: Reply, expected: number, what: string): Finding {
  const code = errorCode(reply);
  if (code === expected) return pass(`${what} answered ${expected}`);
  return fail(
    `${what} should be answered with ${expected}; got ${describeReply(reply)}`,
    reply.kind === 'message' ? show(reply.message) : undefined,
  );
}
