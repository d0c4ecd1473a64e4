/**
 * `--baseline file.yml`: known failures. The file uses the conformance CLI's expected-failures
 * shape (a `server:` list of scenario names) plus an optional `harness:` list of check ids. Listed
 * failures do not fail the run; a listed entry that now passes (stale) does.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';

import { HarnessError } from './errors.js';
import { GROUPS, type CheckResult, type Group } from './report.js';

/** A parsed baseline: full result ids (`conformance.<scenario>`, `errors.parse-error`, …). */
export interface Baseline {
  readonly path: string;
  readonly ids: readonly string[];
}

/**
 * Parses the subset of YAML baselines use: top-level `server:` / `harness:` keys each followed by
 * `  - item` lines, `#` comments. Anything else is refused with its line number.
 */
export function parseBaseline(text: string, path = '<baseline>'): Baseline {
  const ids: string[] = [];
  let section: 'server' | 'harness' | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line.trim() === '') return;
    const key = /^([A-Za-z_-]+):\s*$/.exec(line)?.[1];
    if (key !== undefined) {
      if (key !== 'server' && key !== 'harness') {
        throw new HarnessError(
          'BAD_BASELINE',
          `${path}:${index + 1}: unknown section "${key}" (expected server: or harness:)`,
        );
      }
      section = key;
      return;
    }
    const item = /^\s+-\s+(\S+)\s*$/.exec(line)?.[1];
    if (item === undefined || section === undefined) {
      throw new HarnessError(
        'BAD_BASELINE',
        `${path}:${index + 1}: expected "  - <name>" under server: or harness:, got "${raw.trim()}"`,
      );
    }
    ids.push(section === 'server' ? `conformance.${item}` : item);
  });
  return { path, ids };
}

/** Reads and parses a baseline file. */
export async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HarnessError(
      'BAD_BASELINE',
      `cannot read baseline ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseBaseline(text, path);
}

/**
 * Marks listed failures and warnings as baselined, and adds a failing `baseline.stale` result for
 * each entry whose result now passes or did not run.
 */
export function applyBaseline(
  results: readonly CheckResult[],
  baseline: Baseline,
  inScope: (group: Group) => boolean = () => true,
): CheckResult[] {
  const listed = new Set(baseline.ids);
  const marked = results.map((result) =>
    listed.has(result.id) && (result.status === 'fail' || result.status === 'warn')
      ? { ...result, baselined: true }
      : result,
  );
  // Entries of groups left out of the run (`--only`) are neither used nor stale.
  const stale = baseline.ids.filter(
    (id) => inScope(groupOf(id)) && !marked.some((result) => result.id === id && result.baselined === true),
  );
  return [
    ...marked,
    ...stale.map((id): CheckResult => {
      const found = results.find((result) => result.id === id);
      return {
        id: `baseline.stale.${id}`,
        group: groupOf(id),
        title: `baseline entry ${id}`,
        status: 'fail',
        reason:
          found === undefined
            ? `${baseline.path} lists ${id}, which did not run: remove the entry`
            : `${baseline.path} lists ${id}, which now ${found.status === 'pass' ? 'passes' : `is ${found.status}`}: remove the entry`,
      };
    }),
  ];
}

/** The group a result id belongs to (its first segment), `lifecycle` when unknown. */
function groupOf(id: string): Group {
  const head = id.split('.')[0] ?? '';
  return (GROUPS as readonly string[]).includes(head) ? (head as Group) : 'lifecycle';
}
