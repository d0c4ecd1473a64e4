// A dependency-free stdio MCP server serving one generated domain of ./domains.mjs (argv[2]).
// Calls answer with a short text naming the tool, so the bench can check routing.
import { createInterface } from 'node:readline';

import { domainTools } from './domains.mjs';

const domain = process.argv[2];
const tools = domainTools(domain);
const names = new Set(tools.map((tool) => tool.name));
const send = (message) => process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line);
  if (request.id === undefined) return;
  if (request.method === 'initialize') {
    send({
      id: request.id,
      result: {
        protocolVersion: request.params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: domain, version: '1.0.0' },
      },
    });
  } else if (request.method === 'tools/list') {
    send({ id: request.id, result: { tools } });
  } else if (request.method === 'tools/call' && names.has(request.params?.name)) {
    send({ id: request.id, result: { content: [{ type: 'text', text: `${domain}/${request.params.name} ok` }] } });
  } else if (request.method === 'ping') {
    send({ id: request.id, result: {} });
  } else {
    send({
      id: request.id,
      error: { code: -32601, message: `Unknown ${request.method} ${request.params?.name ?? ''}` },
    });
  }
});
