/**
 * The runtime's {@link Call}: one object per call, a class so that its accessors live on the
 * prototype. Its cancellation is a {@link CallAbort} (the `AbortController` is made only if
 * someone reads `controller` or the handler's signal), and the link to the client's cancellation
 * signal is made only if the call is still running at the next turn of the event loop.
 *
 * @module
 */
import type { Variables } from '@modelcontextprotocol/server';

import { atNextTurn, type NextTurnTask } from './_next-turn.js';
import { CallAbort } from './call-abort.js';
import type { AnyDefinition, CallContext } from './define.js';
import { CancelledError } from './errors.js';
import type { Logger } from './logger.js';
import type { Call } from './policies/chain.js';

/** What a {@link RuntimeCall} is built from. */
export interface RuntimeCallInit {
  readonly kind: Call['kind'];
  readonly name: string;
  readonly target: string;
  readonly definition: AnyDefinition;
  readonly args: unknown;
  readonly requestId: string;
  readonly timeoutMs: number;
  readonly abort: CallAbort;
  readonly context: CallContext;
  readonly logger: Logger;
  /** Resource URI (resources only). */
  readonly uri: URL | undefined;
  /** URI template variables (resource templates only). */
  readonly variables: Variables | undefined;
  /** Served by one of the runtime's own fronts: logs, metrics and journal may wait for the answer (`_after-answer.ts`). */
  readonly answeredOnWire?: boolean;
}

/** A call made by `createServer`'s `createCall`. */
export class RuntimeCall implements Call {
  readonly kind: Call['kind'];
  readonly name: string;
  readonly target: string;
  readonly definition: AnyDefinition;
  args: unknown;
  readonly requestId: string;
  readonly startedAt = performance.now();
  readonly timeoutMs: number;
  readonly context: CallContext;
  readonly logger: Logger;
  #attributes: Map<string, unknown> | undefined;
  /** The call's cancellation state (the deadline policy listens to it). */
  readonly abort: CallAbort;
  readonly uri: URL | undefined;
  readonly variables: Variables | undefined;
  /** See {@link RuntimeCallInit.answeredOnWire}. */
  readonly answeredOnWire: boolean;
  #link: NextTurnTask | undefined;
  #unlink: (() => void) | undefined;

  constructor(init: RuntimeCallInit) {
    this.kind = init.kind;
    this.name = init.name;
    this.target = init.target;
    this.definition = init.definition;
    this.args = init.args;
    this.requestId = init.requestId;
    this.timeoutMs = init.timeoutMs;
    this.abort = init.abort;
    this.context = init.context;
    this.logger = init.logger;
    this.uri = init.uri;
    this.variables = init.variables;
    this.answeredOnWire = init.answeredOnWire === true;
  }

  /** Made on first use: a call that succeeds usually never touches it. */
  get attributes(): Map<string, unknown> {
    this.#attributes ??= new Map();
    return this.#attributes;
  }

  /** Aborting it cancels the call; made on first use. */
  get controller(): AbortController {
    return this.abort.controller;
  }

  /**
   * Cancels the call when `signal` (the client's) aborts: at once if it already has, else from the
   * next turn of the event loop on, if the call is still running then (see `_next-turn.ts`).
   */
  followClientSignal(signal: AbortSignal): void {
    const cancel = (): void => this.abort.abort(new CancelledError('The client cancelled the request.'));
    if (signal.aborted) {
      cancel();
      return;
    }
    this.#link = atNextTurn(() => {
      if (signal.aborted) {
        cancel();
        return;
      }
      signal.addEventListener('abort', cancel, { once: true });
      this.#unlink = () => signal.removeEventListener('abort', cancel);
    });
  }

  /** Stops following the client's signal; called once the call settled. */
  release(): void {
    this.#link?.cancel();
    this.#unlink?.();
    this.#link = undefined;
    this.#unlink = undefined;
  }
}

/** The cancellation state of any {@link Call}: a {@link RuntimeCall}'s own, or one over `call.controller`. */
export function callAbortOf(call: Call): Pick<CallAbort, 'aborted' | 'reason' | 'abort' | 'onAbort'> {
  if (call instanceof RuntimeCall) return call.abort;
  const { controller } = call;
  const signal = controller.signal;
  return {
    get aborted() {
      return signal.aborted;
    },
    get reason(): unknown {
      return signal.reason as unknown;
    },
    abort: (reason?: unknown) => controller.abort(reason),
    onAbort: (listener) => signal.addEventListener('abort', () => listener(signal.reason), { once: true }),
  };
}

/** Whether `call`'s logs, metrics and journal record may be written after its answer (see `_after-answer.ts`). */
export function defersBookkeeping(call: Call): boolean {
  return call instanceof RuntimeCall && call.answeredOnWire;
}
