import { afterAnswer } from '../_after-answer.js';
import { isMcpFactoryError, ErrorCode } from '../errors.js';
import { defersBookkeeping } from '../runtime-call.js';
import { RuntimeCallContext } from '../call-context.js';
import type { Journal } from '../journal/journal.js';
import type { JournalEntry, RecordedError } from '../journal/record.js';
import { redactArgs } from './access-log.js';
import { CallAttribute, type Call, type Outcome, type Policy } from './chain.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How the call failed, from what the error boundary left in the attributes and what came out. */
function recordedError(call: Call, outcome: Outcome | undefined, thrown: unknown): RecordedError {
  const code =
    (call.attributes.get(CallAttribute.ErrorCode) as string | undefined) ??
    (isMcpFactoryError(thrown) ? thrown.code : thrown === undefined ? ErrorCode.ToolFailed : ErrorCode.Internal);
  const content = (outcome as { content?: { type?: string; text?: string }[] } | undefined)?.content;
  const message =
    thrown === undefined ? (content?.find((block) => block.type === 'text')?.text ?? '') : messageOf(thrown);
  const original = call.attributes.get(CallAttribute.Error);
  // An unexpected failure reaches the client as "failed unexpectedly (request id …)": keep the real reason here.
  return code === ErrorCode.Internal && original !== undefined && messageOf(original) !== message
    ? { code, message, detail: messageOf(original) }
    : { code, message };
}

/**
 * Journals every call: one record with the request id, duration, arguments (the tool's
 * `sensitive` ones redacted, then the journal's own redaction), the result or error, and the
 * upstream exchanges the handler recorded with `ctx.recordExchange`. Sits right after the metrics
 * policy, outside the error boundary, so it sees a failed tool call as the `isError` result the
 * client gets and a failed read as the error it throws.
 *
 * With fsync `always` the response waits until its record is durable, so every response a client
 * saw is in the journal after a crash. With `interval` (the default group commit) and `off` the
 * response does not wait: the record is queued in order and made durable by the next timed fsync,
 * so a crash loses at most the last interval, and calls pay no fsync latency. A journal that
 * cannot write never fails a call: it logs and counts the loss.
 */
export function journalPolicy(journal: Journal): Policy {
  return async (call, next) => {
    let outcome: Outcome | undefined;
    let thrown: unknown;
    let failed = false;
    try {
      outcome = await next();
      failed = 'isError' in outcome && outcome.isError === true;
      return outcome;
    } catch (error) {
      failed = true;
      thrown = error;
      throw error;
    } finally {
      const durationMs = Math.round((performance.now() - call.startedAt) * 100) / 100;
      // Read now: the error boundary's attributes and the call's args as they are at the end.
      const error = failed ? recordedError(call, outcome, thrown) : undefined;
      const entryOf = (): JournalEntry => {
        const definition = call.definition;
        const context = call.context;
        // Built field by field, in the record's order (spreads of optional parts cost a copy each).
        const status = failed ? 'error' : 'ok';
        const { requestId } = call;
        const entry: Writable<JournalEntry> =
          call.kind === 'resource'
            ? { method: context.method, name: call.name, uri: call.target, requestId, durationMs, status }
            : { method: context.method, name: call.name, requestId, durationMs, status };
        if (call.kind !== 'resource') {
          const args = redactArgs(call.args, definition.kind === 'tool' ? definition.sensitive : undefined);
          if (args !== undefined) entry.args = args;
        }
        if (outcome !== undefined) entry.result = outcome;
        if (error !== undefined) entry.error = error;
        const exchanges = context instanceof RuntimeCallContext ? context.exchanges : [];
        if (exchanges.length > 0) entry.exchanges = exchanges;
        return entry;
      };
      // `always`: the answer waits until its record is durable. Otherwise the record is queued,
      // on the runtime's own fronts right after the answer (`_after-answer.ts`). Either way the
      // journal logged and counted a failed append; the call itself is unaffected.
      if (journal.fsync === 'always') await journal.append(entryOf()).catch(() => undefined);
      else afterAnswer(defersBookkeeping(call), () => journal.record(entryOf()));
    }
  };
}
