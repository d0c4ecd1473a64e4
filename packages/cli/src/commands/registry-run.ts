/**
 * `mcp-factory run <name>`: starts a registered stdio server with the caller's standard streams
 * (so a client can launch `mcp-factory run <name>` as its command), or with `--http` serves it over
 * Streamable HTTP on 127.0.0.1 through a small JSON-RPC bridge: each POSTed request is forwarded to
 * the one server process under a bridge id (so clients cannot collide) and its response returned
 * as `application/json` with the client's id; notifications are forwarded and answered 202;
 * requests the server sends to a client are refused (-32601), since the bridge is stateless.
 * Host and Origin are checked against loopback (DNS-rebinding protection).
 *
 * @module
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

import type { StdioTarget } from '@mcp-factory/registry';
import { allowedHostnames, checkHost, checkOrigin } from '@mcp-factory/runtime';

/** Largest request body accepted by the bridge. */
const MAX_BODY = 4 * 1024 * 1024;
/** How long a forwarded request may wait for the server's answer. */
const REQUEST_TIMEOUT_MS = 120_000;

/** Streams and environment a run uses. */
export interface RunIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  err(text: string): void;
  /** Base environment for the child (PATH and the like); the target's variables are added. */
  baseEnv: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

function spawnTarget(target: StdioTarget, io: RunIo): ChildProcessWithoutNullStreams {
  return spawn(target.command, target.args, {
    env: { ...io.baseEnv, ...target.env },
    ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 0)));
  });
}

/** Runs `target` on the caller's streams; resolves with its exit code. */
export async function runStdio(target: StdioTarget, io: RunIo): Promise<number> {
  const child = spawnTarget(target, io);
  const done = exitCode(child);
  child.once('error', (error) => io.err(`mcp-factory: cannot start ${target.command}: ${error.message}\n`));
  io.stdin.pipe(child.stdin);
  child.stdout.pipe(io.stdout, { end: false });
  child.stderr.on('data', (chunk: Buffer) => io.err(chunk.toString('utf8')));
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    return await done;
  } finally {
    io.signal.removeEventListener('abort', stop);
    io.stdin.unpipe(child.stdin);
  }
}

type JsonRpcId = string | number | null;
interface JsonRpcMessage {
  jsonrpc?: unknown;
  id?: JsonRpcId;
  method?: unknown;
  result?: unknown;
  error?: unknown;
}

function rpcError(id: JsonRpcId, code: number, message: string): object {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Serves `target` over Streamable HTTP on 127.0.0.1:`port` until the signal or the server ends. */
export async function runHttpBridge(target: StdioTarget, port: number, io: RunIo, label: string): Promise<number> {
  const child = spawnTarget(target, io);
  const done = exitCode(child);
  child.once('error', (error) => io.err(`mcp-factory: cannot start ${target.command}: ${error.message}\n`));
  child.stderr.on('data', (chunk: Buffer) => io.err(chunk.toString('utf8')));
  const pending = new Map<string, (message: JsonRpcMessage) => void>();
  let next = 0;
  const send = (message: unknown): void => {
    child.stdin.write(`${JSON.stringify(message)}\n`);
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    let message: JsonRpcMessage;
    try {
      message = JSON.parse(line) as JsonRpcMessage;
    } catch {
      io.err(`mcp-factory: ${label} wrote a non-JSON line on stdout: ${line.slice(0, 200)}\n`);
      return;
    }
    if (typeof message.method === 'string') {
      // A request from the server to a client: nobody can answer it through a stateless bridge.
      if (message.id !== undefined)
        send(rpcError(message.id, -32601, 'the HTTP bridge does not forward server requests'));
      return;
    }
    const waiter = pending.get(String(message.id));
    if (waiter !== undefined) {
      pending.delete(String(message.id));
      waiter(message);
    }
  });
  const forward = (message: JsonRpcMessage): Promise<object | undefined> => {
    if (
      message === null ||
      typeof message !== 'object' ||
      message.jsonrpc !== '2.0' ||
      typeof message.method !== 'string'
    ) {
      return Promise.resolve(rpcError(null, -32600, 'Invalid Request'));
    }
    if (message.id === undefined) {
      send(message);
      return Promise.resolve(undefined);
    }
    const bridgeId = `bridge-${++next}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(bridgeId);
        resolve(rpcError(message.id ?? null, -32603, `${label} did not answer within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      pending.set(bridgeId, (answer) => {
        clearTimeout(timer);
        resolve({ ...answer, id: message.id });
      });
      send({ ...message, id: bridgeId });
    });
  };
  const allowed = allowedHostnames('127.0.0.1');
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const refuse = (status: number, body: object | string): void => {
      response.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const hint = '`mcp-factory run --http` answers loopback names only';
    const guard =
      checkHost(request.headers.host, allowed, hint) ?? checkOrigin(request.headers.origin, allowed, undefined, hint);
    if (guard !== undefined) return refuse(403, rpcError(null, -32000, guard));
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/mcp') return refuse(404, 'Not found: the MCP endpoint is /mcp\n');
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' });
      response.end();
      return;
    }
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') {
      request.resume();
      return refuse(415, rpcError(null, -32000, 'Unsupported Media Type: send Content-Type: application/json.'));
    }
    const body = await readBody(request);
    if (body === undefined) return refuse(413, rpcError(null, -32600, 'request body too large'));
    let parsed: unknown;
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return refuse(400, rpcError(null, -32700, 'Parse error'));
    }
    if (Array.isArray(parsed) && parsed.length === 0)
      return refuse(400, rpcError(null, -32600, 'Invalid Request: an empty JSON-RPC batch.'));
    if (!Array.isArray(parsed) && (parsed === null || typeof parsed !== 'object'))
      return refuse(400, rpcError(null, -32600, 'Invalid Request: the body is not a JSON-RPC message.'));
    const messages = (Array.isArray(parsed) ? parsed : [parsed]) as JsonRpcMessage[];
    const answers = (await Promise.all(messages.map(forward))).filter((answer) => answer !== undefined);
    if (answers.length === 0) {
      response.writeHead(202);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  io.err(`${JSON.stringify({ msg: 'server started', server: label, url: `http://127.0.0.1:${address.port}/mcp` })}\n`);
  const stop = (): void => {
    child.kill('SIGTERM');
  };
  io.signal.addEventListener('abort', stop, { once: true });
  try {
    return await done;
  } finally {
    io.signal.removeEventListener('abort', stop);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
