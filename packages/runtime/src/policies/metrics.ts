import { afterAnswer } from '../_after-answer.js';
import { ErrorCode } from '../errors.js';
import { defersBookkeeping } from '../runtime-call.js';
import { runtimeMetrics, type RuntimeMetrics } from '../observability/metrics.js';
import { CallAttribute, type Policy } from './chain.js';

/**
 * Counts every call (`mcp_tool_calls_total`), observes its duration, and counts failures by type
 * (`mcp_tool_errors_total`) and timeouts (`mcp_timeouts_total`). Sits outside the error boundary,
 * so a tool failure is seen as the `isError` result it became, with its code in the attributes.
 * On the runtime's own fronts the counts are added right after the answer (`_after-answer.ts`).
 */
export function metricsPolicy(metrics: RuntimeMetrics = runtimeMetrics()): Policy {
  return async (call, next) => {
    let failed = false;
    try {
      const outcome = await next();
      failed = 'isError' in outcome && outcome.isError === true;
      return outcome;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const seconds = (performance.now() - call.startedAt) / 1000;
      const code = failed
        ? ((call.attributes.get(CallAttribute.ErrorCode) as string | undefined) ?? ErrorCode.ToolFailed)
        : undefined;
      afterAnswer(defersBookkeeping(call), () => {
        const tool = call.name;
        metrics.toolCalls.inc({ tool, status: failed ? 'error' : 'ok' });
        metrics.toolCallDuration.observe({ tool }, seconds);
        if (code !== undefined) {
          metrics.toolErrors.inc({ tool, type: code.toLowerCase() });
          if (code === ErrorCode.Timeout) metrics.timeouts.inc({ tool });
        }
      });
    }
  };
}
