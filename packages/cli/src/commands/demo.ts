/**
 * `mcp-factory demo` (what `npm start` at the repository root runs): the factory's main job end to
 * end with no keys and no network. It generates an `api` server, installs, type-checks, builds and
 * tests it, starts the project's fake upstream and the server, connects with the official MCP
 * client, lists the tools and calls one, and reports each step.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { connectStdio } from '@mcp-factory/runtime/testing';
import { findTemplate, renderProject, runCommand, type RuntimeSource } from '@mcp-factory/scaffold';

import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { formatDuration, renderTable } from '../table.js';
import { parseStrict } from './strict-args.js';

export const DEMO_USAGE = `Usage: mcp-factory demo [options]

Generates an api server, installs, builds and tests it, starts it with a local fake upstream,
connects the official MCP client, lists its tools and calls one. Needs no keys and no network
beyond the npm registry (or its cache).

Options:
  -p, --provider <name>   api provider preset (default: rest)
      --dir <path>        generate here instead of a temporary folder (kept afterwards)
      --keep              keep the temporary folder
  -h, --help              show this help
`;

/** Parsed arguments of `demo`. */
export interface DemoArgs {
  provider: string;
  dir: string | undefined;
  keep: boolean;
  help: boolean;
}

/** Parses `demo`'s argv. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const { values } = parseStrict(
    'demo',
    argv,
    {
      provider: { type: 'string', short: 'p' },
      dir: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  return {
    provider: values.provider ?? 'rest',
    dir: values.dir,
    keep: values.keep === true,
    help: values.help === true,
  };
}

/** One step of the demo. */
export interface DemoStep {
  readonly step: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly detail: string;
}

/** What the demo did. */
export interface DemoReport {
  readonly ok: boolean;
  readonly dir: string;
  readonly kept: boolean;
  readonly steps: readonly DemoStep[];
  readonly totalMs: number;
}

/** What `demo` needs besides its arguments. */
export interface DemoDeps {
  io: Io;
  factoryVersion: string;
  templatesRoot?: string;
  runtime?: RuntimeSource;
}

class StepFailed extends Error {}

function lastLines(text: string, count = 8): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** What a generated project's fake upstream announces on its first stdout line. */
interface FakeAnnouncement {
  url: string;
  env?: Record<string, string>;
  example?: { tool: string; arguments: Record<string, unknown> };
}

/** Starts `node <file>` and resolves with what it announces as its first JSON line. */
function startFakeUpstream(file: string, cwd: string): Promise<FakeAnnouncement & { stop: () => void }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('the fake upstream did not print its URL within 10 s'));
    }, 10_000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        const announced = JSON.parse(line) as FakeAnnouncement;
        resolvePromise({ ...announced, stop: () => child.kill() });
      } catch {
        child.kill();
        reject(new Error(`unexpected output from the fake upstream: ${line}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fake upstream exited with ${String(code)}`));
    });
  });
}

/**
 * Usage problems found before anything is created: a provider the `api` template does not offer,
 * a `--dir` that is a file or a folder with something in it (the demo never writes over files).
 */
async function checkDemoArgs(args: DemoArgs, deps: DemoDeps): Promise<void> {
  const template = await findTemplate('api', deps.templatesRoot);
  const choices = Object.keys(template.options.find((option) => option.name === 'provider')?.choices ?? {});
  if (!choices.includes(args.provider)) {
    throw new CliError(
      `demo: unknown provider ${JSON.stringify(args.provider)}; choose one of ${choices.join(', ')}. See "mcp-factory templates".`,
    );
  }
  if (args.dir === undefined) return;
  const dir = resolve(deps.io.cwd, args.dir);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new CliError(
      code === 'ENOTDIR'
        ? `demo: --dir ${args.dir} is a file; give a new or empty folder.`
        : `demo: cannot use --dir ${args.dir} (${code ?? (error as Error).message}).`,
    );
  }
  if (entries.length > 0) throw new CliError(`demo: --dir ${args.dir} is not empty; give a new or empty folder.`);
}

/**
 * Runs the demo; never throws for a failed step (the report says which step failed). Usage
 * problems (an unknown provider, a `--dir` in use) are thrown as {@link CliError} before it starts.
 */
