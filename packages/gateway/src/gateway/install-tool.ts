/**
 * Placeholder replaced below by the real install tool.
 *
 * @module
 */
import { defineTool, ToolError, z, type ToolDefinition } from '@mcp-factory/runtime';

import type { Gateway } from './gateway.js';

/** `install_server(source)`. */
export function installServerTool(_gateway: Gateway, _installDir: string): ToolDefinition {
  return defineTool({
    name: 'install_server',
    description: 'Install a server from npm or git.',
    input: z.object({ source: z.string() }),
    run: () => {
      throw new ToolError('not yet');
    },
  });
}
