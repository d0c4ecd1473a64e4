import { describe, expect, it } from 'vitest';

import type { Report } from '../report.js';
import { formatJson } from './json.js';
import { escapeXml, formatJunit } from './junit.js';
import { formatText } from './text.js';

const REPORT: Report = {
  target: 'node server.js',
  transport: 'stdio',
  server: { name: 'demo', version: '1.0.0', protocolVersion: '2025-11-25' },
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1234,
  results: [
    { id: 'lifecycle.ping', group: 'lifecycle', title: 'ping', status: 'pass', reason: 'ping answered', durationMs: 3 },
    {
      id: 'lifecycle.stdout-purity',
      group: 'lifecycle',
      title: 'stdout',
      status: 'fail',
      reason: '1 line: "<b> & \'x\'"',
      evidence: 'bad\u0001byte <tag>',
    },
    { id: 'errors.parse-error', group: 'errors', title: 'parse', status: 'fail', reason: 'no answer', baselined: true },
    { id: 'smoke.call', group: 'smoke', title: 'smoke', status: 'skip', reason: 'not requested' },
  ],
  stderr: ['starting'],
};

describe('reporters', () => {
  it('text groups results, shows evidence of failures, the stderr tail and totals (a baselined failure is a warning)', () => {
    const text = formatText(REPORT);
    expect(text).toMatch(/^mcp-factory test: node server.js \[stdio\] — demo 1.0.0 \(protocol 2025-11-25\)$/m);
    expect(text).toMatch(/^lifecycle\n {2}PASS {2}ping — ping answered\n {2}FAIL {2}stdout/m);
    expect(text).toContain('        | bad\u0001byte <tag>');
    expect(text).toContain('WARN  parse (baseline) — no answer');
    expect(text).toContain('server stderr (1 lines, last 1):\n  starting');
    expect(text).toMatch(/1 passed, 1 failed, 1 warnings, 1 skipped in 1.2 s\n$/);
  });

  it('json carries the report, totals and the verdict', () => {
    const parsed = JSON.parse(formatJson(REPORT)) as Report & { totals: unknown; passed: boolean };
    expect(parsed.totals).toEqual({ pass: 1, fail: 1, warn: 1, skip: 1 });
    expect(parsed.passed).toBe(false);
    expect(parsed.results).toHaveLength(4);
  });

  it('junit escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\uFFFD');
    const xml = formatJunit(REPORT);
    expect(xml).toContain(
      '<testsuites name="mcp-factory test node server.js" tests="4" failures="1" errors="0" skipped="1"',
    );
    expect(xml).toContain('<failure message="1 line: &quot;&lt;b&gt; &amp; &apos;x&apos;&quot;" type="fail">');
    expect(xml).toContain('bad\uFFFDbyte &lt;tag&gt;</failure>');
    expect(xml).toContain('<skipped message="not requested"/>');
    expect(xml).toContain('<system-out>WARN: no answer</system-out>');
    expect(xml).not.toContain('\u0001');
  });
});
