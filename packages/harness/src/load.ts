/**
 * `--load N --duration S --tool T`: N concurrent callers of one tool for S seconds, through the
 * official SDK client; latency percentiles, throughput and errors.
 *
 * @module
 */
import { Client, specTypeSchemas, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { HarnessError } from './errors.js';
import type { LoadSummary } from './report.js';
import type { Target } from './target.js';

/** What to load. */
export interface LoadOptions {
  readonly concurrency: number;
  readonly durationS: number;
  readonly tool: string;
  readonly args?: Record<string, unknown>;
}

/** The value at percentile `p` (0–100) of sorted `values` (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

function transportFor(target: Target): Transport {
  if (target.kind === 'http') {
    return new StreamableHTTPClientTransport(new URL(target.url), {
      requestInit: { headers: { ...target.headers } },
    });
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...target.env })) {
    if (value !== undefined) env[key] = value;
  }
  return new StdioClientTransport({
    command: target.command,
    args: [...target.args],
    env,
    stderr: 'ignore',
    ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
  });
}

/** Runs the load and summarises it; rejects with `UNKNOWN_TOOL` when the server lacks the tool. */
export async function runLoad(
  target: Target,
  options: LoadOptions,
  now: () => number = () => performance.now(),
): Promise<LoadSummary> {
  if (!(options.concurrency >= 1) || !(options.durationS > 0)) {
    throw new HarnessError('BAD_OPTION', '--load needs a concurrency ≥ 1 and a duration > 0 seconds');
  }
  const client = new Client({ name: 'mcp-factory-harness-load', version: '0.1.0' });
  await client.connect(transportFor(target));
  try {
    const { tools } = await client.listTools();
    if (!tools.some((tool) => tool.name === options.tool)) {
      throw new HarnessError(
        'UNKNOWN_TOOL',
        `the server has no tool "${options.tool}"; it lists: ${tools.map((tool) => tool.name).join(', ')}`,
      );
    }
    const latencies: number[] = [];
    let errors = 0;
    const started = now();
    const deadline = started + options.durationS * 1000;
    const worker = async (): Promise<void> => {
      while (now() < deadline) {
        const begin = now();
        try {
          // A plain request with the result schema named: `callTool` would also validate structured
          // output (the checks do that, not the load) and, without a schema, the SDK probes its
          // registry on every request (~20 µs of the client's CPU), which slows the generator.
          const result = await client.request(
            { method: 'tools/call', params: { name: options.tool, arguments: options.args ?? {} } },
            specTypeSchemas.CallToolResult,
          );
          if (result.isError === true) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(now() - begin);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const elapsedS = (now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const round = (value: number): number => Math.round(value * 100) / 100;
    return {
      tool: options.tool,
      concurrency: options.concurrency,
      durationS: round(elapsedS),
      calls: latencies.length,
      errors,
      throughputPerS: round(latencies.length / elapsedS),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
    };
  } finally {
    await client.close();
  }
}
