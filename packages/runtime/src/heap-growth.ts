/**
 * How far a long-running server lets V8's old space grow before a full collection. A busy MCP
 * server's live heap is small and steady, but V8's adaptive default lets old space fill with dead
 * per-request objects up to about four times the live size before compacting it: the runtime's
 * stateless HTTP server saw-toothed between about 125 and 172 MiB over 40k calls, the gateway
 * between 125 and 190 MiB (no leak: every full collection came back to the same live size).
 * Capping the growth at 1.5× the live size keeps the RSS flat (the same HTTP server: 118–123 MiB,
 * a range of 1–2%), at a CPU cost within the noise of an A/B run (+0–4% per request); full
 * collections come more often and stay short, since there is little to mark.
 *
 * The flag is set at run time (V8 reads it whenever it sizes the old space) because Node does not
 * accept it in NODE_OPTIONS. A `--heap-growing-percent` given to node itself is left alone.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';

import { ConfigError } from './errors.js';

/** Old space may grow to (1 + this / 100) × its live size before a full collection. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

/** The variable a runtime server reads its override from. */
export const HEAP_GROWING_PERCENT_VARIABLE = 'MCP_HEAP_GROWING_PERCENT';

/**
 * The V8 flag to set, or undefined when node was started with one. `variable` names the override
 * (a whole number from 0 to 1000; 0 gives V8's adaptive default). Throws a {@link ConfigError} on
 * any other value.
 */
export function heapGrowingFlag(
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  variable: string = HEAP_GROWING_PERCENT_VARIABLE,
): string | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return undefined;
  const override = env[variable];
  let percent = DEFAULT_HEAP_GROWING_PERCENT;
  if (override !== undefined && override !== '') {
    if (!/^\d{1,4}$/.test(override) || Number(override) > 1000)
      throw new ConfigError(`${variable} must be a whole number from 0 to 1000, not ${JSON.stringify(override)}.`);
    percent = Number(override);
  }
  return `--heap-growing-percent=${percent}`;
}

/**
 * Sets the flag {@link heapGrowingFlag} gives for this process; returns the percentage in force
 * (undefined when node's own command line set it). `setFlags` is for tests.
 */
export function capHeapGrowth(
  env: Readonly<Record<string, string | undefined>> = process.env,
  variable: string = HEAP_GROWING_PERCENT_VARIABLE,
  setFlags: (flag: string) => void = setFlagsFromString,
): number | undefined {
  const flag = heapGrowingFlag(process.execArgv, env, variable);
  if (flag === undefined) return undefined;
  setFlags(flag);
  return Number(flag.slice(flag.indexOf('=') + 1));
}
