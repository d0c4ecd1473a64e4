/**
 * The runtime's Prometheus metrics, on a registry of its own (so a server that also uses
 * prom-client's global registry does not clash). One set per process: every app, upstream client,
 * journal and rate limiter of the process reports into it, and `/metrics` serves it.
 *
 * @module
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Circuit breaker states as `mcp_circuit_state` reports them. */
export const CIRCUIT_STATE = { closed: 0, halfOpen: 1, open: 2, isolated: 3 } as const;

/** Every metric the runtime reports. */
export interface RuntimeMetrics {
  readonly registry: Registry;
  /** `tools/call`, `resources/read` and `prompts/get` calls by name and outcome (`ok` | `error`). */
  readonly toolCalls: Counter<'tool' | 'status'>;
  readonly toolCallDuration: Histogram<'tool'>;
  /** Failed calls by name and error type (the runtime's error code, lower-cased). */
  readonly toolErrors: Counter<'tool' | 'type'>;
  readonly timeouts: Counter<'tool'>;
  /** Upstream HTTP exchanges by upstream and status (`200`, `503`, … or `network`, `timeout`). */
  readonly upstreamRequests: Counter<'upstream' | 'status'>;
  readonly upstreamRetries: Counter<'upstream'>;
  /** 0 closed, 1 half-open, 2 open, 3 isolated, per upstream. */
  readonly circuitState: Gauge<'upstream'>;
  readonly cacheHits: Counter<'upstream'>;
  readonly cacheMisses: Counter<'upstream'>;
  /** Requests refused by a rate limit, by where (`http`, `tool`). */
  readonly rateLimited: Counter<'scope'>;
  /** Journal records written and failed writes. */
  readonly journalRecords: Counter<'result'>;
}

let metrics: RuntimeMetrics | undefined;

/** The process's runtime metrics (created on first use). */
export function runtimeMetrics(): RuntimeMetrics {
  metrics ??= createRuntimeMetrics();
  return metrics;
}

/** Builds a fresh set of metrics on a new registry (tests use their own). */
export function createRuntimeMetrics(options: { defaultMetrics?: boolean } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'mcp_process_' });
  const registers = [registry];
  return {
    registry,
    toolCalls: new Counter({
      name: 'mcp_tool_calls_total',
      help: 'Tool calls, resource reads and prompt gets, by name and outcome.',
      labelNames: ['tool', 'status'],
      registers,
    }),
    toolCallDuration: new Histogram({
      name: 'mcp_tool_call_duration_seconds',
      help: 'Duration of tool calls, resource reads and prompt gets.',
      labelNames: ['tool'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    toolErrors: new Counter({
      name: 'mcp_tool_errors_total',
      help: 'Failed calls by name and error type.',
      labelNames: ['tool', 'type'],
      registers,
    }),
    timeouts: new Counter({
      name: 'mcp_timeouts_total',
      help: 'Calls stopped at their time budget.',
      labelNames: ['tool'],
      registers,
    }),
    upstreamRequests: new Counter({
      name: 'mcp_upstream_requests_total',
      help: 'HTTP exchanges with upstream APIs, by upstream and status.',
      labelNames: ['upstream', 'status'],
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'mcp_upstream_retries_total',
      help: 'Upstream requests retried after a transient failure.',
      labelNames: ['upstream'],
      registers,
    }),
    circuitState: new Gauge({
      name: 'mcp_circuit_state',
      help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open, 3 isolated.',
      labelNames: ['upstream'],
      registers,
    }),
    cacheHits: new Counter({
      name: 'mcp_cache_hits_total',
      help: 'Upstream responses served from the cache.',
      labelNames: ['upstream'],
      registers,
    }),
    cacheMisses: new Counter({
      name: 'mcp_cache_misses_total',
      help: 'Cacheable upstream requests not found in the cache.',
      labelNames: ['upstream'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'mcp_rate_limited_total',
      help: 'Requests refused by a rate limit.',
      labelNames: ['scope'],
      registers,
    }),
    journalRecords: new Counter({
      name: 'mcp_journal_records_total',
      help: 'Journal records written (ok) and lost to a failed write (error).',
      labelNames: ['result'],
      registers,
    }),
  };
}
