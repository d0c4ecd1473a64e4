/**
 * Work that matters only for calls still running at the next turn of the event loop. Most calls
 * finish within the turn they started in (a handler without I/O, a cache hit): they need no
 * deadline timer and no listener on the client's cancellation signal, both of which cost
 * microseconds per call and garbage for the collector. A call registers the work instead; one
 * `setImmediate` per turn, shared by every call of that turn, runs what the calls that are still
 * running registered, and a call that settled first cancels its own.
 *
 * Nothing is lost by waiting: a client's cancellation and a timer can only act through the event
 * loop, so one that arrives before the work ran is seen when it runs (the work checks `aborted`
 * first), and a timer armed then is armed for the time that remains, not a new budget.
 *
 * @module
 */

/** Registered work; `cancel()` it once it is no longer needed (idempotent, also after it ran). */
export interface NextTurnTask {
  cancel(): void;
}

class Task implements NextTurnTask {
  cancelled = false;
  constructor(readonly run: () => void) {}
  cancel(): void {
    this.cancelled = true;
  }
}

let queue: Task[] = [];
let scheduled = false;
/** Queue length at which cancelled tasks are dropped before the turn ends (a long run of microtasks). */
let compactAt = 1024;

function runQueue(): void {
  const tasks = queue;
  queue = [];
  scheduled = false;
  compactAt = 1024;
  for (const task of tasks) {
    if (task.cancelled) continue;
    task.cancelled = true;
    try {
      task.run();
    } catch (error) {
      // The tasks are the runtime's own bookkeeping; one failing must not skip the others.
      process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'McpFactoryNextTurn');
    }
  }
}

/** Runs `run` at the next turn of the event loop (the check phase), unless cancelled before. */
export function atNextTurn(run: () => void): NextTurnTask {
  const task = new Task(run);
  queue.push(task);
  if (queue.length >= compactAt) {
    // Calls that run back to back without the event loop turning (awaits of settled promises only)
    // would otherwise keep every settled call alive until the turn ends.
    queue = queue.filter((queued) => !queued.cancelled);
    compactAt = Math.max(1024, queue.length * 2);
  }
  if (!scheduled) {
    scheduled = true;
    setImmediate(runQueue);
  }
  return task;
}