export async function runDemo(args: DemoArgs, deps: DemoDeps): Promise<DemoReport> {
  await checkDemoArgs(args, deps);
  const started = performance.now();
  const steps: DemoStep[] = [];
  const progress = (text: string): void => deps.io.err(`${text}\n`);
  const base = args.dir === undefined ? await mkdtemp(join(tmpdir(), 'mcp-factory-demo-')) : undefined;
  const dir = args.dir === undefined ? join(base ?? '', 'demo-server') : resolve(deps.io.cwd, args.dir);
  const cleanups: (() => void | Promise<void>)[] = [];

  const step = async (name: string, action: () => Promise<string>): Promise<void> => {
    progress(`… ${name}`);
    const stepStarted = performance.now();
    try {
      const detail = await action();
      steps.push({ step: name, ok: true, durationMs: performance.now() - stepStarted, detail });
    } catch (error) {
      steps.push({
        step: name,
        ok: false,
        durationMs: performance.now() - stepStarted,
        detail: (error as Error).message,
      });
      throw new StepFailed(name);
    }
  };
  const npm = async (script: readonly string[], timeoutMs = 300_000): Promise<string> => {
    const result = await runCommand('npm', script, { cwd: dir, timeoutMs });
    if (result.code !== 0)
      throw new Error(
        `npm ${script.join(' ')} failed (exit ${String(result.code)}):\n${lastLines(result.stdout + result.stderr)}`,
      );
    return result.stdout + result.stderr;
  };

  try {
    await step('generate', async () => {
      const template = await findTemplate('api', deps.templatesRoot);
      const render = await renderProject({
        template,
        name: 'demo-server',
        targetDir: dir,
        answers: { provider: args.provider },
        factoryVersion: deps.factoryVersion,
        ...(deps.runtime === undefined ? {} : { runtime: deps.runtime }),
      });
      return `api@${template.version} (${args.provider}): ${render.files.length} files in ${dir}`;
    });
    await step('npm install', async () => {
      const output = await npm(['install', '--no-audit', '--no-fund', '--prefer-offline']);
      return /added \d+ packages?/.exec(output)?.[0] ?? 'dependencies installed';
    });
    await step('type-check', async () => {
      await npm(['run', 'typecheck']);
      return 'tsc --noEmit: no errors';
    });
    await step('build', async () => {
      const output = await npm(['run', 'build']);
      return /server bundle [^)]*/.exec(output)?.[0] ?? 'built dist/';
    });
    await step('tests', async () => {
      const report = join(dir, '.demo-vitest.json');
      const result = await runCommand(
        join(dir, 'node_modules', '.bin', 'vitest'),
        ['run', '--reporter=json', `--outputFile=${report}`],
        {
          cwd: dir,
          timeoutMs: 300_000,
        },
      );
      const summary = JSON.parse(await readFile(report, 'utf8').catch(() => '{}')) as {
        numPassedTests?: number;
        numFailedTests?: number;
        numTotalTestSuites?: number;
      };
      await rm(report, { force: true });
      if (result.code !== 0)
        throw new Error(
          `${String(summary.numFailedTests ?? '?')} test(s) failed:\n${lastLines(result.stdout + result.stderr)}`,
        );
      return `${String(summary.numPassedTests ?? 0)} passed (unit, integration, e2e over stdio and HTTP)`;
    });

    let fake: FakeAnnouncement | undefined;
    await step('start fake upstream', async () => {
      const started = await startFakeUpstream(join(dir, 'dist', 'fake-upstream.cjs'), dir);
      cleanups.push(started.stop);
      fake = started;
      return `${args.provider} API fake at ${started.url}`;
    });
    let connection: Awaited<ReturnType<typeof connectStdio>> | undefined;
    const connected = (): Awaited<ReturnType<typeof connectStdio>> => {
      if (connection === undefined) throw new Error('not connected');
      return connection;
    };
    await step('start server + connect', async () => {
      // The journal goes into the project (not the user's state directory): the demo's folder is temporary.
      const env = { ...(fake?.env ?? {}), MCP_JOURNAL_DIR: join(dir, 'journal'), MCP_JOURNAL_FSYNC: 'always' };
      const live = await connectStdio(process.execPath, [join(dir, 'dist', 'index.cjs')], { env });
      connection = live;
      cleanups.push(() => live.close());
      const info = live.client.getServerVersion();
      return `stdio, protocol ${live.client.getNegotiatedProtocolVersion() ?? '?'}, server ${info?.name ?? '?'} ${info?.version ?? ''}`;
    });
    await step('tools/list', async () => {
      const { tools } = await connected().client.listTools();
      return tools.map((tool) => tool.name).join(', ');
    });
    await step('tools/call', async () => {
      if (fake?.example === undefined) throw new Error('the fake upstream announced no example call');
      const call = { name: fake.example.tool, arguments: fake.example.arguments };
      const result = await connected().client.callTool(call);
      const text =
        (result.content as { type: string; text?: string }[]).find((block) => block.type === 'text')?.text ?? '';
      if (result.isError === true) throw new Error(`${call.name} returned an error: ${text}`);
      return `${call.name}(${JSON.stringify(call.arguments)}) → ${text.split('\n')[0]?.slice(0, 80) ?? ''}`;
    });
    await step('journal', async () => {
      const { readJournal } = await import('@mcp-factory/runtime');
      const records = [];
      for await (const record of readJournal(join(dir, 'journal'))) records.push(record);
      const last = records.at(-1);
      if (last === undefined) throw new Error(`no call was journaled in ${join(dir, 'journal')}`);
      const attempts = last.exchanges?.length ?? 0;
      return `${records.length} call(s) recorded; #${last.seq} ${last.name} ${last.status} in ${last.durationMs.toFixed(1)} ms, ${attempts} upstream request(s)`;
    });
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
  const ok = steps.every((entry) => entry.ok) && steps.length === 10;
  const kept = args.dir !== undefined || args.keep || !ok;
  if (!kept && base !== undefined) await rm(base, { recursive: true, force: true });
  return { ok, dir, kept, steps, totalMs: performance.now() - started };
}

/** The demo's table. */
export function describeDemoReport(report: DemoReport): string {
  const rows = report.steps.map((entry) => [
    entry.ok ? 'ok' : 'FAILED',
    entry.step,
    formatDuration(entry.durationMs),
    entry.detail.split('\n')[0] ?? '',
  ]);
  const failed = report.steps.find((entry) => !entry.ok);
  const lines = [
    '',
    renderTable(['', 'step', 'time', 'detail'], rows),
    report.ok
      ? `The factory made a working MCP server in ${formatDuration(report.totalMs)}.`
      : `Failed at "${failed?.step ?? '?'}" after ${formatDuration(report.totalMs)}:`,
  ];
  if (failed !== undefined) lines.push(failed.detail);
  if (report.kept) lines.push(`Project kept at ${report.dir}`);
  return `${lines.join('\n')}\n`;
}
