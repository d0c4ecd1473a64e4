/**
 * The registry as a server source: every server in the factory's catalog (the user store plus the
 * project's), resolved the way `mcp-factory run` resolves it — declared variables taken from the
 * given environment, values never stored. The gateway falls back to it when no client config file
 * is given or found.
 *
 * @module
 */
import { Catalog, resolveEntry, type CatalogOptions } from '@mcp-factory/registry';

import type { ServerSource, ServerSpec } from './server-source.js';

/** Options of {@link registrySource}. */
export interface RegistrySourceOptions {
  /** Where the catalog's files are (defaults from the process). */
  catalog?: CatalogOptions;
  /** Where declared variables' values come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The gateway's name for a registry name: a scoped npm name `@scope/pkg` becomes `scope.pkg` (the
 * gateway's server names are folder and namespace safe: letters, digits, `_`, `.`, `-`).
 */
export function gatewayServerName(registryName: string): string {
  return registryName.replace(/^@/, '').replace(/\//g, '.');
}

/** A {@link ServerSource} over the registry's catalog. */
export function registrySource(options: RegistrySourceOptions = {}): ServerSource {
  const catalog = new Catalog(options.catalog ?? {});
  return {
    description: 'the mcp-factory registry',
    async list() {
      const entries = await catalog.list();
      return entries
        .filter((entry) => entry.transports.length > 0)
        .map((entry): ServerSpec => {
          const target = resolveEntry(entry, options.env === undefined ? {} : { env: options.env });
          return target.kind === 'http'
            ? { name: gatewayServerName(entry.name), kind: 'http', url: target.url, headers: target.headers }
            : {
                name: gatewayServerName(entry.name),
                kind: 'stdio',
                command: target.command,
                args: target.args,
                env: target.env,
                ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
              };
        });
    },
  };
}
