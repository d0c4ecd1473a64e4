/**
 * What the registry commands share: the catalog of the invocation's environment, the base
 * environment of spawned servers, the command wrapper (flags, `--help`, registry errors → exit
 * codes) and inspect-and-store.
 *
 * @module
 */
import { homedir } from 'node:os';

import {
  Catalog,
  applyInspection,
  inspectTarget,
  isRegistryError,
  missingConfig,
  resolveEntry,
  type ResolvedTarget,
  type ScopedEntry,
} from '@mcp-factory/registry';

import type { CommandContext, CommandSpec } from '../command.js';
import { CliError } from '../errors.js';
import type { Io } from '../io.js';
import { parseArgs, type FlagSpec, type ParsedArgs } from './registry-args.js';

/** Variables a spawned server gets besides its declared ones (the SDK's safe list, plus the state home). */
export const BASE_ENV = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'TMPDIR',
  'LANG',
  'MCP_FACTORY_STATE_HOME',
  'XDG_STATE_HOME',
];

/** The base environment of a spawned server: the {@link BASE_ENV} variables of `env` that are set. */
export function baseEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(BASE_ENV.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

/** The catalog of this invocation: the state home of its environment, the project store of its cwd. */
export function catalogOf(io: Io): Catalog {
  return new Catalog({ env: io.env, cwd: io.cwd, home: io.env.HOME ?? homedir() });
}

/**
 * The registered server `name` as something to start or reach: its declared variables from the
 * environment plus the base environment (PATH, HOME, …) — what `test <name>` uses.
 */
export async function resolveRegistryName(name: string, io: Io): Promise<ResolvedTarget> {
  const entry = await catalogOf(io).get(name);
  const target = resolveEntry(entry, { env: io.env });
  return target.kind === 'stdio' ? { ...target, env: { ...baseEnv(io.env), ...target.env } } : target;
}

/** A registry command before wrapping: its flags, help text and body. */
export interface Spec {
  synopsis: string;
  summary: string;
  usage: string;
  flags: FlagSpec;
  run(args: ParsedArgs, context: CommandContext): Promise<number>;
}

/** Wraps a command: parses flags, prints `--help`, turns registry errors into messages. */
export function command(name: string, spec: Spec): CommandSpec {
  return {
    synopsis: spec.synopsis,
    summary: spec.summary,
    async run(rawArgs, context) {
      const args = parseArgs(rawArgs, spec.flags, name);
      if (args.booleans.has('help')) {
        context.io.out(`Usage: mcp-factory ${spec.synopsis}\n\n${spec.summary}\n\n${spec.usage}`);
        return 0;
      }
      try {
        return await spec.run(args, context);
      } catch (error) {
        if (!isRegistryError(error)) throw error;
        context.io.err(`mcp-factory ${name}: ${error.message}\n`);
        return error.code === 'INVALID_NAME' ? 2 : 1;
      }
    },
  };
}

/** The single positional argument; a usage error when it is missing or followed by more. */
export function one(args: ParsedArgs, what: string, command: string): string {
  const [value, extra] = args.positionals;
  if (value === undefined) throw new CliError(`${command}: missing <${what}>.`);
  if (extra !== undefined) throw new CliError(`${command}: unexpected argument ${JSON.stringify(extra)}.`);
  return value;
}

/** Warns on stderr about required configuration the environment does not provide. */
export function warnMissing(entry: ScopedEntry, io: Io): void {
  const missing = missingConfig(entry, io.env);
  if (missing.length > 0)
    io.err(`mcp-factory: ${entry.name} needs ${missing.join(', ')} in the environment; starting anyway.\n`);
}

/** Inspects the entry called `name` and stores the result (pins, changes) where it lives. */
export async function inspectAndStore(catalog: Catalog, name: string, io: Io, accept: boolean) {
  const entry = await catalog.get(name);
  warnMissing(entry, io);
  const inspection = await inspectTarget(resolveEntry(entry, { env: io.env }), {
    baseEnv: baseEnv(io.env),
    label: entry.name,
  });
  let changes: ReturnType<typeof applyInspection> = [];
  const updated = await catalog.modify(entry.name, (stored) => {
    changes = applyInspection(stored, inspection, { accept });
  });
  return { entry: updated, cache: inspection.cache, changes };
}
