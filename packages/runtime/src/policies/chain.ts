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
export interface Policy {
  (call: Call, next: () => Promise<Outcome>): Promise<Outcome>;
  /**
   * Optional: whether the policy has anything to do for calls of `definition`. When it returns
   * false, {@link composePolicies} leaves the policy out of the chain built for that definition
   * (it would only have called `next()`), so a call does not pay for it. Default: it applies.
   */
  readonly appliesTo?: (definition: AnyDefinition) => boolean;
}

/** Attaches an {@link Policy.appliesTo} test to `policy` (a function made for it) and returns it. */
export function withAppliesTo(policy: Policy, appliesTo: (definition: AnyDefinition) => boolean): Policy {
  return Object.assign(policy, { appliesTo });
}

/**
 * Composes policies (outermost first) around a terminal handler into one function. The steps are
 * built once, here, not per call. With `definition`, the policies whose
 * {@link Policy.appliesTo} says they have nothing to do for it are left out.
 */
export function composePolicies(
  policies: readonly Policy[],
  terminal: (call: Call) => Promise<Outcome>,
  definition?: AnyDefinition,
): (call: Call) => Promise<Outcome> {
  let step = terminal;
  for (let index = policies.length - 1; index >= 0; index--) {
    const policy = policies[index];
    if (policy === undefined) continue;
    if (definition !== undefined && policy.appliesTo?.(definition) === false) continue;
    const next = step;
    step = (call) => {
      let called = false;
      return policy(call, () => {
        if (called) return Promise.reject(new Error(`policy #${index} called next() twice`));
        called = true;
        return next(call);
      });
    };
  }
  return step;
}
