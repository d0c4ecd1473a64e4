/**
 * `mcp-factory logs`: reads the journal a server writes (`MCP_JOURNAL_DIR`), one line per call:
 * time, name, status, duration, request id and, for failures, the error. `--follow` keeps
 * printing as records are appended, across segment rotation.
 *
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import type { CorruptLine, JournalFilter, JournalRecord, RelayTarget } from '@mcp-factory/runtime';

import { CliError } from '../errors.js';
import { formatDuration } from '../table.js';
import { parseStrict } from './strict-args.js';

export const LOGS_USAGE = `Usage: mcp-factory logs [dir] [options]

Prints the journal of calls a server wrote (run it with MCP_JOURNAL_DIR set): one line per
tools/call, resources/read or prompts/get with its time, name, status, duration, request id and
error. [dir] is the journal's directory, a server project (its journal/ folder, or its default
journal in the state directory), or a server's name (default: .).

Options:
  -f, --follow          keep printing calls as they are journaled (Ctrl-C to stop)
      --tool <name>     only calls of this tool (or resource, or prompt); for a gateway's
                        journal, also the calls it relayed to a downstream tool of that name
      --server <name>   only calls a gateway relayed to this downstream server
      --since <when>    only calls from then on: an ISO time (2026-01-02T10:00Z) or an age (30s, 10m, 2h, 1d)
      --errors          only failed calls
      --json            print the records as JSON, one per line
  -h, --help            show this help
`;

/** Parsed arguments of `logs`. */
export interface LogsArgs {
  /** As given (relative to the working directory). */
  readonly dir: string;
  readonly follow: boolean;
  readonly tool: string | undefined;
  readonly server: string | undefined;
  readonly since: Date | undefined;
  readonly errors: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

/** The runtime, loaded when `logs` runs: loading it up front would cost every other command ~250 ms. */
const runtime = () => import('@mcp-factory/runtime');

/** True for the runtime's `JournalError` (no journal where one was expected): a failure, exit 1. */
export function isJournalError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'JournalError';
}

const AGE = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: an ISO date-time, or an age such as `10m` counted back from `now`. */
export function parseSince(text: string, now = Date.now()): Date {
  const wanted = `--since wants an ISO time (2026-01-02T10:00:00Z) or an age (30s, 10m, 2h, 1d), got ${JSON.stringify(text)}.`;
  const age = AGE.exec(text.trim());
  if (age !== null) {
    const since = new Date(now - Number(age[1]) * UNIT_MS[age[2] as keyof typeof UNIT_MS]);
    // An age past what a Date holds (about 273 000 years) would filter out every record without a word.
    if (Number.isNaN(since.getTime())) throw new CliError(`--since ${text} reaches back further than a date can.`);
    return since;
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(text.trim());
  const time = day === null ? Number.NaN : Date.parse(text.trim());
  if (Number.isNaN(time) || day === null) throw new CliError(wanted);
  // Date.parse rolls a day past the month's end over (2026-02-30 → March 2): refuse it instead.
  const [, year, month, date] = day;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(date)));
  if (calendar.getUTCMonth() !== Number(month) - 1 || calendar.getUTCDate() !== Number(date)) {
    throw new CliError(`--since ${text}: ${year}-${month}-${date} is not a day of the calendar.`);
  }
  return new Date(time);
}

