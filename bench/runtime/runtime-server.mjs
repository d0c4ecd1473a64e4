// The `lookup` tool on @mcp-factory/runtime (its built dist/) with every feature on: the journal
// (MCP_JOURNAL_DIR, interval fsync by default), metrics, argument validation, the access log, the
// policy chain. `--transport stdio` (default) or `--transport http [--stateful-json]`; over HTTP it
// prints `{"url":…}` on stdout once listening, and caps V8's heap growth as `runMain` does for a
// generated HTTP server (`MCP_HEAP_GROWING_PERCENT`).
import { capHeapGrowth, createServer, defineTool, serve } from '../../packages/runtime/dist/index.js';

import { TOOL, answer } from './tool.mjs';

const app = createServer({
  name: 'runtime-bench',
  version: '0.0.0',
  tools: [
    defineTool({
      name: TOOL.name,
      description: TOOL.description,
      input: TOOL.input,
      output: TOOL.output,
      run: (args) => answer(args),
    }),
  ],
});

const http = process.argv.includes('http');
const statefulJson = process.argv.includes('--stateful-json');
if (http) {
  capHeapGrowth();
  const handle = await serve(app, {
    transport: 'http',
    port: 0,
    ...(statefulJson ? { mode: 'stateful', jsonResponse: true } : {}),
  });
  process.stdout.write(`${JSON.stringify({ url: handle.url })}\n`);
} else {
  await serve(app, { transport: 'stdio' });
}
