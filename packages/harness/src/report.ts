/**
 * The report model: every check yields results that pass, fail, warn or skip, each with a reason
 * and, where it helps, evidence (offending bytes, request ids, the server's answer).
 *
 * @module
 */

/** The outcome of one check result. */
export type Status = 'pass' | 'fail' | 'warn' | 'skip';

/** Groups, in report order; `--only` selects among them. */
export const GROUPS = ['lifecycle', 'listings', 'errors', 'smoke', 'http', 'conformance', 'load'] as const;

/** A group of checks. */
export type Group = (typeof GROUPS)[number];

/** One finding. */
export interface CheckResult {
  /** Stable id, e.g. `errors.parse-error` or `conformance.tools-list`. */
  readonly id: string;
  readonly group: Group;
  readonly title: string;
  readonly status: Status;
  /** Why it has that status, in one sentence. */
  readonly reason: string;
  /** What was seen: offending stdout bytes, the server's reply, mismatched ids. */
  readonly evidence?: string;
  /** Known failure listed in the baseline (its failure does not fail the run). */
  readonly baselined?: boolean;
  readonly durationMs?: number;
}

/** Numbers of a `--load` run. */
export interface LoadSummary {
  readonly tool: string;
  readonly concurrency: number;
  readonly durationS: number;
  readonly calls: number;
  readonly errors: number;
  readonly throughputPerS: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

/** A whole run. */
export interface Report {
  readonly target: string;
  readonly transport: 'stdio' | 'http';
  readonly server?: { readonly name?: string; readonly version?: string; readonly protocolVersion?: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
  /** Every stderr line the server wrote (stdio targets). */
  readonly stderr: readonly string[];
  readonly load?: LoadSummary;
}

/** Counts by status. */
export interface Totals {
  readonly pass: number;
  readonly fail: number;
  readonly warn: number;
  readonly skip: number;
}

/** Counts a report's results by status; baselined failures count as `warn`. */
export function totals(report: Pick<Report, 'results'>): Totals {
  const counts = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const result of report.results) counts[effectiveStatus(result)] += 1;
  return counts;
}

/** A result's status after the baseline: a known failure is a warning. */
export function effectiveStatus(result: CheckResult): Status {
  return result.status === 'fail' && result.baselined === true ? 'warn' : result.status;
}

/** True when no result fails (after the baseline). */
export function passed(report: Pick<Report, 'results'>): boolean {
  return totals(report).fail === 0;
}