/** Parses `logs`'s argv. */
export function parseLogsArgs(argv: readonly string[], now = Date.now()): LogsArgs {
  const { values, positionals } = parseStrict('logs', argv, {
    follow: { type: 'boolean', short: 'f' },
    tool: { type: 'string' },
    server: { type: 'string' },
    since: { type: 'string' },
    errors: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (positionals.length > 1) {
    throw new CliError(`logs takes one directory, got ${positionals.length}. See "mcp-factory logs --help".`);
  }
  for (const flag of ['tool', 'server'] as const) {
    if (values[flag]?.trim() === '') {
      throw new CliError(`--${flag} wants a name, got an empty string. See "mcp-factory logs --help".`);
    }
  }
  return {
    dir: positionals[0] ?? '.',
    follow: values.follow === true,
    tool: values.tool,
    server: values.server,
    since: values.since === undefined ? undefined : parseSince(values.since, now),
    errors: values.errors === true,
    json: values.json === true,
    help: values.help === true,
  };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** A bare server name (`weather`, `@acme/weather`), as opposed to a path. */
const SERVER_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/i;

async function packageName(dir: string): Promise<string | undefined> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
    return typeof pkg.name === 'string' ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The journal directory `given` names, tried in order: a directory holding segments
 * (`journal-*.jsonl`); a folder with a `journal/` inside; a server project (its `package.json`
 * name) whose default journal is in the state directory; a bare server name, likewise. Throws a
 * `not_found` `JournalError` that lists what was looked for.
 */
export async function resolveJournalDir(
  given: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const { JournalError, defaultJournalDir } = await runtime();
  const path = resolve(cwd, given);
  const looked: string[] = [];
  const hasSegments = async (dir: string) =>
    (await isDirectory(dir)) && (await readdir(dir)).some((name) => /^journal-\d+\.jsonl$/.test(name));
  const candidates: string[] = [];
  if (await isDirectory(path)) {
    candidates.push(path, join(path, 'journal'));
    const name = await packageName(path);
    if (name !== undefined && SERVER_NAME.test(name)) candidates.push(defaultJournalDir(name, env));
  } else if (SERVER_NAME.test(given)) {
    candidates.push(defaultJournalDir(given, env));
  } else if (/^journal-\d+\.jsonl$/.test(basename(path)) && (await isFile(path))) {
    // A segment's own path: its folder is the journal.
    candidates.push(dirname(path));
  } else {
    throw new JournalError(`No journal at ${path}: no such directory.`, 'not_found');
  }
  for (const candidate of candidates) {
    if (await hasSegments(candidate)) return candidate;
    looked.push(candidate);
  }
  throw new JournalError(
    `No journal found; looked in ${looked.join(', ')}. Servers journal to MCP_JOURNAL_DIR when set, else (generated servers) to their folder in the state directory; name the directory or the server.`,
    'not_found',
  );
}

/** What `logs` produces, in order: records, and the lines that are not valid records. */
export type LogsItem =
  { kind: 'record'; record: JournalRecord; relay: RelayTarget | undefined } | { kind: 'corrupt'; line: CorruptLine };

/** What `logs` needs from its caller. */
export interface LogsDeps {
  /** Where a relative `dir` starts. */
  readonly cwd: string;
  /** Where the state directory is (`MCP_FACTORY_STATE_HOME`, `XDG_STATE_HOME`); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Ends `--follow`. */
  readonly signal?: AbortSignal;
  /** `--follow` polling period; default 200 ms. */
  readonly pollMs?: number;
}

/** The journal's records (and corrupt lines) matching the arguments; with `follow`, until `deps.signal` aborts. */
export async function* runLogs(args: LogsArgs, deps: LogsDeps): AsyncGenerator<LogsItem> {
  const dir = await resolveJournalDir(args.dir, deps.cwd, deps.env);
  const { followJournal, readJournal, relayTarget } = await runtime();
  const corrupt: CorruptLine[] = [];
  const filter: JournalFilter & { onCorrupt: (line: CorruptLine) => void } = {
    ...(args.tool === undefined ? {} : { name: args.tool }),
    ...(args.server === undefined ? {} : { server: args.server }),
    ...(args.since === undefined ? {} : { since: args.since }),
    errorsOnly: args.errors,
    onCorrupt: (line) => corrupt.push(line),
  };
  const records = args.follow
    ? followJournal(dir, {
        ...filter,
        from: 'start',
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
        ...(deps.pollMs === undefined ? {} : { pollMs: deps.pollMs }),
      })
    : readJournal(dir, filter);
  for await (const record of records) {
    for (let line = corrupt.shift(); line !== undefined; line = corrupt.shift()) yield { kind: 'corrupt', line };
    yield { kind: 'record', record, relay: relayTarget(record) };
  }
  for (let line = corrupt.shift(); line !== undefined; line = corrupt.shift()) yield { kind: 'corrupt', line };
}

/**
 * One readable line: time, name, status, duration, request id, and the error of a failed call. A
 * call a gateway relayed names where it went: `call_tool → beta/echo`, `echo → beta`.
 */
export function formatRecord(record: JournalRecord, relay?: RelayTarget): string {
  const duration = formatDuration(record.durationMs).padStart(8);
  const error =
    record.error === undefined ? '' : `  ${record.error.code}: ${record.error.message.replace(/\s+/g, ' ')}`;
  const own = record.uri ?? record.name;
  // The downstream tool is left out where the record's own name already says it (the passthrough's).
  const target =
    relay === undefined ? '' : relay.name === '' || relay.name === own ? relay.server : `${relay.server}/${relay.name}`;
  const name = relay === undefined ? own : `${own} → ${target}`;
  return `${record.ts}  ${name.padEnd(24)}  ${record.status.padEnd(5)}  ${duration}  ${record.requestId}${error}\n`;
}

/** The warning for a line that is not a valid record. */
export function formatCorrupt(line: CorruptLine): string {
  return `mcp-factory logs: skipped ${line.segment} line ${line.line} (byte ${line.offset}): ${line.reason}\n`;
}
