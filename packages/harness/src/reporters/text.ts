/**
 * The readable report: results grouped, one line each with its reason, evidence indented, the
 * server's stderr tail, load numbers and totals.
 *
 * @module
 */
import { effectiveStatus, GROUPS, totals, type CheckResult, type Report } from '../report.js';

const MARK = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' } as const;

function line(result: CheckResult): string {
  const status = effectiveStatus(result);
  const known = result.baselined === true ? ' (baseline)' : '';
  const head = `  ${MARK[status]}  ${result.title}${known} — ${result.reason}`;
  if (result.evidence === undefined || status === 'pass') return head;
  const evidence = result.evidence
    .split('\n')
    .slice(0, 10)
    .map((text) => `        | ${text}`)
    .join('\n');
  return `${head}\n${evidence}`;
}

/** Formats a report for a terminal. */
export function formatText(report: Report, options: { stderrLines?: number } = {}): string {
  const out: string[] = [];
  const server =
    report.server === undefined
      ? ''
      : ` — ${report.server.name ?? '?'} ${report.server.version ?? ''} (protocol ${report.server.protocolVersion ?? '?'})`;
  out.push(`mcp-factory test: ${report.target} [${report.transport}]${server}`);
  for (const group of GROUPS) {
    const results = report.results.filter((result) => result.group === group);
    if (results.length === 0) continue;
    out.push('', group);
    out.push(...results.map(line));
  }
  if (report.load !== undefined) {
    const load = report.load;
    out.push(
      '',
      `load: ${load.concurrency} callers × ${load.durationS} s of ${load.tool}: ${load.calls} calls, ${load.throughputPerS}/s, errors ${load.errors}, p50 ${load.p50Ms} ms, p95 ${load.p95Ms} ms, p99 ${load.p99Ms} ms`,
    );
  }
  const tail = options.stderrLines ?? 5;
  if (report.stderr.length > 0 && tail > 0) {
    out.push('', `server stderr (${report.stderr.length} lines, last ${Math.min(tail, report.stderr.length)}):`);
    out.push(...report.stderr.slice(-tail).map((text) => `  ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`));
  }
  const count = totals(report);
  out.push(
    '',
    `${count.pass} passed, ${count.fail} failed, ${count.warn} warnings, ${count.skip} skipped in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${out.join('\n')}\n`;
}
