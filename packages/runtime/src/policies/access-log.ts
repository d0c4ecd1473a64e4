import { afterAnswer } from '../_after-answer.js';
import { ErrorCode } from '../errors.js';
import { defersBookkeeping } from '../runtime-call.js';
import { CallAttribute, type Call, type Outcome, type Policy } from './chain.js';

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

function errorText(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined;
}

function isErrorOutcome(outcome: Outcome): boolean {
  return 'isError' in outcome && outcome.isError === true;
}

/** Writes the line of a finished call (right after its answer on the runtime's own fronts). */
function logFinished(call: Call, failed: boolean): void {
  const durationMs = Math.round((performance.now() - call.startedAt) * 100) / 100;
  const code = call.attributes.get(CallAttribute.ErrorCode) as string | undefined;
  const log = call.logger;
  afterAnswer(defersBookkeeping(call), () => {
    const line = {
      requestId: call.requestId,
      method: call.context.method,
      name: call.name,
      durationMs,
      status: failed ? 'error' : 'ok',
    };
    if (!failed) log.debug(line, 'call finished');
    else if (code === ErrorCode.Internal)
      log.error({ ...line, code, err: call.attributes.get(CallAttribute.Error) }, 'call failed');
    else
      log.warn(
        { ...line, code: code ?? ErrorCode.ToolFailed, reason: errorText(call.attributes.get(CallAttribute.Error)) },
        'call failed',
      );
  });
}

/**
 * The access log on stderr. A failed call always gets its line: unexpected failures at `error`
 * with their stack, expected ones (validation, tool errors, timeouts) at `warn`, each with the
 * request id, method, name, duration, status and error code. A successful call is logged at
 * `debug` only (`call started` with its arguments, the tool's `sensitive` ones redacted, then
 * `call finished`): at `info` the journal and the metrics already record every call, and a line
 * per call cost a fast call a sixth of its CPU time. On the runtime's own fronts the line is
 * written right after the answer (`_after-answer.ts`), with the duration measured here.
 */
export const accessLog: Policy = (call, next) => {
  const log = call.logger;
  if (log.isLevelEnabled('debug')) {
    const args = redactArgs(call.args, call.definition.kind === 'tool' ? call.definition.sensitive : undefined);
    log.debug({ requestId: call.requestId, args }, 'call started');
    return next().then(
      (outcome) => {
        logFinished(call, isErrorOutcome(outcome));
        return outcome;
      },
      (error: unknown) => {
        logFinished(call, true);
        throw error;
      },
    );
  }
  return next().then(
    (outcome) => {
      if (isErrorOutcome(outcome)) logFinished(call, true);
      return outcome;
    },
    (error: unknown) => {
      logFinished(call, true);
      throw error;
    },
  );
};
