/**
 * The cancellation state of one call: what an `AbortController` per call gave, without making one
 * for the calls nobody cancels and whose handler never reads its signal. Building an
 * `AbortSignal` costs Node 20 several microseconds and a good share of a small call's garbage, so
 * the controller is made only when something asks for it ({@link CallAbort.signal},
 * `call.controller`); until then an abort is a field and a callback.
 *
 * @module
 */

/** The reason an `AbortController` gives an abort without one. */
function defaultReason(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

/** A call's cancellation: aborted once, by the deadline, the client, shutdown or a policy. */
export class CallAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;
  #listeners: ((reason: unknown) => void)[] | undefined;

  /** Whether the call was aborted. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why, once aborted. */
  get reason(): unknown {
    return this.#reason;
  }

  /** The controller behind {@link signal}, made on first use (already aborted if the call is). */
  get controller(): AbortController {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.#aborted) controller.abort(this.#reason);
      // Someone holding the controller may abort it directly: that is this call's abort too.
      else controller.signal.addEventListener('abort', () => this.#settle(controller.signal.reason), { once: true });
    }
    return this.#controller;
  }

  /** The handler's signal (`ctx.signal`). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the call with `reason` (an `AbortError` when omitted); later aborts are ignored. */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    const why = reason === undefined ? defaultReason() : reason;
    if (this.#controller !== undefined) this.#controller.abort(why);
    else this.#settle(why);
  }

  /** Calls `listener` once, on abort (at once if already aborted). */
  onAbort(listener: (reason: unknown) => void): void {
    if (this.#aborted) listener(this.#reason);
    else (this.#listeners ??= []).push(listener);
  }

  #settle(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener(reason);
  }
}
