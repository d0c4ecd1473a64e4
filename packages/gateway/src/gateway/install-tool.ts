/**
 * The `install_server` meta-tool: installs a server (see ./install.ts) and adds it to the running
 * gateway, so an agent can find and call its tools without restarting its client.
 *
 * @module
 */
import { join } from 'node:path';

import { defineTool, InvalidParamsError, z, type ToolDefinition } from '@mcp-factory/runtime';

import type { Gateway } from './gateway.js';
import { installServer, specOf } from './install.js';
import { classifySource } from './install-source.js';
import { guarded } from './meta-tools.js';

/** `install_server(source, name?)` over `installDir`; logs go to `logDir`. */
export function installServerTool(gateway: Gateway, installDir: string, logDir: string): ToolDefinition {
  return defineTool({
    name: 'install_server',
    description: 'Install a server from npm, a .tgz or a git URL (pinned); then use call_tool.',
    input: z.object({
      source: z.string().min(1).max(2048),
      name: z.string().min(1).max(64).optional(),
    }),
    timeoutMs: 300_000,
    async run({ source, name }) {
      // A server already there keeps its name: an install must not take over what the user configured.
      const wanted = name ?? (await guarded(async () => classifySource(source, process.cwd()).name));
      if (gateway.hasServer(wanted)) {
        throw new InvalidParamsError(`install_server: a server named "${wanted}" already exists; pass another name.`);
      }
      const manifest = await guarded(() =>
        installServer(source, { installDir, logDir: join(logDir, 'install'), ...(name === undefined ? {} : { name }) }),
      );
      gateway.addServer(specOf(manifest));
      return JSON.stringify({
        server: manifest.name,
        pinned: manifest.pinned,
        toolsHash: manifest.toolsHash,
        tools: manifest.tools,
      });
    },
  });
}
