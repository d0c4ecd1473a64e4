/**
 * Arguments of `mcp-factory dev`.
 *
 * @module
 */
import { CliError } from '../errors.js';

/** Usage text of `mcp-factory dev`. */
export const DEV_USAGE = `Usage: mcp-factory dev [project | name] [options] [-- command [args...]]

Runs the server of [project] (a folder; default: the current folder) behind a proxy that keeps the
client connected: on every save it rebuilds (esbuild, no type-check), restarts the server, replays
the handshake and tells the client what changed (list_changed). Register this command, not the
server, in your client.

A registered name (see \`mcp-factory list\`) works too when its entry is a factory project: dev runs
that project's folder. Other entries (npm packages, client configs, URLs) have no sources to watch
and are refused.

Options:
  --entry <file>     server entry, relative to the project (default src/index.ts)
  --grace <ms>       how long a replaced server may finish calls in flight (default 5000)
  --debounce <ms>    quiet time after a change before reloading (default 50)
  --no-warm          do not keep a spare Node process started ahead of time
  -- command args    run this command instead of building (restarted as it is on every change)
  -h, --help         show this help
`;

/** Parsed arguments. */
export interface DevArgs {
  help: boolean;
  project: string | undefined;
  entry: string | undefined;
  graceMs: number | undefined;
  debounceMs: number | undefined;
  warm: boolean;
  command: { command: string; args: string[] } | undefined;
}

function milliseconds(flag: string, value: string | undefined): number {
  if (value === undefined) throw new CliError(`${flag} needs a value in milliseconds.\n\n${DEV_USAGE}`);
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 600_000)
    throw new CliError(`${flag} must be a whole number of milliseconds (0–600000), got ${JSON.stringify(value)}.`);
  return parsed;
}

/** Parses `dev`'s arguments; throws `CliError` on bad usage. */
export function parseDevArgs(argv: readonly string[]): DevArgs {
  const args: DevArgs = {
    help: false,
    project: undefined,
    entry: undefined,
    graceMs: undefined,
    debounceMs: undefined,
    warm: true,
    command: undefined,
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++index];
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--entry': {
        const entry = value();
        if (entry === undefined || entry === '') throw new CliError(`--entry needs a file.\n\n${DEV_USAGE}`);
        args.entry = entry;
        break;
      }
      case '--grace':
        args.graceMs = milliseconds('--grace', value());
        break;
      case '--debounce':
        args.debounceMs = milliseconds('--debounce', value());
        break;
      case '--no-warm':
        args.warm = false;
        break;
      case '--': {
        const [command, ...rest] = argv.slice(index + 1);
        if (command === undefined) throw new CliError(`"--" must be followed by a command.\n\n${DEV_USAGE}`);
        args.command = { command, args: rest };
        index = argv.length;
        break;
      }
      default:
        if (arg.startsWith('-')) throw new CliError(`Unknown option ${arg} for dev.\n\n${DEV_USAGE}`);
        if (args.project !== undefined)
          throw new CliError(`dev takes one project folder or registered name, got a second: ${arg}`);
        args.project = arg;
    }
  }
  return args;
}
