/**
 * Installed npm packages that declare an MCP server: an `mcpName` in their package.json and/or a
 * `server.json` at their root. Each runs as `node <entry file>` from where it is installed (plus
 * the package arguments its server.json declares); its server.json, when present, supplies the
 * description and the configuration it needs.
 *
 * @module
 */
import { join } from 'node:path';

import type { NewEntry } from '../catalog.js';
import { toServerName } from '../names.js';
import { parseJson, readTextIfExists, subfolders } from './fs-utils.js';
import { entryFile, stringField, type PackageJsonLike } from './package-entry.js';
import { entryFromServerJson, parseServerJson } from './server-json.js';
import { addFinding, scanPlaces, type SourceResult } from './types.js';

async function packageFolders(nodeModules: string): Promise<string[]> {
  const folders: string[] = [];
  for (const name of await subfolders(nodeModules)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const scoped of await subfolders(join(nodeModules, name))) folders.push(join(nodeModules, name, scoped));
    } else {
      folders.push(join(nodeModules, name));
    }
  }
  return folders;
}

/** Inspects one package folder: undefined when it declares no MCP server. */
export async function discoverPackage(dir: string): Promise<NewEntry | { path: string; reason: string } | undefined> {
  const packageFile = join(dir, 'package.json');
  const serverFile = join(dir, 'server.json');
  const [packageText, serverText] = await Promise.all([readTextIfExists(packageFile), readTextIfExists(serverFile)]);
  if (packageText === undefined) return undefined;
  const parsedPackage = parseJson(packageText);
  if ('error' in parsedPackage) {
    // Only worth a report when the folder says it is an MCP server.
    return serverText === undefined ? undefined : { path: packageFile, reason: parsedPackage.error };
  }
  const pkg = (parsedPackage.value ?? {}) as PackageJsonLike;
  const mcpName = stringField(pkg.mcpName);
  if (mcpName === undefined && serverText === undefined) return undefined;
  const packageName = stringField(pkg.name);
  const name = toServerName(packageName ?? mcpName ?? dir);
  if (name === undefined) return { path: packageFile, reason: `cannot derive a server name from ${packageName}` };
  const entry = await entryFile(dir, pkg);
  if ('reason' in entry) return { path: packageFile, reason: entry.reason };
  const origin = { source: 'npm-package' as const, path: packageFile };
  const version = stringField(pkg.version);
  const packageRef = {
    registryType: 'npm',
    identifier: packageName ?? name,
    ...(version === undefined ? {} : { version }),
    arguments: [],
  };
  if (serverText !== undefined) {
    const parsed = parseJson(serverText);
    const doc = 'error' in parsed ? parsed.error : parseServerJson(parsed.value);
    if (typeof doc === 'string') return { path: serverFile, reason: doc };
    const fromServerJson = entryFromServerJson(doc, origin, { command: 'node', args: [entry.file], name });
    if (typeof fromServerJson === 'string') return { path: serverFile, reason: fromServerJson };
    return { ...fromServerJson, package: fromServerJson.package ?? packageRef };
  }
  const description = stringField(pkg.description);
  return {
    name,
    ...(version === undefined ? {} : { version }),
    ...(description === undefined ? {} : { description }),
    transports: [{ type: 'stdio', command: 'node', args: [entry.file], env: [] }],
    origin,
    config: [],
    package: packageRef,
    ...(mcpName === undefined ? {} : { registryName: mcpName }),
  };
}

/** Scans each `node_modules` folder (and its `@scope/` folders). */
export async function discoverNpmPackages(nodeModulesDirs: readonly string[]): Promise<SourceResult> {
  const dirs: string[] = [];
  for (const nodeModules of nodeModulesDirs) dirs.push(...(await packageFolders(nodeModules)));
  return scanPlaces(
    dirs,
    (dir) => dir,
    async (dir, result) => addFinding(result, await discoverPackage(dir)),
  );
}
