/**
 * A bound on the requests in flight to one upstream, with a bounded FIFO queue.
 *
 * Not cockatiel's `BulkheadPolicy`: a request queued there cannot leave on its caller's abort or
 * deadline; it keeps its queue slot and its caller waits until a running request finishes. Here a
 * waiter leaves the queue as soon as its signal aborts or its deadline passes, and the fast path
 * (a free slot) allocates nothing.
 *
 * @module
 */

interface Waiter {
  grant(): void;
}

/** Why {@link Bulkhead.wait} gave up without a slot (the caller's abort rejects with its reason instead). */
export class QueueDeadlineError extends Error {
  override readonly name = 'QueueDeadlineError';
}

/** Slots for concurrent requests. */
export class Bulkhead {
  readonly maxConcurrent: number;
  readonly queueSize: number;
  #active = 0;
  readonly #queue: Waiter[] = [];

  constructor(maxConcurrent: number, queueSize: number) {
    this.maxConcurrent = maxConcurrent;
    this.queueSize = queueSize;
  }

  /** Requests holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for one. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Takes a free slot if there is one. */
  tryAcquire(): boolean {
    if (this.#active >= this.maxConcurrent) return false;
    this.#active += 1;
    return true;
  }

  /** True when a request that found no free slot would also find no room in the queue. */
  get full(): boolean {
    return this.#queue.length >= this.queueSize;
  }

  /**
   * Waits in the queue for a slot (call after {@link tryAcquire} failed and {@link full} is false).
   * Resolves holding the slot; rejects with the signal's reason when it aborts, or with
   * a {@link QueueDeadlineError} when `deadline` (epoch ms) passes first. Either way the waiter leaves.
   */
  wait(signal: AbortSignal | undefined, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = (): void => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        leave();
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const waiter: Waiter = {
        grant: () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      if (signal?.aborted === true) {
        onAbort();
        return;
      }
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(deadline)) {
        timer = setTimeout(
          () => {
            leave();
            reject(new QueueDeadlineError('deadline passed while queued'));
          },
          Math.max(0, deadline - Date.now()),
        );
        timer.unref();
      }
    });
  }

  /** Gives a slot back: the oldest waiter takes it over, or it becomes free. */
  release(): void {
    const next = this.#queue.shift();
    if (next === undefined) this.#active -= 1;
    else next.grant();
  }
}
