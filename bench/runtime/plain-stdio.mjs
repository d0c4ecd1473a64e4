// Baseline of `bench/runtime.mjs` over stdio: the `lookup` tool the way the SDK's docs show it
// (McpServer + registerTool + serveStdio), nothing else.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

import { TOOL, toolResult } from './tool.mjs';

serveStdio(() => {
  const server = new McpServer({ name: 'plain', version: '0.0.0' });
  server.registerTool(
    TOOL.name,
    { description: TOOL.description, inputSchema: TOOL.input, outputSchema: TOOL.output },
    async (args) => toolResult(args),
  );
  return server;
});
