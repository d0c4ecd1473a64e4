/**
 * Discovery: runs every source (factory projects, npm packages, server.json files, client configs)
 * over injectable paths and gathers what they found. One source's failure — a thrown error or a
 * broken file — is reported under that source and never stops the others. The first source to
 * find a name keeps it; later finds of the same name are reported as duplicates.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { NewEntry } from '../catalog.js';
import { defaultClientConfigs, discoverClientConfigs, type ClientConfigFile } from './client-configs.js';
import { discoverFactoryProjects } from './factory-projects.js';
import { subfolders } from './fs-utils.js';
import { discoverNpmPackages } from './npm-packages.js';
import { discoverServerJson } from './server-json.js';
import type { DiscoveryProblem, SourceResult } from './types.js';

/** The discovery sources, in precedence order. */
export type SourceName = 'factory-projects' | 'npm-packages' | 'server-json' | 'client-configs';

/** Where to look; every field defaults from `cwd` and `home`. */
export interface DiscoveryOptions {
  /** Project folder; default `process.cwd()`. */
  cwd?: string;
  /** User's home; default `os.homedir()`. */
  home?: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Folders that may be factory projects; default `cwd` and its sub-folders. */
  projectDirs?: string[];
  /** `node_modules` folders to scan; default `cwd/node_modules`. */
  nodeModules?: string[];
  /** server.json files; default `cwd/server.json`. */
  serverJsonFiles?: string[];
  /** Client config files; default {@link defaultClientConfigs}. */
  clientConfigs?: ClientConfigFile[];
  /** Sources to run; default all. */
  sources?: SourceName[];
}

/** One source's report. */
export interface SourceReport {
  source: SourceName;
  found: string[];
  problems: DiscoveryProblem[];
}

/** Everything discovery found. */
export interface DiscoveryResult {
  servers: NewEntry[];
  reports: SourceReport[];
}

/** Runs the sources (see the module's doc). */
export async function discover(options: DiscoveryOptions = {}): Promise<DiscoveryResult> {
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const runners: Record<SourceName, () => Promise<SourceResult>> = {
    'factory-projects': async () =>
      discoverFactoryProjects(
        options.projectDirs ?? [
          cwd,
          ...(await subfolders(cwd))
            .filter((name) => !name.startsWith('.') && name !== 'node_modules')
            .map((name) => join(cwd, name)),
        ],
      ),
    'npm-packages': () => discoverNpmPackages(options.nodeModules ?? [join(cwd, 'node_modules')]),
    'server-json': () => discoverServerJson(options.serverJsonFiles ?? [join(cwd, 'server.json')]),
    'client-configs': () =>
      discoverClientConfigs(
        options.clientConfigs ?? defaultClientConfigs(cwd, home, options.platform, options.env),
        cwd,
      ),
  };
  const order: SourceName[] = ['factory-projects', 'npm-packages', 'server-json', 'client-configs'];
  const wanted = options.sources ?? order;
  const servers: NewEntry[] = [];
  const taken = new Map<string, SourceName>();
  const reports: SourceReport[] = [];
  for (const source of order.filter((name) => wanted.includes(name))) {
    let result: SourceResult;
    try {
      result = await runners[source]();
    } catch (error) {
      reports.push({ source, found: [], problems: [{ path: cwd, reason: (error as Error).message }] });
      continue;
    }
    const report: SourceReport = { source, found: [], problems: [...result.problems] };
    for (const server of result.servers) {
      const owner = taken.get(server.name);
      if (owner !== undefined) {
        report.problems.push({
          path: server.origin.path ?? '',
          reason: `${server.name} is already provided by ${owner}; this one was skipped`,
        });
        continue;
      }
      taken.set(server.name, source);
      servers.push(server);
      report.found.push(server.name);
    }
    reports.push(report);
  }
  return { servers, reports };
}

export {
  defaultClientConfigs,
  claudeDesktopConfigPath,
  type ClientConfigFile,
  type ClientKind,
} from './client-configs.js';
export type { DiscoveryProblem } from './types.js';
