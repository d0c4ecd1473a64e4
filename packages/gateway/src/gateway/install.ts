/**
 * Installing a server for the gateway (`install_server`): into its own folder under the install
 * directory, with argv-only child processes (`npm install --ignore-scripts`, `git clone`), pinned
 * to the resolved version or commit, its tools inspected and hash-pinned before first use. The
 * manifest `gateway-install.json` in each folder is what later gateway runs load.
 *
 * `--ignore-scripts`: an install must not run a package's code before the user ever called it;
 * servers published to npm ship built files. A git repository that needs a build step is refused
 * with a clear error when its bin is missing.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

import { runCommand as runWithoutLimit, type CommandResult, type RunCommandOptions } from '@mcp-factory/scaffold';

import { Downstream } from './downstream.js';
import { GatewayError, GatewayErrorCode } from './errors.js';
import { classifySource, type InstallSource } from './install-source.js';
import type { StdioServerSpec } from './server-source.js';
import { toolsHash } from './tools-hash.js';

/** One install step (git or npm) may take this long before it is killed. */
const STEP_TIMEOUT_MS = 180_000;

function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  return runWithoutLimit(command, args, { timeoutMs: STEP_TIMEOUT_MS, ...options });
}

/** The manifest of an installed server. */
export interface InstallManifest {
  readonly name: string;
  readonly source: string;
  readonly kind: InstallSource['kind'];
  /** `name@version` for npm and tarballs, the commit for git. */
  readonly pinned: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly toolsHash: string;
  readonly tools: readonly string[];
  readonly installedAt: string;
}

/** The manifest file in each server folder. */
export const MANIFEST = 'gateway-install.json';

function installFailed(source: string, step: string, result: CommandResult): GatewayError {
  const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-8).join('\n');
  return new GatewayError(
    GatewayErrorCode.InstallFailed,
    `installing ${JSON.stringify(source)} failed at ${step}${result.timedOut ? ' (timed out)' : ` (exit ${String(result.code)})`}:\n${tail}`,
  );
}

/** The folder of `name` under `installDir`, refusing anything that would resolve outside it. */
export function serverFolder(installDir: string, name: string): string {
  const root = resolve(installDir);
  const folder = resolve(root, name);
  const rel = relative(root, folder);
  if (rel === '' || rel.startsWith('..') || rel.includes(sep)) {
    throw new GatewayError(
      GatewayErrorCode.SourceRefused,
      `server name ${JSON.stringify(name)} escapes the install folder`,
    );
  }
  return folder;
}

interface PackageJson {
  name?: string;
  version?: string;
  bin?: string | Record<string, string>;
  main?: string;
  dependencies?: Record<string, string>;
}

async function readPackage(dir: string): Promise<PackageJson> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** The entry file of a package: its (first) bin, else `main`. */
function entryOf(pkg: PackageJson, dir: string, source: string): string {
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin === undefined ? undefined : Object.values(pkg.bin)[0];
  const entry = bin ?? pkg.main;
  if (entry === undefined) {
    throw new GatewayError(
      GatewayErrorCode.InstallFailed,
      `${JSON.stringify(source)} declares no "bin" or "main" to run`,
    );
  }
  const path = resolve(dir, entry);
  if (!path.startsWith(resolve(dir) + sep)) {
    throw new GatewayError(GatewayErrorCode.SourceRefused, `${JSON.stringify(source)}: its bin escapes its package`);
  }
  if (!existsSync(path)) {
    throw new GatewayError(
      GatewayErrorCode.InstallFailed,
      `${JSON.stringify(source)}: ${entry} does not exist (a package that needs a build step must be published built)`,
    );
  }
  return path;
}

const NPM_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error'];

/** Options of {@link installServer}. */
export interface InstallOptions {
  readonly installDir: string;
  /** Resolves relative tarball paths; default the process's cwd. */
  readonly cwd?: string;
  /** Overrides the server name derived from the source. */
  readonly name?: string;
  /** `npm` executable; default `npm`. */
  readonly npm?: string;
  /** Where the inspection run's stderr goes. */
  readonly logDir: string;
}

