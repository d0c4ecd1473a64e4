import { afterAnswer } from '../_after-answer.js';
import { ErrorCode } from '../errors.js';
import { defersBookkeeping } from '../runtime-call.js';
import { CallAttribute, type Policy } from './chain.js';

/** Replaces the values of `sensitive` keys with `[redacted]` (one level deep, which is where tool arguments live). */
export function redactArgs(args: unknown, sensitive: readonly string[] | undefined): unknown {
  if (sensitive === undefined || sensitive.length === 0) return args;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return args;
  return Object.fromEntries(
    Object.entries(args as Record<string, unknown>).map(([key, value]) => [
      key,
      sensitive.includes(key) ? '[redacted]' : value,
    ]),
  );
}

/**
 * Writes one structured line per call to stderr: request id, method, name, duration and outcome.
 * Arguments are logged at `debug` level only, with the tool's `sensitive` arguments redacted.
 * Unexpected failures are logged at `error` with their stack; expected ones (validation, tool
 * errors, timeouts) at `warn`. On the runtime's own fronts the line is written right after the
 * answer (`_after-answer.ts`), with the duration measured here.
 */
export const accessLog: Policy = async (call, next) => {
  const log = call.logger;
  if (log.isLevelEnabled('debug')) {
    const args = redactArgs(call.args, call.definition.kind === 'tool' ? call.definition.sensitive : undefined);
    log.debug({ requestId: call.requestId, args }, 'call started');
  }
  let failed = false;
  try {
    const outcome = await next();
    failed = 'isError' in outcome && outcome.isError === true;
    return outcome;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const durationMs = Math.round((performance.now() - call.startedAt) * 100) / 100;
    const code = call.attributes.get(CallAttribute.ErrorCode) as string | undefined;
    afterAnswer(defersBookkeeping(call), () => {
      const line = {
        requestId: call.requestId,
        method: call.context.method,
        name: call.name,
        durationMs,
        status: failed ? 'error' : 'ok',
      };
      if (!failed) log.info(line, 'call finished');
      else if (code === ErrorCode.Internal)
        log.error({ ...line, code, err: call.attributes.get(CallAttribute.Error) }, 'call failed');
      else
        log.warn(
          { ...line, code: code ?? ErrorCode.ToolFailed, reason: errorText(call.attributes.get(CallAttribute.Error)) },
          'call failed',
        );
    });
  }
};

function errorText(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined;
}
