// Baseline of `bench/runtime.mjs` over HTTP: the SDK's documented stateless pattern for a plain
// `node:http` server (README of @modelcontextprotocol/node): Host/Origin guards, then a new
// McpServer and a new transport for every request. `--stateful-json` instead keeps one transport
// per session with JSON responses (`enableJsonResponse`), the mode typescript-sdk#2559 is about.
// Prints `{"url":…}` on stdout once listening.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

import {
  localhostHostValidation,
  localhostOriginValidation,
  NodeStreamableHTTPServerTransport,
} from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';

import { TOOL, toolResult } from './tool.mjs';

const statefulJson = process.argv.includes('--stateful-json');
const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

function newServer() {
  const server = new McpServer({ name: 'plain', version: '0.0.0' });
  server.registerTool(
    TOOL.name,
    { description: TOOL.description, inputSchema: TOOL.input, outputSchema: TOOL.output },
    async (args) => toolResult(args),
  );
  return server;
}

const sessions = new Map();

async function stateful(req, res) {
  const id = req.headers['mcp-session-id'];
  let transport = typeof id === 'string' ? sessions.get(id) : undefined;
  if (transport === undefined) {
    transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (sessionId) => sessions.set(sessionId, transport),
    });
    await newServer().connect(transport);
  }
  await transport.handleRequest(req, res);
}

const http = createServer(async (req, res) => {
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  if (statefulJson) {
    await stateful(req, res);
    return;
  }
  const server = newServer();
  const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${http.address().port}/mcp` })}\n`);
});
