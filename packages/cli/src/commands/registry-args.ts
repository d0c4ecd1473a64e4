/**
 * Argument parsing for the registry commands: positionals, boolean flags, valued flags (repeatable
 * ones collect), and everything after `--` kept verbatim (the command of `add`). Unknown flags
 * and missing values are usage errors.
 *
 * @module
 */
import { CliError } from '../errors.js';

/** What a command accepts. */
export interface FlagSpec {
  /** Flags without a value, e.g. `json`. */
  booleans?: readonly string[];
  /** Flags taking one value, e.g. `port`. */
  values?: readonly string[];
  /** Flags taking a value, repeatable, e.g. `arg`. */
  lists?: readonly string[];
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: string[];
  booleans: Set<string>;
  values: Map<string, string>;
  lists: Map<string, string[]>;
  /** Everything after `--`, or undefined when there was no `--`. */
  rest: string[] | undefined;
}

/** Parses `args` by `spec` (see the module's doc); `--help` sets the `help` boolean. */
export function parseArgs(args: readonly string[], spec: FlagSpec, command: string): ParsedArgs {
  const parsed: ParsedArgs = {
    positionals: [],
    booleans: new Set(),
    values: new Map(),
    lists: new Map(),
    rest: undefined,
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      parsed.rest = args.slice(index + 1);
      break;
    }
    if (arg === '-h' || arg === '--help') {
      parsed.booleans.add('help');
      continue;
    }
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (spec.booleans?.includes(name) === true) {
      if (inline !== undefined) throw new CliError(`${command}: --${name} takes no value.`);
      parsed.booleans.add(name);
      continue;
    }
    const isValue = spec.values?.includes(name) === true;
    const isList = spec.lists?.includes(name) === true;
    if (!isValue && !isList)
      throw new CliError(`${command}: unknown option --${name}. See \`mcp-factory ${command} --help\`.`);
    const value = inline ?? args[++index];
    if (value === undefined) throw new CliError(`${command}: --${name} needs a value.`);
    if (isList) parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
    else if (parsed.values.has(name)) throw new CliError(`${command}: --${name} was given twice; give it once.`);
    else parsed.values.set(name, value);
  }
  return parsed;
}

/** Turns `--arg key=value` pairs into tool arguments, typed by the tool's input schema when known. */
export function toolArguments(
  pairs: readonly string[],
  json: string | undefined,
  inputSchema: unknown,
): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (json !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(json) as unknown;
    } catch (error) {
      throw new CliError(`call: --json is not valid JSON (${(error as Error).message}).`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new CliError('call: --json must be a JSON object of arguments.');
    }
    args = { ...(value as Record<string, unknown>) };
  }
  const properties =
    inputSchema !== null && typeof inputSchema === 'object'
      ? ((inputSchema as { properties?: Record<string, { type?: unknown }> }).properties ?? {})
      : {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`call: --arg expects key=value, got ${JSON.stringify(pair)}.`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const type = properties[key]?.type;
    if (type === 'string') {
      args[key] = raw;
      continue;
    }
    let value: unknown;
    try {
      // Numbers, booleans, arrays and objects are written as JSON; anything else stays a string.
      value = JSON.parse(raw) as unknown;
    } catch {
      value = raw;
    }
    // JSON numbers too large for a double (1e999) parse to Infinity and would be sent as null.
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new CliError(`call: --arg ${key}=${raw} is too large a number to send.`);
    args[key] = value;
  }
  return args;
}
