import { CancelledError, TimeoutError } from '../errors.js';
import type { Policy } from './chain.js';

function formatBudget(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * Enforces the call's time budget and answers as soon as the call is aborted, whether by the
 * timeout, the client's cancellation or shutdown, even if the handler ignores its signal (its late
 * result is then dropped). On timeout the handler's signal is aborted with a {@link TimeoutError}.
 */
export const deadline: Policy = (call, next) => {
  const { controller, timeoutMs } = call;
  const signal = controller.signal;
  const reasonOf = (): Error => {
    const reason: unknown = signal.reason;
    return reason instanceof Error && 'code' in reason ? reason : new CancelledError();
  };
  if (signal.aborted) return Promise.reject(reasonOf());
  return new Promise((resolve, reject) => {
    // The listener stays on the (per-call) signal after the call settles: a later abort then
    // rejects a settled promise, a no-op, and the call saves an EventTarget removal.
    signal.addEventListener('abort', () => reject(reasonOf()), { once: true });
    const timer =
      Number.isFinite(timeoutMs) && timeoutMs > 0
        ? setTimeout(() => {
            controller.abort(
              new TimeoutError(
                `"${call.name}" did not finish within its ${formatBudget(timeoutMs)} time budget and was stopped. ` +
                  'Try again, or ask for less at once.',
                { data: { timeoutMs } },
              ),
            );
          }, timeoutMs)
        : undefined;
    next().then(
      (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
};