/** Installs, pins and inspects a server; returns its manifest (also written to its folder). */
export async function installServer(source: string, options: InstallOptions): Promise<InstallManifest> {
  const classified = classifySource(source, options.cwd ?? process.cwd(), options.name);
  const folder = serverFolder(options.installDir, classified.name);
  if (existsSync(folder)) {
    throw new GatewayError(
      GatewayErrorCode.SourceRefused,
      `a server named "${classified.name}" is already installed (${folder}); pass another name`,
    );
  }
  await mkdir(folder, { recursive: true });
  try {
    const npm = options.npm ?? 'npm';
    let entry: string;
    let pinned: string;
    let cwd: string;
    if (classified.kind === 'git') {
      const repo = join(folder, 'repo');
      const clone = await runCommand('git', ['clone', '--quiet', '--', classified.url, repo], { cwd: folder });
      if (clone.code !== 0) throw installFailed(source, 'git clone', clone);
      const head = await runCommand('git', ['-C', repo, 'rev-parse', 'HEAD'], { cwd: folder });
      if (head.code !== 0) throw installFailed(source, 'git rev-parse', head);
      const commit = head.stdout.trim();
      // Detach at the resolved commit: the install is that commit, whatever the branch does later.
      const checkout = await runCommand('git', ['-C', repo, 'checkout', '--quiet', '--detach', commit], {
        cwd: folder,
      });
      if (checkout.code !== 0) throw installFailed(source, 'git checkout', checkout);
      const pkg = await readPackage(repo);
      // npm reads the project's own .npmrc, and settings such as `git=` or `script-shell` run
      // commands even with --ignore-scripts: a repository that brings one is not installed.
      if (existsSync(join(repo, '.npmrc'))) {
        throw new GatewayError(
          GatewayErrorCode.SourceRefused,
          `install_server refused ${JSON.stringify(source)}: the repository has an .npmrc, whose settings can run commands during npm install; read it and install the server by hand`,
        );
      }
      if (Object.keys(pkg.dependencies ?? {}).length > 0) {
        const install = await runCommand(npm, ['install', '--omit=dev', ...NPM_FLAGS], { cwd: repo });
        if (install.code !== 0) throw installFailed(source, 'npm install', install);
      }
      entry = entryOf(pkg, repo, source);
      pinned = commit;
      cwd = repo;
    } else {
      const spec = classified.kind === 'npm' ? classified.spec : classified.path;
      await writeFile(
        join(folder, 'package.json'),
        `${JSON.stringify({ private: true, name: 'gateway-installed-server' })}\n`,
      );
      const install = await runCommand(npm, ['install', '--prefix', folder, ...NPM_FLAGS, '--', spec], { cwd: folder });
      if (install.code !== 0) throw installFailed(source, 'npm install', install);
      const manifest = await readPackage(folder);
      const [packageName] = Object.keys(manifest.dependencies ?? {});
      if (packageName === undefined) {
        throw new GatewayError(GatewayErrorCode.InstallFailed, `npm installed nothing for ${JSON.stringify(source)}`);
      }
      const dir = join(folder, 'node_modules', ...packageName.split('/'));
      const pkg = await readPackage(dir);
      entry = entryOf(pkg, dir, source);
      pinned = `${packageName}@${pkg.version ?? '0.0.0'}`;
      cwd = folder;
    }
    const spec: StdioServerSpec = {
      name: classified.name,
      kind: 'stdio',
      command: process.execPath,
      args: [entry],
      env: {},
      cwd,
    };
    // Inspect before first use: start it once, list its tools, hash them.
    const probe = new Downstream(spec, { logDir: options.logDir, idleMs: 0 });
    let tools;
    try {
      tools = (await probe.list()).tools;
    } finally {
      await probe.stop();
    }
    const manifest: InstallManifest = {
      name: classified.name,
      source,
      kind: classified.kind,
      pinned,
      command: spec.command,
      args: spec.args,
      cwd,
      toolsHash: toolsHash(tools),
      tools: tools.map((tool) => tool.name),
      installedAt: new Date().toISOString(),
    };
    await writeFile(join(folder, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** The spec a manifest describes (pinned to its tools hash). */
export function specOf(manifest: InstallManifest): StdioServerSpec {
  return {
    name: manifest.name,
    kind: 'stdio',
    command: manifest.command,
    args: [...manifest.args],
    env: {},
    cwd: manifest.cwd,
    toolsHash: manifest.toolsHash,
  };
}

/** Every installed server under `installDir` (folders without a valid manifest are skipped). */
export async function installedServers(installDir: string): Promise<StdioServerSpec[]> {
  let entries;
  try {
    entries = await readdir(installDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const specs: StdioServerSpec[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    try {
      const manifest = JSON.parse(await readFile(join(installDir, entry.name, MANIFEST), 'utf8')) as InstallManifest;
      if (manifest.name === entry.name) specs.push(specOf(manifest));
    } catch {
      // An interrupted install: no manifest, nothing to serve.
    }
  }
  return specs.sort((a, b) => (a.name < b.name ? -1 : 1));
}
