/**
 * The JUnit XML report: one `<testsuite>` per group, one `<testcase>` per result; failures carry
 * the reason and evidence, skips their reason, warnings a `<system-out>`. Text is XML-escaped and
 * characters XML 1.0 forbids are replaced.
 *
 * @module
 */
import { effectiveStatus, GROUPS, type CheckResult, type Report } from '../report.js';

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function testcase(result: CheckResult, suite: string): string {
  const status = effectiveStatus(result);
  const time = ((result.durationMs ?? 0) / 1000).toFixed(3);
  const open = `    <testcase classname="${escapeXml(suite)}" name="${escapeXml(`${result.id}: ${result.title}`)}" time="${time}"`;
  const message = escapeXml(result.reason);
  const body = escapeXml(result.evidence === undefined ? result.reason : `${result.reason}\n${result.evidence}`);
  if (status === 'fail')
    return `${open}>\n      <failure message="${message}" type="fail">${body}</failure>\n    </testcase>`;
  if (status === 'skip') return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
  if (status === 'warn') return `${open}>\n      <system-out>WARN: ${body}</system-out>\n    </testcase>`;
  return `${open}/>`;
}

/** Formats a report as JUnit XML. */
export function formatJunit(report: Report): string {
  const suites = GROUPS.map((group) => {
    const results = report.results.filter((result) => result.group === group);
    if (results.length === 0) return '';
    const failures = results.filter((result) => effectiveStatus(result) === 'fail').length;
    const skipped = results.filter((result) => effectiveStatus(result) === 'skip').length;
    const time = (results.reduce((sum, result) => sum + (result.durationMs ?? 0), 0) / 1000).toFixed(3);
    const name = `mcp-factory test ${group}`;
    return [
      `  <testsuite name="${escapeXml(name)}" tests="${results.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
      ...results.map((result) => testcase(result, `${group} (${report.target})`)),
      '  </testsuite>',
    ].join('\n');
  }).filter((suite) => suite !== '');
  const all = report.results;
  const failures = all.filter((result) => effectiveStatus(result) === 'fail').length;
  const skipped = all.filter((result) => effectiveStatus(result) === 'skip').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`mcp-factory test ${report.target}`)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
