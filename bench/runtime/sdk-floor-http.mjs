// Reference server of `bench/runtime.mjs` over HTTP: the least any server built on the SDK's
// protocol layer can spend on a stateless tools/call. One long-lived McpServer with the bench tool
// (the SDK validates its input and output), a transport of a few lines that hands each POSTed
// request to it under an id of its own and writes the answer as one `application/json` body, and
// the SDK's Host/Origin guards in front: no journal, metrics, logs, auth, limits, timeouts or
// request ids, nothing but what the protocol needs. Serves single 2025-era requests only (the
// bench's calls); anything else gets 400. Prints `{"url":…}` on stdout once listening.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';

import { localhostHostValidation, localhostOriginValidation } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';

import { TOOL, toolResult } from './tool.mjs';

const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

const server = new McpServer({ name: 'sdk-floor', version: '0.0.0' });
server.registerTool(
  TOOL.name,
  { description: TOOL.description, inputSchema: TOOL.input, outputSchema: TOOL.output },
  async (args) => toolResult(args),
);

/** What handlers see as `ctx.http.req`: the tool reads nothing of it, so one shared view does. */
const REQUEST_VIEW = { method: 'POST', url: 'http://127.0.0.1/mcp', headers: new globalThis.Headers() };

/** Responses waiting for their answer, by the id the instance saw. */
const waiting = new Map();
let nextId = 1;
const transport = {
  start: async () => undefined,
  close: async () => undefined,
  send: async (message) => {
    const entry = 'result' in message || 'error' in message ? waiting.get(message.id) : undefined;
    if (entry === undefined) return;
    waiting.delete(message.id);
    const text = JSON.stringify({ ...message, id: entry.clientId });
    entry.res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    entry.res.end(text);
  },
};
await server.connect(transport);

function reject(res, message) {
  const text = JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32600, message } });
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(text);
}

const http = createServer((req, res) => {
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  if (req.method !== 'POST') return reject(res, 'POST only');
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reject(res, 'not JSON');
    }
    if (typeof body?.method !== 'string' || body.id === undefined) return reject(res, 'one request only');
    const id = nextId++;
    waiting.set(id, { res, clientId: body.id });
    res.once('close', () => waiting.delete(id));
    transport.onmessage?.({ ...body, id }, { request: REQUEST_VIEW });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${http.address().port}/mcp` })}\n`);
});
