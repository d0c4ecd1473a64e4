/**
 * `server.json` files of the official MCP Registry schema
 * (https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json): name, version,
 * description, `packages[]` (registryType, identifier, version, transport, environmentVariables,
 * packageArguments) and `remotes[]` (type, url, headers). Each becomes one entry: a stdio
 * transport per runnable package (npm → `npx -y id@version`, pypi → `uvx id==version`, oci →
 * `docker run -i --rm id:version`) and an HTTP transport per remote.
 *
 * @module
 */
import { z } from 'zod';

import type { NewEntry } from '../catalog.js';
import { toServerName } from '../names.js';
import type { ConfigItem, PackageRef, Transport } from '../schema.js';
import { parseJson, readTextIfExists } from './fs-utils.js';
import { addFinding, scanPlaces, type SourceResult } from './types.js';

const InputSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  isSecret: z.boolean().optional(),
});

const ArgumentSchema = z.object({
  type: z.enum(['positional', 'named']),
  name: z.string().optional(),
  value: z.string().optional(),
  valueHint: z.string().optional(),
});

const PackageSchema = z.object({
  registryType: z.string(),
  identifier: z.string(),
  version: z.string().optional(),
  transport: z.object({ type: z.string(), url: z.string().optional() }),
  environmentVariables: z.array(InputSchema).optional(),
  packageArguments: z.array(ArgumentSchema).optional(),
});

const RemoteSchema = z.object({
  type: z.string(),
  url: z.string(),
  headers: z.array(InputSchema).optional(),
});

/** The parts of a server.json the registry uses. */
export const ServerJsonSchema = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  packages: z.array(PackageSchema).optional(),
  remotes: z.array(RemoteSchema).optional(),
});
export type ServerJson = z.infer<typeof ServerJsonSchema>;
type PackageJsonEntry = z.infer<typeof PackageSchema>;

/** The environment variable that carries an HTTP header's value: `X-Api-Key` → `X_API_KEY`. */
export function headerEnvName(header: string): string {
  return header.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/** A package's arguments as argv (positional values; named `--flag value`). */
export function packageArguments(pkg: PackageJsonEntry): string[] {
  const argv: string[] = [];
  for (const argument of pkg.packageArguments ?? []) {
    const value = argument.value ?? argument.valueHint;
    if (argument.type === 'named' && argument.name !== undefined) argv.push(argument.name);
    if (value !== undefined) argv.push(value);
  }
  return argv;
}

function launcher(pkg: PackageJsonEntry): { command: string; args: string[] } | undefined {
  const versioned = (separator: string): string =>
    pkg.version === undefined ? pkg.identifier : `${pkg.identifier}${separator}${pkg.version}`;
  switch (pkg.registryType) {
    case 'npm':
      return { command: 'npx', args: ['-y', versioned('@'), ...packageArguments(pkg)] };
    case 'pypi':
      return { command: 'uvx', args: [versioned('=='), ...packageArguments(pkg)] };
    case 'oci':
      return { command: 'docker', args: ['run', '-i', '--rm', versioned(':'), ...packageArguments(pkg)] };
    default:
      return undefined;
  }
}

function configOf(items: readonly z.infer<typeof InputSchema>[] | undefined): ConfigItem[] {
  return (items ?? []).map((item) => ({
    name: item.name,
    ...(item.description === undefined ? {} : { description: item.description }),
    required: item.isRequired ?? false,
    secret: item.isSecret ?? false,
  }));
}

/** Validates a parsed server.json; a reason string when it is not one. */
export function parseServerJson(value: unknown): ServerJson | string {
  const parsed = ServerJsonSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  return `not a server.json (${parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ')})`;
}

/**
 * The entry a server.json describes. `local` replaces the package launchers by a command that
 * runs an installed copy (used by the npm-packages source).
 */
export function entryFromServerJson(
  doc: ServerJson,
  origin: NewEntry['origin'],
  local?: { command: string; args: string[]; name?: string },
): NewEntry | string {
  const name = local?.name ?? toServerName(doc.name);
  if (name === undefined) return `cannot derive a server name from ${JSON.stringify(doc.name)}`;
  const transports: Transport[] = [];
  const config: ConfigItem[] = [];
  let packageRef: PackageRef | undefined;
  for (const pkg of doc.packages ?? []) {
    if (pkg.transport.type !== 'stdio') continue;
    const env = configOf(pkg.environmentVariables);
    config.push(...env.filter((item) => !config.some((known) => known.name === item.name)));
    packageRef ??= {
      registryType: pkg.registryType,
      identifier: pkg.identifier,
      ...(pkg.version === undefined ? {} : { version: pkg.version }),
      arguments: packageArguments(pkg),
    };
    const run =
      local === undefined ? launcher(pkg) : { command: local.command, args: [...local.args, ...packageArguments(pkg)] };
    if (run === undefined) continue;
    if (transports.some((t) => t.type === 'stdio')) continue;
    transports.push({ type: 'stdio', command: run.command, args: run.args, env: env.map((item) => item.name) });
  }
  if (local !== undefined && !transports.some((t) => t.type === 'stdio')) {
    transports.push({ type: 'stdio', command: local.command, args: local.args, env: [] });
  }
  for (const remote of doc.remotes ?? []) {
    if (remote.type !== 'streamable-http' || /[{}]/.test(remote.url)) continue;
    const headers = configOf(remote.headers).map((item) => ({ ...item, name: item.name }));
    transports.push({
      type: 'http',
      url: remote.url,
      headers: headers.map((item) => ({ name: item.name, env: headerEnvName(item.name) })),
    });
    for (const header of headers) {
      const envName = headerEnvName(header.name);
      if (!config.some((known) => known.name === envName)) {
        config.push({
          ...header,
          name: envName,
          description: header.description ?? `value of the ${header.name} header`,
        });
      }
    }
  }
  if (transports.length === 0) return 'no stdio package or streamable-http remote this registry can run';
  return {
    name,
    ...(doc.version === undefined ? {} : { version: doc.version }),
    ...(doc.description === undefined ? {} : { description: doc.description }),
    transports,
    origin,
    config,
    ...(packageRef === undefined ? {} : { package: packageRef }),
    registryName: doc.name,
  };
}

/** Reads each server.json in `files` (missing files are skipped silently). */
export async function discoverServerJson(files: readonly string[]): Promise<SourceResult> {
  return scanPlaces(
    files,
    (path) => path,
    async (path, result) => {
      const text = await readTextIfExists(path);
      if (text === undefined) return;
      const json = parseJson(text);
      const doc = 'error' in json ? json.error : parseServerJson(json.value);
      const entry = typeof doc === 'string' ? doc : entryFromServerJson(doc, { source: 'server-json', path });
      addFinding(result, typeof entry === 'string' ? { path, reason: entry } : entry);
    },
  );
}
