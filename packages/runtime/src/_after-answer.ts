/**
 * Bookkeeping that can wait until a call's answer is on the wire. The access log line, the metrics
 * and the journal record of a call are written in the chain's `finally` blocks, which run before
 * the SDK serializes and sends the response: on a small call they are a good part of the round
 * trip. For calls served by the runtime's own fronts (stdio, the shared-stateless HTTP path) the
 * policies measure what they record at once (duration, outcome, error code) and hand the writing
 * to {@link afterAnswer}, which runs it in the `process.nextTick` queue: after the current run of
 * promise callbacks, in which the SDK sends the response, behind the tick in which the stdio
 * transport uncorks its output (see {@link afterAnswer}), and before the process handles any other
 * I/O, so nothing else the server does can see a call whose bookkeeping is missing.
 *
 * Calls made any other way (`app.dispatch`, `invokeTool`, in-memory SDK transports, where the
 * caller may read the metrics in the very next promise callback) keep doing it inline.
 *
 * @module
 */

import type { McpRequestContext } from '@modelcontextprotocol/server';

/** Marks the context handed to `McpApp.factory` by a front whose calls may defer their bookkeeping. */
export const ANSWERED_ON_WIRE = Symbol('mcp-factory.answeredOnWire');

/** `context`, marked as coming from one of the runtime's own fronts. */
export function onWire(context: McpRequestContext): McpRequestContext {
  return Object.assign({ ...context }, { [ANSWERED_ON_WIRE]: true });
}

/** Whether `context` was marked by {@link onWire}. */
export function isOnWire(context: McpRequestContext): boolean {
  return (context as { [ANSWERED_ON_WIRE]?: boolean })[ANSWERED_ON_WIRE] === true;
}

let queue: (() => void)[] = [];
let scheduled = false;

/** Runs what is queued now (also at shutdown, before the journal closes). */
export function flushAfterAnswer(): void {
  while (queue.length > 0) {
    const work = queue;
    queue = [];
    for (const item of work) {
      try {
        item();
      } catch (error) {
        // Logging, counting and journaling never fail a call; one failing must not skip the others.
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'McpFactoryAfterAnswer');
      }
    }
  }
  scheduled = false;
}

/** Runs `work` after the answer when `deferred`, else at once. */
export function afterAnswer(deferred: boolean, work: () => void): void {
  if (!deferred) {
    work();
    return;
  }
  queue.push(work);
  if (!scheduled) {
    scheduled = true;
    process.nextTick(behindTheWrites);
  }
}

/**
 * One hop more. The policies queue their work when the chain settles, before the SDK sends the
 * answer; the stdio transport then corks its output and uncorks it in a tick of its own, queued
 * after this one. Flushing here would put the bookkeeping before the answer's write; re-queueing
 * puts it behind every tick queued meanwhile, that write among them.
 */
function behindTheWrites(): void {
  process.nextTick(flushAfterAnswer);
}
