/**
 * How far the gateway process lets V8's old space grow before a full collection. The gateway's
 * live heap is small (about 27 MB relaying 100k HTTP calls), but V8's default growth lets old
 * space fill with dead per-request objects up to about four times that before compacting it, so
 * the RSS of a busy gateway saw-toothed between about 125 and 190 MiB (no leak: every full
 * collection came back to the same 27 MB). Capping the growth at 1.5× the live size keeps the RSS
 * flat (121 MiB over 80k calls, at no loss of throughput in that run); full collections come more
 * often and stay short, since there is little to mark.
 *
 * The flag is set at run time (V8 reads it whenever it sizes the old space), because Node does not
 * accept it in NODE_OPTIONS. `MCP_GATEWAY_HEAP_GROWING_PERCENT` overrides it (0: V8's adaptive
 * default); a `--heap-growing-percent` given to node itself is left alone.
 *
 * @module
 */

/** Old space may grow to (1 + this / 100) × its live size before a full collection. */
export const GATEWAY_HEAP_GROWING_PERCENT = 50;

/**
 * The V8 flag the gateway sets for itself, or undefined when node was started with one. Throws
 * on an override that is not a whole number from 0 to 1000.
 */
export function gatewayHeapFlag(
  execArgv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return undefined;
  const override = env.MCP_GATEWAY_HEAP_GROWING_PERCENT;
  let percent = GATEWAY_HEAP_GROWING_PERCENT;
  if (override !== undefined && override !== '') {
    if (!/^\d{1,4}$/.test(override) || Number(override) > 1000)
      throw new RangeError(`MCP_GATEWAY_HEAP_GROWING_PERCENT must be a whole number from 0 to 1000, not "${override}"`);
    percent = Number(override);
  }
  return `--heap-growing-percent=${percent}`;
}
