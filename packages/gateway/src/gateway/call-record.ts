/**
 * What the gateway records of each downstream call, whatever the mode: a journal record naming
 * the downstream (as an upstream exchange `mcp://server/tool`) and the metrics
 * `mcp_gateway_calls_total{server,tool,status}` and `mcp_gateway_call_duration_seconds{server,tool}`
 * next to the runtime's own (`mcp_tool_calls_total{tool}`), on the app's metrics registry.
 *
 * The passthrough records here directly (its calls never enter the runtime's policy chain); the
 * SDK-served modes record the gateway metrics here and leave the journal to the runtime.
 *
 * @module
 */
import { ErrorCode, type Journal, type JournalEntry, type RuntimeMetrics } from '@mcp-factory/runtime';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The gateway's own metrics (labelled by downstream server and tool). */
export interface GatewayMetrics {
  readonly calls: Counter<'server' | 'tool' | 'status'>;
  readonly duration: Histogram<'server' | 'tool'>;
}

const byRegistry = new WeakMap<Registry, GatewayMetrics>();

/** The gateway metrics on `registry` (created once per registry). */
export function gatewayMetrics(registry: Registry): GatewayMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics === undefined) {
    const registers = [registry];
    metrics = {
      calls: new Counter({
        name: 'mcp_gateway_calls_total',
        help: 'Tool calls relayed by the gateway, by downstream server, tool and outcome.',
        labelNames: ['server', 'tool', 'status'],
        registers,
      }),
      duration: new Histogram({
        name: 'mcp_gateway_call_duration_seconds',
        help: 'Duration of tool calls relayed by the gateway, by downstream server and tool.',
        labelNames: ['server', 'tool'],
        buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
        registers,
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/** One relayed `tools/call` as it ended. */
export interface RelayedCall {
  readonly server: string;
  readonly tool: string;
  readonly requestId: string;
  /** Wall clock at the start (ms since epoch). */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly status: 'ok' | 'error';
  readonly args?: unknown;
  readonly result?: unknown;
  readonly error?: { code: string; message: string };
}

/** Records relayed calls into a journal (optional) and metrics (optional). */
export class CallRecorder {
  readonly #gateway: GatewayMetrics | undefined;

  constructor(
    readonly journal: Journal | undefined,
    private readonly metrics: RuntimeMetrics | undefined,
  ) {
    this.#gateway = metrics === undefined ? undefined : gatewayMetrics(metrics.registry);
  }

  /** True when calls are journaled (then arguments and results are worth parsing). */
  get journaling(): boolean {
    return this.journal !== undefined;
  }

  /** Counts a call in the gateway metrics only (the SDK-served modes, whose journal is the runtime's). */
  count(server: string, tool: string, status: 'ok' | 'error', seconds: number): void {
    this.#gateway?.calls.inc({ server, tool, status });
    this.#gateway?.duration.observe({ server, tool }, seconds);
  }

  /** Journals and counts a call the runtime did not see (the passthrough's). */
  record(call: RelayedCall): void {
    const seconds = call.durationMs / 1000;
    this.count(call.server, call.tool, call.status, seconds);
    const metrics = this.metrics;
    if (metrics !== undefined) {
      metrics.toolCalls.inc({ tool: call.tool, status: call.status });
      metrics.toolCallDuration.observe({ tool: call.tool }, seconds);
      if (call.status === 'error')
        metrics.toolErrors.inc({ tool: call.tool, type: (call.error?.code ?? ErrorCode.ToolFailed).toLowerCase() });
    }
    if (this.journal === undefined) return;
    const durationMs = Math.round(call.durationMs * 100) / 100;
    const entry: JournalEntry = {
      method: 'tools/call',
      name: call.tool,
      requestId: call.requestId,
      durationMs,
      status: call.status,
      ...(call.args === undefined ? {} : { args: call.args }),
      ...(call.result === undefined ? {} : { result: call.result }),
      ...(call.error === undefined ? {} : { error: call.error }),
      exchanges: [
        {
          upstream: call.server,
          method: 'MCP',
          url: `mcp://${call.server}/${call.tool}`,
          status: call.error?.code === 'UNAVAILABLE' ? 'network' : 200,
          attempt: 1,
          startedAt: call.startedAt,
          durationMs,
        },
      ],
    };
    // A journal that cannot write logs and counts the loss itself; the call is unaffected.
    this.journal.append(entry).catch(() => undefined);
  }
}
