/**
 * @mcp-factory/harness: black-box tests for any MCP server, stdio or HTTP — lifecycle, listings,
 * error behaviour, smoke calls, conformance and load — with text, JSON and JUnit reports.
 *
 * @module
 */
export { applyBaseline, parseBaseline, readBaseline, type Baseline } from './baseline.js';
export type { Check, CheckContext, Finding, HarnessOptions } from './checks/check.js';
export { HarnessError, type HarnessErrorCode } from './errors.js';
export { percentile, runLoad, type LoadOptions } from './load.js';
export { formatJson } from './reporters/json.js';
export { escapeXml, formatJunit } from './reporters/junit.js';
export { formatText } from './reporters/text.js';
export {
  effectiveStatus,
  GROUPS,
  passed,
  totals,
  type CheckResult,
  type Group,
  type LoadSummary,
  type Report,
  type Status,
  type Totals,
} from './report.js';
export { ALL_CHECKS, runHarness, type RunOptions } from './run.js';
export { describeTarget, type HttpTarget, type StdioTarget, type Target } from './target.js';
