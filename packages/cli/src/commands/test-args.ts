/**
 * Parsing of `mcp-factory test` arguments into a target and run options (no I/O here).
 *
 * @module
 */
import { GROUPS, type Group } from '@mcp-factory/harness';

import { CliError } from '../errors.js';

/** Where a report goes. */
export interface ReporterSpec {
  readonly format: 'text' | 'json' | 'junit';
  /** A file path (relative to the working directory), or undefined for stdout. */
  readonly file?: string;
}

/** Parsed `test` arguments. */
export interface TestArgs {
  readonly help: boolean;
  /** What to test: a registry name, a URL, or a command after `--`. */
  readonly subject:
    | { readonly kind: 'name'; readonly name: string }
    | { readonly kind: 'url'; readonly url: string }
    | { readonly kind: 'command'; readonly command: string; readonly args: readonly string[] }
    | undefined;
  readonly reporters: readonly ReporterSpec[];
  readonly only?: readonly Group[];
  readonly call: boolean;
  readonly baseline?: string;
  readonly load?: { concurrency: number; durationS: number; tool: string; args?: Record<string, unknown> };
  readonly timeoutMs?: number;
  readonly tokenWarn?: number;
  readonly env: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
}

/** Help of `mcp-factory test`. */
export const TEST_USAGE = `Usage: mcp-factory test <name | url | -- command [args…]> [options]

Black-box test of any MCP server: lifecycle, listings, error behaviour, HTTP security and (HTTP)
the official conformance suite. Exits 1 when a check fails.

Options:
  --reporter <text|json|junit>[=file]  report format, to stdout or a file; repeatable (default text)
  --only <group,…>                     only these groups: ${GROUPS.join(', ')}
  --call                               smoke-call every tool with arguments generated from its schema
  --baseline <file.yml>                known failures (server: scenario names, harness: check ids);
                                       a listed entry that passes fails the run (stale baseline)
  --load <N> --duration <S> --tool <T> [--args <json>]
                                       N concurrent callers of tool T for S seconds: p50/p95/p99,
                                       throughput, errors
  --timeout <ms>                       wait for each answer (default 10000)
  --token-warn <n>                     warn when tools/list exceeds n cl100k tokens (default 10000)
  --env KEY=VALUE                      extra environment for a command (repeatable)
  --header 'Name: value'               extra header for a URL (repeatable; never printed)
  -h, --help                           this help
`;

function positiveNumber(flag: string, value: string | undefined, max = Number.MAX_SAFE_INTEGER): number {
  const number = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new CliError(`${flag} needs a positive number, got ${value === undefined ? 'nothing' : `"${value}"`}.`);
  }
  if (number > max) throw new CliError(`${flag} must be at most ${max}, got ${value}.`);
  return number;
}

function reporter(value: string): ReporterSpec {
  const [format, ...rest] = value.split('=');
  const file = rest.join('=');
  if (format !== 'text' && format !== 'json' && format !== 'junit') {
    throw new CliError(`--reporter must be text, json or junit (optionally =file), got "${value}".`);
  }
  if (rest.length > 0 && file === '') throw new CliError(`--reporter ${format}= needs a file name.`);
  return rest.length === 0 ? { format } : { format, file };
}

