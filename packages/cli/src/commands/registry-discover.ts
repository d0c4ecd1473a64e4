/**
 * `mcp-factory discover`: runs every discovery source over the current folder and the user's client
 * configs, registers what they found (refreshing entries of the same origin, keeping entries from
 * elsewhere), and with `--inspect` connects to each one, reporting those that do not start.
 *
 * @module
 */
import { homedir } from 'node:os';

import { discover, isRegistryError } from '@mcp-factory/registry';

import { CliError } from '../errors.js';
import { formatDiscovery } from './registry-print.js';
import { catalogOf, command, inspectAndStore } from './registry-shared.js';

/** The `discover` command. */
export const discoverCommand = command('discover', {
  synopsis: 'discover [--inspect | --dry-run]',
  summary: 'find servers in factory projects, node_modules, server.json and client configs',
  usage: `Looks in the current folder (a factory project and its sub-folders, node_modules, server.json,
.mcp.json, .cursor/mcp.json, .vscode/mcp.json) and the user's client configs (~/.claude.json,
~/.cursor/mcp.json, Claude Desktop). Each source's problems are reported and never stop the others.
Options:
  --dry-run   report without registering
  --project   register into ./.mcp-factory/registry.json
  --inspect   then inspect each server found (one that does not start is reported, the rest go on)
  --json      print the result as JSON
`,
  flags: { booleans: ['json', 'dry-run', 'project', 'inspect'] },
  async run(args, { io }) {
    if (args.positionals.length > 0) throw new CliError('discover: takes no arguments.');
    if (args.booleans.has('inspect') && args.booleans.has('dry-run')) {
      throw new CliError('discover: --inspect registers what it inspects; it cannot be combined with --dry-run.');
    }
    const result = await discover({ cwd: io.cwd, home: io.env.HOME ?? homedir(), env: io.env });
    let saved: { added: string[]; updated: string[]; kept: string[] } | undefined;
    if (!args.booleans.has('dry-run')) {
      saved = { added: [], updated: [], kept: [] };
      const catalog = catalogOf(io);
      const scope = args.booleans.has('project') ? 'project' : 'user';
      for (const server of result.servers) {
        const existing = await catalog.find(server.name);
        if (existing === undefined) {
          await catalog.add(server, { scope });
          saved.added.push(server.name);
        } else if (existing.origin.source === server.origin.source && existing.origin.path === server.origin.path) {
          // Same origin: refresh what the source says, keep the cache and pins.
          await catalog.modify(server.name, (entry) => {
            entry.transports = server.transports as typeof entry.transports;
            entry.config = (server.config ?? []) as typeof entry.config;
            if (server.description !== undefined) entry.description = server.description;
            if (server.version !== undefined) entry.version = server.version;
          });
          saved.updated.push(server.name);
        } else {
          saved.kept.push(server.name);
        }
      }
    }
    const inspected: Array<{ name: string; ok: boolean; detail: string }> = [];
    if (args.booleans.has('inspect')) {
      const catalog = catalogOf(io);
      for (const server of result.servers) {
        try {
          const { cache, changes } = await inspectAndStore(catalog, server.name, io, false);
          const changed = changes.filter((change) => change.kind === 'changed').length;
          inspected.push({
            name: server.name,
            ok: changed === 0,
            detail: `${cache.tools.length} tools, ${cache.toolsTokens} tokens${changed === 0 ? '' : `; ${changed} tool definition(s) CHANGED since pinned`}`,
          });
        } catch (error) {
          if (!isRegistryError(error)) throw error;
          inspected.push({ name: server.name, ok: false, detail: error.message });
        }
      }
    }
    if (args.booleans.has('json')) {
      const extra = { ...(saved === undefined ? {} : { saved }), ...(inspected.length === 0 ? {} : { inspected }) };
      io.out(`${JSON.stringify({ ...result, ...extra }, null, 2)}\n`);
    } else {
      io.out(formatDiscovery(result, saved));
      for (const item of inspected) {
        io.out(`inspect ${item.name}: ${item.ok ? 'ok, ' : 'FAILED: '}${item.detail.split('\n').join('\n    ')}\n`);
      }
    }
    return 0;
  },
});
