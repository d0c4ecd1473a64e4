/**
 * The JSON report: the report model as is, plus totals and the verdict.
 *
 * @module
 */
import { passed, totals, type Report } from '../report.js';

/** Formats a report as pretty JSON. */
export function formatJson(report: Report): string {
  return `${JSON.stringify({ ...report, totals: totals(report), passed: passed(report) }, null, 2)}\n`;
}