/** Parses `test` arguments; throws `CliError` on bad usage. */
export function parseTestArgs(argv: readonly string[]): TestArgs {
  const dashDash = argv.indexOf('--');
  const options = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const command = dashDash === -1 ? undefined : argv.slice(dashDash + 1);
  const reporters: ReporterSpec[] = [];
  const env: Record<string, string> = {};
  const headers: Record<string, string> = {};
  const positionals: string[] = [];
  let help = false;
  let call = false;
  let only: Group[] | undefined;
  let baseline: string | undefined;
  let timeoutMs: number | undefined;
  let tokenWarn: number | undefined;
  let loadN: number | undefined;
  let duration: number | undefined;
  let tool: string | undefined;
  let loadArgs: Record<string, unknown> | undefined;
  for (let index = 0; index < options.length; index++) {
    const arg = options[index] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = options[index + 1];
      if (next === undefined || next.startsWith('--')) throw new CliError(`${flag} needs a value.`);
      index += 1;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--reporter':
        reporters.push(reporter(value()));
        break;
      case '--call':
        call = true;
        break;
      case '--only': {
        const groups = value()
          .split(',')
          .map((group) => group.trim())
          .filter((group) => group !== '');
        const unknown = groups.filter((group) => !(GROUPS as readonly string[]).includes(group));
        if (unknown.length > 0 || groups.length === 0) {
          throw new CliError(
            `--only takes groups among ${GROUPS.join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}.`,
          );
        }
        only = groups as Group[];
        break;
      }
      case '--baseline':
        baseline = value();
        break;
      case '--timeout':
        timeoutMs = positiveNumber('--timeout', value(), 3_600_000);
        break;
      case '--token-warn':
        tokenWarn = positiveNumber('--token-warn', value());
        break;
      case '--load':
        loadN = positiveNumber('--load', value(), 1_000_000);
        if (!Number.isInteger(loadN)) throw new CliError('--load needs a whole number of callers.');
        break;
      case '--duration':
        duration = positiveNumber('--duration', value(), 86_400);
        break;
      case '--tool':
        tool = value();
        break;
      case '--args': {
        const text = value();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (error) {
          throw new CliError(`--args is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new CliError('--args must be a JSON object.');
        loadArgs = parsed as Record<string, unknown>;
        break;
      }
      case '--env': {
        const pair = value();
        const equals = pair.indexOf('=');
        if (equals <= 0) throw new CliError(`--env takes KEY=VALUE, got "${pair}".`);
        env[pair.slice(0, equals)] = pair.slice(equals + 1);
        break;
      }
      case '--header': {
        const pair = value();
        const colon = pair.indexOf(':');
        if (colon <= 0) throw new CliError(`--header takes 'Name: value' (the value is not shown here).`);
        headers[pair.slice(0, colon).trim().toLowerCase()] = pair.slice(colon + 1).trim();
        break;
      }
      default:
        if (arg.startsWith('-')) throw new CliError(`Unknown option "${arg}" for test.\n\n${TEST_USAGE}`);
        positionals.push(arg);
    }
  }
  let subject: TestArgs['subject'];
  if (command !== undefined) {
    if (positionals.length > 0)
      throw new CliError(`Give either a name/URL or "-- command", not both (got "${positionals.join(' ')}").`);
    const [program, ...rest] = command;
    if (program === undefined) throw new CliError('"--" must be followed by the command that starts the server.');
    subject = { kind: 'command', command: program, args: rest };
  } else if (positionals.length > 1) {
    throw new CliError(`Expected one server, got "${positionals.join(' ')}"; put a command after "--".`);
  } else if (positionals[0] !== undefined) {
    const one = positionals[0];
    subject = /^https?:\/\//i.test(one) ? { kind: 'url', url: one } : { kind: 'name', name: one };
  }
  if (subject === undefined && !help) throw new CliError(`test needs a server.\n\n${TEST_USAGE}`);
  const loadFlags = [loadN, duration, tool].filter((item) => item !== undefined).length;
  if (loadFlags > 0 && loadFlags < 3)
    throw new CliError('--load needs --duration and --tool as well (and --args optionally).');
  if (loadArgs !== undefined && loadFlags === 0) throw new CliError('--args goes with --load.');
  if (subject?.kind === 'url' && Object.keys(env).length > 0)
    throw new CliError('--env applies to commands, not URLs.');
  if (subject?.kind === 'command' && Object.keys(headers).length > 0)
    throw new CliError('--header applies to URLs, not commands.');
  if (subject?.kind === 'url') {
    try {
      new URL(subject.url);
    } catch {
      throw new CliError(`"${subject.url}" is not a valid URL.`);
    }
  }
  const toStdout = (reporters.length === 0 ? [{ format: 'text' } as ReporterSpec] : reporters).filter(
    (spec) => spec.file === undefined,
  );
  if (toStdout.length > 1) throw new CliError('Only one --reporter may write to stdout; give the others =file.');
  return {
    help,
    subject,
    reporters: reporters.length === 0 ? [{ format: 'text' }] : reporters,
    ...(only === undefined ? {} : { only }),
    call,
    ...(baseline === undefined ? {} : { baseline }),
    ...(loadN !== undefined && duration !== undefined && tool !== undefined
      ? {
          load: {
            concurrency: loadN,
            durationS: duration,
            tool,
            ...(loadArgs === undefined ? {} : { args: loadArgs }),
          },
        }
      : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(tokenWarn === undefined ? {} : { tokenWarn }),
    env,
    headers,
  };
}
