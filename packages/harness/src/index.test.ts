import { describe, expect, it } from 'vitest';

import * as harness from './index.js';

describe('@mcp-factory/harness public API', () => {
  it('exposes exactly the documented names', () => {
    expect(Object.keys(harness).sort()).toEqual([
      'ALL_CHECKS',
      'GROUPS',
      'HarnessError',
      'applyBaseline',
      'describeTarget',
      'effectiveStatus',
      'escapeXml',
      'formatJson',
      'formatJunit',
      'formatText',
      'parseBaseline',
      'passed',
      'percentile',
      'readBaseline',
      'runHarness',
      'runLoad',
      'totals',
    ]);
  });

  it('has one check per id, each in a known group', () => {
    const ids = harness.ALL_CHECKS.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const check of harness.ALL_CHECKS) expect(harness.GROUPS).toContain(check.group);
  });
});
