import { atNextTurn } from '../_next-turn.js';
import { CancelledError, TimeoutError } from '../errors.js';
import { callAbortOf } from '../runtime-call.js';
import type { Policy } from './chain.js';

function formatBudget(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function reasonOf(reason: unknown): Error {
  return reason instanceof Error && 'code' in reason ? reason : new CancelledError();
}

/**
 * Enforces the call's time budget and answers as soon as the call is aborted, whether by the
 * timeout, the client's cancellation or shutdown, even if the handler ignores its signal (its late
 * result is then dropped). On timeout the handler's signal is aborted with a {@link TimeoutError}.
 *
 * The timer is armed only if the call is still running at the next turn of the event loop (see
 * `_next-turn.ts`), for the time that remains of the budget: a call that finishes within the turn
 * it started in, the common case for a fast tool, never creates one.
 */
export const deadline: Policy = (call, next) => {
  const { timeoutMs } = call;
  const abort = callAbortOf(call);
  if (abort.aborted) return Promise.reject(reasonOf(abort.reason));
  return new Promise((resolve, reject) => {
    // The listener stays after the call settles: a later abort then rejects a settled promise, a no-op.
    abort.onAbort((reason) => reject(reasonOf(reason)));
    let timer: NodeJS.Timeout | undefined;
    const enteredAt = performance.now();
    const arming =
      Number.isFinite(timeoutMs) && timeoutMs > 0
        ? atNextTurn(() => {
            timer = setTimeout(
              () => {
                abort.abort(
                  new TimeoutError(
                    `"${call.name}" did not finish within its ${formatBudget(timeoutMs)} time budget and was stopped. ` +
                      'Try again, or ask for less at once.',
                    { data: { timeoutMs } },
                  ),
                );
              },
              Math.max(0, enteredAt + timeoutMs - performance.now()),
            );
          })
        : undefined;
    next().then(
      (outcome) => {
        arming?.cancel();
        clearTimeout(timer);
        resolve(outcome);
      },
      (error: unknown) => {
        arming?.cancel();
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
};
