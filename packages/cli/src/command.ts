/**
 * The shape of a command that lives in its own module and is wired into `main` through a table
 * (see ./commands/tables.ts): it parses its arguments, calls a library, prints and returns the
 * exit code (0 ok, 1 failure, 2 usage). Usage errors are thrown as `CliError`.
 *
 * @module
 */
import type { Io } from './io.js';

/** What a table command may touch, injected so tests run it in process. */
export interface CommandContext {
  io: Io;
  /** Ends long-running commands (serving, following); without it they run until the process stops. */
  signal?: AbortSignal;
  /** Standard input and output as streams, for commands that speak MCP over stdio (run, dev, gateway). */
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  /** The factory's version. */
  factoryVersion: string;
  /** Templates folder override, when set. */
  templatesRoot?: string;
}

/** One command of the table. */
export interface CommandSpec {
  /** The usage line's left side, e.g. `list` or `call <name> <tool>`. */
  synopsis: string;
  /** One-line summary for `mcp-factory --help`. */
  summary: string;
  run(args: readonly string[], context: CommandContext): Promise<number>;
}

/** Commands by name. */
export type CommandTable = Readonly<Record<string, CommandSpec>>;
