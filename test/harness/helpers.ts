/**
 * Helpers of the harness suites: run the built CLI's `test` command with a JSON report, start an
 * HTTP server on a free loopback port, and read results by status.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

import type { CheckResult, Report, Status } from '@mcp-factory/harness';

import { CLI, REPO, runCommand, tempDir } from '../helpers/index.js';

export { REPO };

/** A finished `mcp-factory test` run. */
export interface TestRun {
  readonly code: number | null;
  /** The text report (stdout). */
  readonly text: string;
  readonly stderr: string;
  readonly report: Report & { totals: Record<Status, number>; passed: boolean };
  readonly junit: string;
}

/** Runs `mcp-factory test <args…>` with text on stdout, and JSON and JUnit into a temp folder. */
export async function runTest(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<TestRun> {
  const dir = await tempDir('harness');
  try {
    const json = join(dir, 'report.json');
    const junit = join(dir, 'report.xml');
    const dashDash = args.indexOf('--');
    const options = dashDash === -1 ? args : args.slice(0, dashDash);
    const rest = dashDash === -1 ? [] : args.slice(dashDash);
    const result = await runCommand(
      process.execPath,
      [
        CLI,
        'test',
        ...options,
        '--reporter',
        'text',
        '--reporter',
        `json=${json}`,
        '--reporter',
        `junit=${junit}`,
        ...rest,
      ],
      { cwd: REPO, env, timeoutMs: 280_000 },
    );
    let report: TestRun['report'];
    try {
      report = JSON.parse(await readFile(json, 'utf8')) as TestRun['report'];
    } catch (error) {
      throw new Error(
        `no JSON report (exit ${String(result.code)}): ${String(error)}\n${result.stdout}\n${result.stderr}`,
      );
    }
    return {
      code: result.code,
      text: result.stdout,
      stderr: result.stderr,
      report,
      junit: await readFile(junit, 'utf8'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Ids of the results with `status` (after the baseline), sorted. */
export function idsWith(report: Report, status: Status): string[] {
  return report.results
    .filter((result) => (result.status === 'fail' && result.baselined === true ? 'warn' : result.status) === status)
    .map((result) => result.id)
    .sort();
}

/** The result with `id`; throws when absent. */
export function result(report: Report, id: string): CheckResult {
  const found = report.results.find((item) => item.id === id);
  if (found === undefined) throw new Error(`no result ${id} in ${report.results.map((item) => item.id).join(', ')}`);
  return found;
}

/** One line per non-passing result, for assertion messages. */
export function problems(run: TestRun): string {
  return run.report.results
    .filter((item) => item.status !== 'pass')
    .map((item) => `${item.status} ${item.id}: ${item.reason}`)
    .join('\n');
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A server process started for a test. */
export interface Started {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `command args` (no shell) and resolves once its output matches `ready`. */
export async function startUntil(
  command: string,
  args: readonly string[],
  ready: RegExp,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Started> {
  const child = spawn(command, [...args], {
    env: options.env ?? process.env,
    cwd: options.cwd ?? REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${options.timeoutMs ?? 20_000} ms:\n${output}`)),
      options.timeoutMs ?? 20_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before it was ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Minimal JUnit structure check: well-nested tags, counts matching the report, escaped text. */
export function junitProblems(xml: string, report: Report): string[] {
  const problemsFound: string[] = [];
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) problemsFound.push('no XML declaration');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let match = tag.exec(xml); match !== null; match = tag.exec(xml)) {
    const between = xml.slice(last, match.index);
    if (/[<>]/.test(between.replace(/^<\?xml[^>]*\?>/, '')))
      problemsFound.push(`stray markup: ${between.slice(0, 80)}`);
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(between)) problemsFound.push(`unescaped &: ${between.slice(0, 80)}`);
    last = tag.lastIndex;
    const [, closing, name, , selfClosing] = match;
    if (selfClosing === '/') continue;
    if (closing === '/') {
      if (stack.pop() !== name) problemsFound.push(`mismatched </${String(name)}>`);
    } else stack.push(name as string);
  }
  if (stack.length > 0) problemsFound.push(`unclosed: ${stack.join(', ')}`);
  const cases = (xml.match(/<testcase /g) ?? []).length;
  if (cases !== report.results.length) problemsFound.push(`${cases} testcases for ${report.results.length} results`);
  return problemsFound;
}
