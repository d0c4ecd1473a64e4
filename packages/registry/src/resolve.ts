/**
 * From a registry name to something a client can connect to. This is the seam the test harness
 * (`mcp-factory test <name>`) and the gateway use: a stdio target (command, args, the declared
 * environment variables taken from the caller's environment, working directory) or an HTTP target
 * (URL and headers whose values come from the caller's environment). Callers add their base
 * environment (PATH and the like) themselves.
 *
 * @module
 */
import { Catalog, type CatalogOptions } from './catalog.js';
import { RegistryError, RegistryErrorCode } from './errors.js';
import type { ServerEntry, Transport } from './schema.js';

/** A server to spawn. */
export interface StdioTarget {
  kind: 'stdio';
  command: string;
  args: string[];
  /** Only the variables the entry declares, with values from the caller's environment. */
  env: Record<string, string>;
  cwd?: string;
}

/** A server to reach over Streamable HTTP. */
export interface HttpTarget {
  kind: 'http';
  url: string;
  headers: Record<string, string>;
}

/** Where to connect. */
export type ResolvedTarget = StdioTarget | HttpTarget;

/** Options of {@link resolveEntry} and {@link resolveServer}. */
export interface ResolveOptions {
  /** Where declared variables' values come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Which transport to use when the entry has both; default the entry's first. */
  prefer?: 'stdio' | 'http';
}

function pick(transports: readonly Transport[], prefer: ResolveOptions['prefer']): Transport | undefined {
  return (prefer === undefined ? undefined : transports.find((t) => t.type === prefer)) ?? transports[0];
}

/** The target of an entry (see the module's doc). */
export function resolveEntry(entry: ServerEntry, options: ResolveOptions = {}): ResolvedTarget {
  const env = options.env ?? process.env;
  const transport = pick(entry.transports, options.prefer);
  if (transport === undefined) {
    throw new RegistryError(RegistryErrorCode.InvalidEntry, `${entry.name} has no transport.`, { server: entry.name });
  }
  if (transport.type === 'http') {
    const headers: Record<string, string> = {};
    for (const header of transport.headers) {
      const value = env[header.env];
      if (value !== undefined) headers[header.name] = value;
    }
    return { kind: 'http', url: transport.url, headers };
  }
  const names = new Set([...transport.env, ...entry.config.map((item) => item.name)]);
  const declared: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) declared[name] = value;
  }
  return {
    kind: 'stdio',
    command: transport.command,
    args: [...transport.args],
    env: declared,
    ...(transport.cwd === undefined ? {} : { cwd: transport.cwd }),
  };
}

/** Required configuration the caller's environment does not provide. */
export function missingConfig(entry: ServerEntry, env: NodeJS.ProcessEnv = process.env): string[] {
  return entry.config.filter((item) => item.required && env[item.name] === undefined).map((item) => item.name);
}

/** Looks `name` up in the catalog and resolves it; `NOT_FOUND` when unknown. */
export async function resolveServer(
  name: string,
  options: ResolveOptions & { catalog?: Catalog | CatalogOptions } = {},
): Promise<ResolvedTarget> {
  const catalog = options.catalog instanceof Catalog ? options.catalog : new Catalog(options.catalog ?? {});
  return resolveEntry(await catalog.get(name), options);
}
