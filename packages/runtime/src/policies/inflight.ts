import { CancelledError } from '../errors.js';
import type { Call, Policy } from './chain.js';

/**
 * Tracks calls in flight so that shutdown can let them finish within a bound and cancel the rest.
 * Once draining has started, new calls are refused with a {@link CancelledError}.
 */
export class InflightRegistry {
  readonly #calls = new Set<Call>();
  readonly #idle = new Set<() => void>();
  #draining = false;

  /** Number of calls in flight. */
  get size(): number {
    return this.#calls.size;
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** The policy that registers each call for its lifetime. */
  readonly policy: Policy = async (call, next) => {
    if (this.#draining)
      throw new CancelledError('The server is shutting down and accepts no new calls; retry on a new connection.');
    this.#calls.add(call);
    try {
      return await next();
    } finally {
      this.#calls.delete(call);
      if (this.#calls.size === 0) for (const wake of this.#idle) wake();
    }
  };

  /**
   * Stops accepting calls, waits up to `graceMs` for the ones in flight, then aborts the rest with
   * a {@link CancelledError} and waits up to `abortWaitMs` for them to settle.
   * Resolves with how many finished on their own and how many were cancelled.
   */
  async drain(graceMs: number, abortWaitMs = 1000): Promise<{ finished: number; cancelled: number }> {
    this.#draining = true;
    const initial = this.#calls.size;
    await this.#waitIdle(graceMs);
    const cancelled = this.#calls.size;
    for (const call of this.#calls)
      call.controller.abort(new CancelledError('The server is shutting down; the call was cancelled.'));
    await this.#waitIdle(abortWaitMs);
    return { finished: initial - cancelled, cancelled };
  }

  #waitIdle(ms: number): Promise<void> {
    if (this.#calls.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#idle.add(done);
    });
  }
}
