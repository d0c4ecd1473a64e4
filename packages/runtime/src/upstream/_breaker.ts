/**
 * The circuit breaker of one upstream: cockatiel's `CircuitBreakerPolicy` (built once per client)
 * with a consecutive-failures breaker, optionally combined with a sampled failure rate.
 *
 * Two things are added around cockatiel. While the circuit is open, or half-open with its one probe
 * in flight, {@link UpstreamBreaker.admit} refuses at once: cockatiel would make callers wait for
 * the probe, which can take a whole timeout. And {@link UpstreamBreaker.state} reports an open
 * circuit whose cooldown has passed as half-open: cockatiel only moves on at the next call, and a
 * readiness check that kept saying "open" would keep traffic (and so the probe) away for good.
 *
 * @module
 */
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhenResult,
  SamplingBreaker,
  type CircuitBreakerPolicy,
  type IBreaker,
} from 'cockatiel';

import type { CircuitStatus } from './client.js';
import type { UpstreamBreakerSettings } from './config.js';

/** What an attempt reports to the breaker: `fault` marks a failure of the upstream. */
export interface BreakerOutcome {
  readonly fault: boolean;
}

/** Opens when any of its breakers says so; every breaker sees every result. */
class AnyBreaker implements IBreaker {
  readonly #breakers: IBreaker[];
  constructor(breakers: IBreaker[]) {
    this.#breakers = breakers;
  }
  get state(): unknown {
    return this.#breakers.map((breaker) => breaker.state);
  }
  set state(value: unknown) {
    if (!Array.isArray(value)) return;
    const states: unknown[] = value;
    this.#breakers.forEach((breaker, index) => (breaker.state = states[index]));
  }
  success(state: CircuitState): void {
    for (const breaker of this.#breakers) breaker.success(state);
  }
  failure(state: CircuitState): boolean {
    let open = false;
    for (const breaker of this.#breakers) open = breaker.failure(state) || open;
    return open;
  }
}

/** Why {@link UpstreamBreaker.admit} refused a request. */
export interface Refusal {
  /** Milliseconds until a probe may go, or `undefined` while a probe is in flight. */
  readonly retryInMs: number | undefined;
}

/** The breaker of one upstream. */
export class UpstreamBreaker {
  readonly cooldownMs: number;
  readonly #policy: CircuitBreakerPolicy;
  #openedAt = 0;

  /** `onChange` hears every state change (for the `mcp_circuit_state` gauge and logs). */
  constructor(settings: UpstreamBreakerSettings, onChange: (status: CircuitStatus) => void) {
    this.cooldownMs = settings.cooldownMs;
    const breakers: IBreaker[] = [];
    if (settings.threshold > 0) breakers.push(new ConsecutiveBreaker(settings.threshold));
    if (settings.failureRate !== undefined) {
      breakers.push(
        new SamplingBreaker({
          threshold: settings.failureRate,
          duration: settings.windowMs,
          minimumRps: settings.minimumRps,
        }),
      );
    }
    this.#policy = circuitBreaker(
      handleWhenResult((outcome) => (outcome as BreakerOutcome).fault),
      {
        halfOpenAfter: settings.cooldownMs,
        breaker: (breakers.length === 1 ? breakers[0] : undefined) ?? new AnyBreaker(breakers),
      },
    );
    this.#policy.onStateChange((state) => {
      if (state === CircuitState.Open) this.#openedAt = Date.now();
      onChange(statusOf(state));
    });
  }

  /** The circuit now; an open one past its cooldown reads as half-open (the next call probes). */
  get state(): CircuitStatus {
    const state = this.#policy.state;
    if (state === CircuitState.Open && Date.now() - this.#openedAt >= this.cooldownMs) return 'half-open';
    return statusOf(state);
  }

  /** What the last counted failure was (an attempt outcome), for messages. */
  get lastFailure(): unknown {
    const failure = this.#policy.lastFailure;
    return failure !== undefined && 'value' in failure ? failure.value : undefined;
  }

  /**
   * Decides whether a request may be sent: `undefined` when it may (then `probe` says whether it
   * is the one half-open probe), or the refusal. Call {@link execute} right after, with no `await`
   * in between, so that no other request slips in as a second probe.
   */
  admit(): { refusal: Refusal; probe?: undefined } | { refusal?: undefined; probe: boolean } {
    const state = this.#policy.state;
    if (state === CircuitState.Closed) return { probe: false };
    if (state === CircuitState.Open) {
      const left = this.cooldownMs - (Date.now() - this.#openedAt);
      return left > 0 ? { refusal: { retryInMs: left } } : { probe: true };
    }
    return { refusal: { retryInMs: undefined } };
  }

  /** Runs one attempt through the breaker; outcomes with `fault` count as failures. */
  execute<T extends BreakerOutcome>(attempt: () => Promise<T>): Promise<T> {
    return this.#policy.execute(attempt);
  }
}

function statusOf(state: CircuitState): CircuitStatus {
  if (state === CircuitState.Closed) return 'closed';
  if (state === CircuitState.HalfOpen) return 'half-open';
  return 'open';
}
