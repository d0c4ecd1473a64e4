/**
 * Readiness checks: components that can make the server unable to serve (an upstream whose circuit
 * is open, a journal that cannot write) register a check here; `/readyz` reports them all. One
 * registry per process, like the metrics.
 *
 * @module
 */

/** What one check reports. */
export interface HealthStatus {
  readonly ready: boolean;
  /** Short, secret-free detail, e.g. `circuit open` or `journal not writable`. */
  readonly detail?: string;
}

/** A named readiness check; it must be cheap (it runs on every `/readyz`). */
export type HealthCheck = () => HealthStatus | Promise<HealthStatus>;

/** The readiness of the process. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, HealthStatus>>;
}

/** A set of named readiness checks. */
export class HealthRegistry {
  readonly #checks = new Map<string, HealthCheck>();

  /** Registers `check` under `name` (replacing one of the same name); returns how to remove it. */
  register(name: string, check: HealthCheck): () => void {
    this.#checks.set(name, check);
    return () => {
      if (this.#checks.get(name) === check) this.#checks.delete(name);
    };
  }

  /** Runs every check; a check that throws counts as not ready. */
  async check(): Promise<Readiness> {
    const checks: Record<string, HealthStatus> = {};
    await Promise.all(
      [...this.#checks].map(async ([name, check]) => {
        try {
          checks[name] = await check();
        } catch (error) {
          checks[name] = { ready: false, detail: error instanceof Error ? error.message : 'check failed' };
        }
      }),
    );
    return { ready: Object.values(checks).every((status) => status.ready), checks };
  }
}

let health: HealthRegistry | undefined;

/** The process's readiness checks. */
export function runtimeHealth(): HealthRegistry {
  health ??= new HealthRegistry();
  return health;
}
