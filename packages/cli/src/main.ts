/**
 * The `mcp-factory` command line: dispatches a command, prints its result and returns the exit
 * code. Commands are functions that return results (see ./commands); ./cli.ts is the bin that
 * hands this the real process.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

import { ScaffoldError } from '@mcp-factory/scaffold';

import { describeDemoReport, DEMO_USAGE, parseDemoArgs, runDemo } from './commands/demo.js';
import { formatCorrupt, formatRecord, isJournalError, LOGS_USAGE, parseLogsArgs, runLogs } from './commands/logs.js';
import { describeNewResult, NEW_USAGE, parseNewArgs, runNew } from './commands/new.js';
import { COMMAND_TABLE } from './commands/tables.js';
import { describeTemplates, runTemplates } from './commands/templates.js';
import { CliError } from './errors.js';
import type { Io } from './io.js';
import type { Prompter } from './prompter.js';

const BUILT_IN: ReadonlyArray<readonly [string, string]> = [
  ['new [name]', 'create an MCP server project from a template'],
  ['templates', 'list templates and their options'],
  ['demo', 'generate, build, test, run and call a server end to end (no keys, no network)'],
  ['logs [dir]', 'print (or --follow) the journal of calls a server recorded'],
];

function commandLines(): string {
  const rows = [...BUILT_IN, ...Object.values(COMMAND_TABLE).map((spec) => [spec.synopsis, spec.summary] as const)];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

const USAGE = `Usage: mcp-factory <command> [options]

Commands:
${commandLines()}

Options:
  -h, --help      show help (also "mcp-factory <command> --help")
  -v, --version   print the version
`;

/** The factory's version (the CLI package's). */
export const FACTORY_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Everything `main` may touch, injectable for tests. */
export interface MainDeps {
  io: Io;
  prompter: Prompter;
  /** Templates folder; default the factory's own (env MCP_FACTORY_TEMPLATES overrides). */
  templatesRoot?: string;
  /** Ends long-running commands (`logs --follow`); without it they run until the process is stopped. */
  signal?: AbortSignal;
  /** Standard streams for commands that speak MCP over stdio; default the process's. */
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** Runs one command line; resolves with the exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: readonly string[], deps: MainDeps): Promise<number> {
  const { io } = deps;
  const [command, ...rest] = argv;
  const templatesRoot = deps.templatesRoot ?? io.env.MCP_FACTORY_TEMPLATES;
  const common = { factoryVersion: FACTORY_VERSION, ...(templatesRoot === undefined ? {} : { templatesRoot }) };
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        io.out(`${FACTORY_VERSION}\n`);
        return 0;
      case 'new': {
        const args = parseNewArgs(rest);
        if (args.help) {
          io.out(NEW_USAGE);
          return 0;
        }
        const result = await runNew(args, { io, prompter: deps.prompter, ...common });
        io.out(describeNewResult(result));
        return result.install === undefined || result.install.code === 0 ? 0 : 1;
      }
      case 'templates':
        if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
          io.out(
            'Usage: mcp-factory templates\n\nLists the templates, their versions and the choices of their options.\n',
          );
          return 0;
        }
        if (rest.length > 0)
          throw new CliError(
            `templates takes no arguments, got ${rest.join(' ')}. See "mcp-factory templates --help".`,
          );
        io.out(describeTemplates(await runTemplates(templatesRoot)));
        return 0;
      case 'demo': {
        const args = parseDemoArgs(rest);
        if (args.help) {
          io.out(DEMO_USAGE);
          return 0;
        }
        const report = await runDemo(args, { io, ...common });
        io.out(describeDemoReport(report));
        return report.ok ? 0 : 1;
      }
      case 'logs': {
        const args = parseLogsArgs(rest);
        if (args.help) {
          io.out(LOGS_USAGE);
          return 0;
        }
        const signal = deps.signal === undefined ? {} : { signal: deps.signal };
        for await (const item of runLogs(args, { cwd: io.cwd, env: io.env, ...signal })) {
          if (item.kind === 'corrupt') io.err(formatCorrupt(item.line));
          else io.out(args.json ? `${JSON.stringify(item.record)}\n` : formatRecord(item.record, item.relay));
        }
        return 0;
      }
      default: {
        const spec = Object.hasOwn(COMMAND_TABLE, command) ? COMMAND_TABLE[command] : undefined;
        if (spec === undefined) throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
        return await spec.run(rest, {
          io,
          stdin: deps.stdin ?? process.stdin,
          stdout: deps.stdout ?? process.stdout,
          ...common,
          ...(deps.signal === undefined ? {} : { signal: deps.signal }),
        });
      }
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`mcp-factory: ${error.message}\n`);
      return 2;
    }
    if (isJournalError(error)) {
      io.err(`mcp-factory: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ScaffoldError) {
      io.err(`mcp-factory: ${error.message}\n`);
      return error.code === 'INVALID_NAME' || error.code === 'INVALID_ANSWER' || error.code === 'UNKNOWN_TEMPLATE'
        ? 2
        : 1;
    }
    const fileProblem = fileSystemProblem(error);
    if (fileProblem !== undefined) {
      io.err(`mcp-factory: ${fileProblem}\n`);
      return 1;
    }
    io.err(
      `mcp-factory: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

/** What the file system errors a user's paths cause mean, by code. */
const FILE_PROBLEMS: Readonly<Record<string, string>> = {
  EEXIST: 'a file is in the way',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder where a file was expected',
  ENAMETOOLONG: 'the path is too long',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/**
 * A file system error about a path (one the user gave, or one under it) as a line without a stack
 * trace: these are the user's or the machine's problem to fix, not a bug of the factory.
 */
function fileSystemProblem(error: unknown): string | undefined {
  const { code, path, syscall } = (error ?? {}) as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof path !== 'string' || !Object.hasOwn(FILE_PROBLEMS, code)) return undefined;
  return `cannot ${typeof syscall === 'string' ? syscall : 'use'} ${path}: ${FILE_PROBLEMS[code]} (${code}).`;
}
