/**
 * The policy chain: every `tools/call`, `resources/read` and `prompts/get` passes through the same
 * ordered list of small policies before it reaches its handler. A cross-cutting feature (logging,
 * timeouts, validation, and later auth, rate limits, metrics, the journal) is a policy here, never
 * a branch inside a handler.
 *
 * @module
 */
import type {
  CallToolResult,
  GetPromptResult,
  InputRequiredResult,
  ReadResourceResult,
} from '@modelcontextprotocol/server';

import type { AnyDefinition, CallContext } from '../define.js';
import type { Logger } from '../logger.js';

/** The wire result of a call, after the handler's return value was normalized. */
export type Outcome = CallToolResult | ReadResourceResult | GetPromptResult | InputRequiredResult;

/** One call on its way through the chain. Policies may replace `args` and read or write `attributes`. */
export interface Call {
  readonly kind: 'tool' | 'resource' | 'prompt';
  /** Tool, prompt or resource name. */
  readonly name: string;
  /** The resource URI for resources; the name otherwise. */
  readonly target: string;
  readonly definition: AnyDefinition;
  /** Arguments as received; the validation policy replaces them with the parsed value. */
  args: unknown;
  readonly requestId: string;
  /** `performance.now()` when the call entered the chain. */
  readonly startedAt: number;
  /** Time budget of this call in milliseconds. */
  readonly timeoutMs: number;
  /** Aborting it cancels the handler (its signal is `context.signal`). */
  readonly controller: AbortController;
  /** What the handler receives. */
  readonly context: CallContext;
  /** The server's logger (policies log with `requestId` in the line; `context.log` is bound to it). */
  readonly logger: Logger;
  /** Scratch space policies share (e.g. the error code the error boundary mapped). */
  readonly attributes: Map<string, unknown>;
}

/** Attribute keys the built-in policies set. */
export const CallAttribute = {
  /** The {@link ErrorCode} of a failed call. */
  ErrorCode: 'errorCode',
  /** The original error of a failed call (for logs only). */
  Error: 'error',
} as const;

/** A policy: do something around `next()`, or answer without calling it. */
export type Policy = (call: Call, next: () => Promise<Outcome>) => Promise<Outcome>;

/** Composes policies (outermost first) around a terminal handler into one function. */
export function composePolicies(
  policies: readonly Policy[],
  terminal: (call: Call) => Promise<Outcome>,
): (call: Call) => Promise<Outcome> {
  return (call) => {
    const dispatch = (index: number): Promise<Outcome> => {
      const policy = policies[index];
      if (policy === undefined) return terminal(call);
      let called = false;
      return policy(call, () => {
        if (called) return Promise.reject(new Error(`policy #${index} called next() twice`));
        called = true;
        return dispatch(index + 1);
      });
    };
    return dispatch(0);
  };
}
