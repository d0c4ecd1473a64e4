/**
 * Runs the official conformance suite (`@modelcontextprotocol/conformance` server suite) against
 * an HTTP target and folds each scenario in as a result: fail on any FAILURE check, warn on
 * WARNING only, pass otherwise.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { HarnessError } from '../errors.js';
import type { HttpTarget } from '../target.js';
import { fail, pass, warn, type Check, type Finding } from './check.js';

/** One check of a scenario, as the conformance CLI writes it to `checks.json`. */
interface ConformanceCheck {
  readonly id?: string;
  readonly name?: string;
  readonly status?: string;
  readonly errorMessage?: string;
  readonly description?: string;
}

/** Absolute path of the conformance CLI, from its package's `bin`. */
export function conformanceBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/conformance/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.conformance;
  if (bin === undefined) throw new HarnessError('CONFORMANCE_FAILED', `${manifestPath} declares no bin`);
  return resolve(dirname(manifestPath), bin);
}

const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/** Runs `conformance server --url <url> --suite all` and returns one finding per scenario. */
export async function runConformance(url: string, timeoutMs = 300_000): Promise<Finding[]> {
  const outputDir = await mkdtemp(join(tmpdir(), 'mcp-harness-conformance-'));
  try {
    const args = [conformanceBin(), 'server', '--url', url, '--suite', 'all', '--output-dir', outputDir];
    const outcome = await new Promise<{ code: number | null; output: string }>((done) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        done({ code: null, output: `${output}\n${error.message}` });
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        done({ code, output });
      });
    });
    const findings: Finding[] = [];
    for (const entry of await readdir(outputDir, { withFileTypes: true })) {
      const scenario = entry.isDirectory() ? RESULT_DIR.exec(entry.name)?.[1] : undefined;
      if (scenario === undefined) continue;
      let checks: ConformanceCheck[];
      try {
        checks = JSON.parse(await readFile(join(outputDir, entry.name, 'checks.json'), 'utf8')) as ConformanceCheck[];
      } catch {
        checks = [{ id: scenario, status: 'FAILURE', errorMessage: 'the scenario wrote no checks.json (it crashed)' }];
      }
      findings.push(scenarioFinding(scenario, checks));
    }
    if (findings.length === 0) {
      throw new HarnessError(
        'CONFORMANCE_FAILED',
        `the conformance CLI produced no results (exit ${String(outcome.code)}): ${outcome.output.slice(-500)}`,
      );
    }
    return findings.sort((a, b) => (a.suffix ?? '').localeCompare(b.suffix ?? ''));
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

function scenarioFinding(scenario: string, checks: readonly ConformanceCheck[]): Finding {
  const line = (check: ConformanceCheck): string =>
    `${check.id ?? check.name ?? '?'}: ${check.errorMessage ?? check.description ?? ''}`.trim();
  const failures = checks.filter((check) => check.status === 'FAILURE');
  const warnings = checks.filter((check) => check.status === 'WARNING');
  const base = { suffix: scenario, title: `conformance: ${scenario}` };
  if (failures.length > 0) {
    return {
      ...base,
      ...fail(
        `${failures.length} of ${checks.length} checks failed: ${line(failures[0] as ConformanceCheck)}`,
        failures.map(line).join('\n'),
      ),
    };
  }
  if (warnings.length > 0) {
    return {
      ...base,
      ...warn(`${warnings.length} warning(s): ${line(warnings[0] as ConformanceCheck)}`, warnings.map(line).join('\n')),
    };
  }
  return { ...base, ...pass(`${checks.length} checks passed`) };
}

const conformance: Check = {
  id: 'conformance',
  title: 'official conformance suite',
  group: 'conformance',
  transports: ['http'],
  async run(context) {
    return runConformance((context.target as HttpTarget).url);
  },
};

/** Checks of the conformance group. */
export const CONFORMANCE_CHECKS: readonly Check[] = [conformance];
