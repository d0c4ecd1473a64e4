/**
 * Shared helpers of the conformance suites: build a template, run the official MCP conformance
 * CLI (`@modelcontextprotocol/conformance`) against a running server, and read back what it found
 * (the CLI writes one `checks.json` per scenario under its output folder).
 *
 * Every child process is spawned with an argv array, never through a shell.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { REPO, runCommand, tail, type CommandResult } from '../helpers/index.js';

export { REPO };

/** How many server scenarios conformance 0.1.13 defines (`list --server`); a change must be deliberate. */
export const SERVER_SCENARIO_COUNT = 32;

/** A built server, copied out of its project. */
export interface BuiltServer {
  /** The bin (`index.cjs`) of the copy. */
  readonly bin: string;
  /** Deletes the copy. */
  remove(): Promise<void>;
}

/**
 * Builds the project in `dir` with its own `npm run build`, then copies `dist/` (a self-contained
 * bundle: the launcher, the server and its code cache) to a temporary folder and returns the bin
 * there. Other suites build the same templates in place, and a rebuild empties `dist/` first: the
 * copy keeps this suite's server independent of them.
 */
export async function buildServer(dir: string): Promise<BuiltServer> {
  const build = await runCommand('npm', ['run', 'build'], { cwd: dir, timeoutMs: 240_000 });
  if (build.code !== 0) {
    throw new Error(
      `npm run build failed in ${dir} (exit ${String(build.code)}):\n${tail(build.stdout + build.stderr)}`,
    );
  }
  const copy = await mkdtemp(join(tmpdir(), 'mcp-conformance-server-'));
  await cp(join(dir, 'dist'), copy, { recursive: true });
  return { bin: join(copy, 'index.cjs'), remove: () => rm(copy, { recursive: true, force: true }) };
}

/** Absolute path of the conformance CLI, from its package's `bin` (the package has no exports map). */
export function conformanceCli(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@modelcontextprotocol/conformance/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.conformance;
  if (bin === undefined) throw new Error(`${manifestPath} declares no "conformance" bin`);
  return resolve(dirname(manifestPath), bin);
}

/** The server scenarios the CLI knows (`conformance list --server`). */
export async function listServerScenarios(): Promise<string[]> {
  const result = await runCommand(process.execPath, [conformanceCli(), 'list', '--server'], {
    cwd: REPO,
    timeoutMs: 30_000,
  });
  if (result.code !== 0) throw new Error(`conformance list failed:\n${result.stderr}`);
  return result.stdout
    .split('\n')
    .map((line) => /^\s+-\s+(\S+)\s*$/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** One check of a scenario, as the CLI writes it to `checks.json`. */
export interface ConformanceCheck {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** `SUCCESS`, `FAILURE`, `WARNING` or `INFO` (kept a string: newer CLIs may add statuses). */
  readonly status: string;
  readonly errorMessage?: string;
}

/** The checks of one scenario. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly checks: readonly ConformanceCheck[];
}

/** A finished CLI run. */
export interface ConformanceRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Where the CLI wrote its results (a temporary folder; see {@link removeRun}). */
  readonly outputDir: string;
  /** One entry per scenario result folder, sorted by scenario name. */
  readonly scenarios: readonly ScenarioResult[];
}

/** Options of {@link runConformance}. */
export interface RunConformanceOptions {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  /** `all` (default here: active and pending scenarios), `active` or `pending`. */
  suite?: 'all' | 'active' | 'pending';
  /** A baseline of expected failures (the CLI's `--expected-failures` YAML). */
  expectedFailures?: string;
  timeoutMs?: number;
}

/** Result folders are named `server-<scenario>-<ISO timestamp with - for : and .>`. */
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

/** Runs the conformance CLI's server suite against `url` and reads every scenario's checks. */
export async function runConformance(options: RunConformanceOptions): Promise<ConformanceRun> {
  const outputDir = await mkdtemp(join(tmpdir(), 'mcp-conformance-'));
  const args = [
    conformanceCli(),
    'server',
    '--url',
    options.url,
    '--suite',
    options.suite ?? 'all',
    '--output-dir',
    outputDir,
    ...(options.expectedFailures === undefined ? [] : ['--expected-failures', options.expectedFailures]),
  ];
  const result: CommandResult = await runCommand(process.execPath, args, {
    cwd: REPO,
    timeoutMs: options.timeoutMs ?? 240_000,
  });
  if (result.timedOut) throw new Error(`the conformance CLI did not finish in time:\n${tail(result.stdout)}`);
  const scenarios: ScenarioResult[] = [];
  for (const entry of await readdir(outputDir, { withFileTypes: true })) {
    const scenario = entry.isDirectory() ? RESULT_DIR.exec(entry.name)?.[1] : undefined;
    if (scenario === undefined) continue;
    let checks: ConformanceCheck[];
    try {
      checks = JSON.parse(await readFile(join(outputDir, entry.name, 'checks.json'), 'utf8')) as ConformanceCheck[];
    } catch (error) {
      // The CLI creates the folder before running the scenario; no checks.json means it crashed.
      checks = [{ id: scenario, name: scenario, status: 'FAILURE', errorMessage: `no checks.json: ${String(error)}` }];
    }
    scenarios.push({ scenario, checks });
  }
  scenarios.sort((a, b) => a.scenario.localeCompare(b.scenario));
  return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr, outputDir, scenarios };
}

/** Deletes a run's output folder. */
export async function removeRun(run: ConformanceRun | undefined): Promise<void> {
  if (run !== undefined) await rm(run.outputDir, { recursive: true, force: true });
}

/** The checks of `run` with `status`, tagged with their scenario. */
export function checksWithStatus(
  run: ConformanceRun,
  status: ConformanceCheck['status'],
): { scenario: string; id: string; message: string }[] {
  return run.scenarios.flatMap(({ scenario, checks }) =>
    checks
      .filter((check) => check.status === status)
      .map((check) => ({ scenario, id: check.id, message: check.errorMessage ?? check.description ?? '' })),
  );
}

/**
 * Scenarios the CLI's baseline logic counts as not passing: any FAILURE or WARNING check (the
 * CLI's exit code without a baseline counts FAILURE checks only).
 */
export function nonPassingScenarios(run: ConformanceRun): string[] {
  return run.scenarios
    .filter(({ checks }) => checks.some((check) => check.status === 'FAILURE' || check.status === 'WARNING'))
    .map(({ scenario }) => scenario);
}

/** One line per FAILURE or WARNING check, for assertion messages. */
export function describeProblems(run: ConformanceRun): string {
  const lines = [...checksWithStatus(run, 'FAILURE'), ...checksWithStatus(run, 'WARNING')].map(
    ({ scenario, id, message }) => `${scenario} / ${id}: ${message}`,
  );
  return lines.length === 0 ? 'no failing or warning checks' : lines.join('\n');
}

/**
 * The scenario names of a baseline file's `server:` list. Reads only the subset of YAML baselines
 * use (a `server:` key followed by `  - name` items, `#` comments), so no YAML parser is needed.
 */
export async function readBaseline(path: string): Promise<string[]> {
  const names: string[] = [];
  let inServer = false;
  for (const raw of (await readFile(path, 'utf8')).split('\n')) {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    if (/^\S/.test(line)) {
      inServer = line === 'server:';
      continue;
    }
    const item = /^\s+-\s+(\S+)$/.exec(line)?.[1];
    if (inServer && item !== undefined) names.push(item);
  }
  return names;
}
