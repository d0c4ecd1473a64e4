import { describe, expect, it } from 'vitest';

import { applyBaseline, parseBaseline } from './baseline.js';
import { HarnessError } from './errors.js';
import type { CheckResult } from './report.js';

const result = (id: string, status: CheckResult['status']): CheckResult => ({
  id,
  group: id.startsWith('conformance.') ? 'conformance' : 'errors',
  title: id,
  status,
  reason: status,
});

describe('parseBaseline', () => {
  it('reads server: scenario names and harness: check ids, ignoring comments', () => {
    const baseline = parseBaseline(
      '# known\nserver:\n  - tools-call-image # no fixture\n\nharness:\n  - errors.parse-error\n',
    );
    expect(baseline.ids).toEqual(['conformance.tools-call-image', 'errors.parse-error']);
  });

  it('refuses other shapes with the line number', () => {
    expect(() => parseBaseline('client:\n  - x\n', 'b.yml')).toThrow(/b.yml:1: unknown section "client"/);
    expect(() => parseBaseline('  - orphan\n', 'b.yml')).toThrow(HarnessError);
    expect(() => parseBaseline('server:\n  just text\n', 'b.yml')).toThrow(/b.yml:2: expected " {2}- <name>"/);
  });
});

describe('applyBaseline', () => {
  const baseline = parseBaseline('server:\n  - a\n  - b\nharness:\n  - errors.x\n', 'b.yml');

  it('marks listed failures as baselined and leaves the rest', () => {
    const marked = applyBaseline(
      [
        result('conformance.a', 'fail'),
        result('conformance.b', 'warn'),
        result('errors.x', 'fail'),
        result('errors.y', 'fail'),
      ],
      baseline,
    );
    expect(marked.filter((item) => item.baselined === true).map((item) => item.id)).toEqual([
      'conformance.a',
      'conformance.b',
      'errors.x',
    ]);
    expect(marked.find((item) => item.id === 'errors.y')?.baselined).toBeUndefined();
  });

  it('fails a stale entry (now passing, or not run) unless its group was left out', () => {
    const marked = applyBaseline(
      [result('conformance.a', 'fail'), result('conformance.b', 'pass')],
      baseline,
      (group) => group === 'conformance',
    );
    expect(
      marked.filter((item) => item.status === 'fail' && item.baselined !== true).map((item) => [item.id, item.reason]),
    ).toEqual([['baseline.stale.conformance.b', 'b.yml lists conformance.b, which now passes: remove the entry']]);
    const all = applyBaseline([result('conformance.a', 'fail'), result('conformance.b', 'fail')], baseline);
    expect(all.map((item) => item.id)).toContain('baseline.stale.errors.x');
  });
});
