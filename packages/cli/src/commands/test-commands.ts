/**
 * The test commands: `mcp-factory test <name | url | -- command args…>`, a thin shell over
 * `@mcp-factory/harness` (parse, resolve the target, run, write the reports, exit 1 on failure).
 *
 * @module
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import {
  formatJson,
  formatJunit,
  formatText,
  HarnessError,
  passed,
  readBaseline,
  runHarness,
  type Report,
  type RunOptions,
  type Target,
} from '@mcp-factory/harness';

import { isRegistryError } from '@mcp-factory/registry';

import type { CommandContext, CommandTable } from '../command.js';
import { CliError } from '../errors.js';
import { resolveRegistryName } from './registry-commands.js';
import { parseTestArgs, TEST_USAGE, type ReporterSpec } from './test-args.js';

/** What the test command needs from outside, injectable for tests. */
export interface TestCommandDeps {
  /** Turns a registry name into a target (the registry's `resolveServer`). */
  resolveName(name: string, context: CommandContext): Promise<Target>;
  /** Runs the harness (default the real one). */
  run(target: Target, options: RunOptions): Promise<Report>;
  writeFile(path: string, text: string): Promise<void>;
  /** What is at `path`: a report is written only into an existing folder, and never over one. */
  pathKind(path: string): Promise<'file' | 'folder' | 'missing'>;
}

const DEFAULT_DEPS: TestCommandDeps = {
  resolveName: async (name, context) => {
    try {
      return await resolveRegistryName(name, context.io);
    } catch (error) {
      if (isRegistryError(error)) throw new CliError(`test: ${error.message}`);
      throw error;
    }
  },
  run: runHarness,
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  pathKind: async (path) => {
    try {
      return (await stat(path)).isDirectory() ? 'folder' : 'file';
    } catch {
      return 'missing';
    }
  },
};

function render(report: Report, spec: ReporterSpec): string {
  if (spec.format === 'json') return formatJson(report);
  if (spec.format === 'junit') return formatJunit(report);
  return formatText(report);
}

/** The `test` command table, with `deps` overriding the defaults. */
export function createTestCommands(overrides: Partial<TestCommandDeps> = {}): CommandTable {
  const deps = { ...DEFAULT_DEPS, ...overrides };
  return {
    test: {
      synopsis: 'test <name|url|-- cmd…>',
      summary: 'black-box test any MCP server (stdio or HTTP) with a text, JSON or JUnit report',
      async run(argv, context) {
        const args = parseTestArgs(argv);
        if (args.help) {
          context.io.out(TEST_USAGE);
          return 0;
        }
        const subject = args.subject;
        if (subject === undefined) throw new CliError(TEST_USAGE);
        // A report that cannot be written is refused now, not after the whole run.
        for (const spec of args.reporters) {
          if (spec.file !== undefined) await checkReportPath(resolve(context.io.cwd, spec.file), spec.format, deps);
        }
        let target: Target;
        if (subject.kind === 'name') target = await deps.resolveName(subject.name, context);
        else if (subject.kind === 'url') target = { kind: 'http', url: subject.url, headers: args.headers };
        else
          target = { kind: 'stdio', command: subject.command, args: subject.args, env: args.env, cwd: context.io.cwd };
        let baseline;
        try {
          baseline =
            args.baseline === undefined ? undefined : await readBaseline(resolve(context.io.cwd, args.baseline));
        } catch (error) {
          if (error instanceof HarnessError) throw new CliError(error.message);
          throw error;
        }
        let report: Report;
        try {
          report = await deps.run(target, {
            call: args.call,
            ...(args.only === undefined ? {} : { only: args.only }),
            ...(baseline === undefined ? {} : { baseline }),
            ...(args.load === undefined ? {} : { load: args.load }),
            ...(args.timeoutMs === undefined ? {} : { timeoutMs: args.timeoutMs }),
            ...(args.tokenWarn === undefined ? {} : { tokenWarnThreshold: args.tokenWarn }),
            ...(context.io.interactive
              ? { onResult: (result) => context.io.err(`  ${result.status}  ${result.id}\n`) }
              : {}),
          });
        } catch (error) {
          if (error instanceof HarnessError) {
            context.io.err(`mcp-factory: ${error.message}\n`);
            return 1;
          }
          throw error;
        }
        for (const spec of args.reporters) {
          const text = render(report, spec);
          if (spec.file === undefined) context.io.out(text);
          else {
            const path = resolve(context.io.cwd, spec.file);
            await deps.writeFile(path, text);
            context.io.err(`wrote ${spec.format} report to ${path}\n`);
          }
        }
        return passed(report) ? 0 : 1;
      },
    },
  };
}

/** A usage error unless a report can be written at `path`: its folder exists and it is not a folder itself. */
async function checkReportPath(path: string, format: string, deps: Pick<TestCommandDeps, 'pathKind'>): Promise<void> {
  if ((await deps.pathKind(path)) === 'folder')
    throw new CliError(`--reporter ${format}: ${path} is a folder; name a file.`);
  if ((await deps.pathKind(dirname(path))) !== 'folder')
    throw new CliError(
      `--reporter ${format}: the folder ${dirname(path)} does not exist; create it or name another file.`,
    );
}

/** Commands by name. */
export const TEST_COMMANDS: CommandTable = createTestCommands();
