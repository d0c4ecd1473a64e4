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
  return new Promise((resolve, reject) => {
    const signal = controller.signal;
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      reject(reason instanceof Error && 'code' in reason ? reason : new CancelledError());
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
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
    signal.addEventListener('abort', onAbort, { once: true });
    next()
      .then(resolve, reject)
      .finally(() => {
        if (timer !== undefined) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      });
  });
};
