// Every template ships Prometheus alerting rules (monitoring/alerts.yml). Without promtool here,
// check what it would: the rule-file schema, durations, balanced PromQL, that every metric an
// expression names is one the runtime exports, and that annotations only use labels the
// expression keeps.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createRuntimeMetrics } from '@mcp-factory/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';

import { REPO } from '../helpers/index.js';

const Duration = z.string().regex(/^\d+(ms|s|m|h|d|w|y)$/, 'must be a Prometheus duration such as 5m');
const Rule = z
  .object({
    alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    expr: z.string().min(1),
    for: Duration.optional(),
    labels: z.record(z.string(), z.string()).refine((labels) => 'severity' in labels, 'needs a severity label'),
    annotations: z.object({ summary: z.string().min(1), description: z.string().min(1) }),
  })
  .strict();
const RuleFile = z
  .object({ groups: z.array(z.object({ name: z.string().min(1), rules: z.array(Rule).min(1) }).strict()).min(1) })
  .strict();

async function exportedMetricNames(): Promise<Set<string>> {
  const metrics = createRuntimeMetrics({ defaultMetrics: false });
  const names = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if ((metric.type as unknown) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

function balanced(expr: string): boolean {
  let depth = 0;
  for (const char of expr) {
    if (char === '(' || char === '[' || char === '{') depth += 1;
    if (char === ')' || char === ']' || char === '}') depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe.each(['api', 'everything'])('templates/%s/monitoring/alerts.yml', (template) => {
  it('is a valid rule file over metrics the runtime exports', async () => {
    const text = await readFile(join(REPO, 'templates', template, 'monitoring', 'alerts.yml'), 'utf8');
    const file = RuleFile.parse(parse(text));
    const exported = await exportedMetricNames();
    const alerts = file.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(new Set(alerts).size).toBe(alerts.length);
    for (const group of file.groups) {
      expect(group.name).toBe(`mcp-template-${template}`);
      for (const rule of group.rules) {
        expect(balanced(rule.expr), `${rule.alert}: unbalanced brackets`).toBe(true);
        const used = rule.expr.match(/\bmcp_[a-z_]+\b/g) ?? [];
        expect(used.length, `${rule.alert} names no metric`).toBeGreaterThan(0);
        for (const metric of used) expect(exported, `${rule.alert}: ${metric}`).toContain(metric);
        const kept = new Set(
          [...rule.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((match) =>
            match[1]!.split(',').map((label) => label.trim()),
          ),
        );
        for (const [, label] of `${rule.annotations.summary} ${rule.annotations.description}`.matchAll(
          /\$labels\.(\w+)/g,
        )) {
          expect(kept, `${rule.alert}: annotation uses $labels.${label!} that the expression drops`).toContain(label);
        }
      }
    }
    // The alerts: error rate, timeouts, p95 latency, breaker open, cache miss rate.
    expect(alerts).toEqual(
      expect.arrayContaining([
        'McpHighErrorRate',
        'McpToolTimeouts',
        'McpSlowCalls',
        'McpCircuitOpen',
        'McpCacheMissRate',
      ]),
    );
  });
});
