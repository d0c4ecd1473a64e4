/**
 * `@mcp-factory/runtime/testing`: helpers for the three test levels of a generated server.
 *
 * - unit: {@link invokeTool} runs one tool through the real policy chain (validation, timeout,
 *   error mapping) with no transport and no client, so tests can inject a mocked API client;
 * - integration: {@link connectInProcess} connects the official SDK client to the app in process,
 *   as a 2025-era client (linked in-memory transports) or a 2026-07-28 client (the HTTP handler's
 *   `fetch`, no socket);
 * - end to end: {@link connectStdio} and {@link connectHttp} talk to a real subprocess or URL.
 *
 * Needs `@modelcontextprotocol/client` (a dev dependency of generated projects). Every connected
 * client gets {@link deliverProgressBeforeResults}, so a test sees each progress notification the
 * server sent, also the one written right before the result.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import {
  InMemoryTransport,
  createMcpHandler,
  type CallToolResult,
  type ServerContext,
} from '@modelcontextprotocol/server';

import { deliverProgressBeforeResults } from '../progress-order.js';
import type { McpApp } from '../server.js';

/** Options of {@link invokeTool}. */
export interface InvokeOptions {
  /** Aborts the call as a client cancellation would. */
  signal?: AbortSignal;
  /** Progress token; progress notifications are then collected in `notifications`. */
  progressToken?: string | number;
  era?: 'legacy' | 'modern';
  /**
   * Responses to the input requests of an earlier round (2026-07-28 multi-round-trip), keyed as
   * the tool named them in its `inputRequired(...)` result; the tool reads them from
   * `ctx.mcp.mcpReq.inputResponses`. Omitted: a first round.
   */
  inputResponses?: Record<string, unknown>;
}

/** The result of {@link invokeTool} plus the notifications the tool sent. */
export interface InvokeResult {
  result: CallToolResult;
  notifications: { method: string; params?: unknown }[];
}

/**
 * Runs tool `name` of `app` through the policy chain, without a transport. Unknown tools throw.
 * The SDK context is synthetic: notifications are recorded, sampling and elicitation throw.
 */
export async function invokeTool(
  app: McpApp,
  name: string,
  args: unknown,
  options: InvokeOptions = {},
): Promise<InvokeResult> {
  const definition = app.tools.find((tool) => tool.name === name);
  if (definition === undefined)
    throw new Error(`No tool "${name}" in ${app.info.name}; it has: ${app.tools.map((t) => t.name).join(', ')}`);
  const notifications: InvokeResult['notifications'] = [];
  const unsupported = (): never => {
    throw new Error('invokeTool has no client: sampling and elicitation need connectInProcess()');
  };
  const sdk = {
    mcpReq: {
      id: 1,
      method: 'tools/call',
      ...(options.progressToken === undefined ? {} : { _meta: { progressToken: options.progressToken } }),
      ...(options.inputResponses === undefined ? {} : { inputResponses: options.inputResponses }),
      signal: options.signal ?? new AbortController().signal,
      requestState: () => undefined,
      notify: async (notification: { method: string; params?: unknown }) => {
        notifications.push(notification);
      },
      send: unsupported,
      log: async (level: string, data: unknown) => {
        notifications.push({ method: 'notifications/message', params: { level, data } });
      },
      elicitInput: unsupported,
      requestSampling: unsupported,
    },
  } as unknown as ServerContext;
  const call = app.createCall({ definition, args, sdk, era: options.era ?? 'legacy' });
  const result = (await app.dispatch(call)) as CallToolResult;
  return { result, notifications };
}

/** A connected client and the way to close everything it opened. */
export interface Connection {
  readonly client: Client;
  close(): Promise<void>;
}

/** Options of the `connect*` helpers. */
export interface ConnectOptions {
  /**
   * `legacy` (default): the 2025 initialize handshake, offering `protocolVersion` (default the
   * SDK's latest 2025-era revision). `modern`: a 2026-07-28 client (`server/discover`).
   */
  era?: 'legacy' | 'modern';
  /** 2025-era revision to offer, e.g. `2025-06-18`. */
  protocolVersion?: string;
  /** Client capabilities (sampling, elicitation, roots). */
  capabilities?: ClientCapabilities;
}

function newClient(options: ConnectOptions): Client {
  return new Client(
    { name: 'mcp-factory-test', version: '1.0.0' },
    {
      ...(options.capabilities === undefined ? {} : { capabilities: options.capabilities }),
      ...(options.era === 'modern'
        ? { versionNegotiation: { mode: { pin: '2026-07-28' } } }
        : options.protocolVersion === undefined
          ? {}
          : { supportedProtocolVersions: [options.protocolVersion] }),
    },
  );
}

/** Connects the official client to `app` in process (no socket, no subprocess). */
export async function connectInProcess(app: McpApp, options: ConnectOptions = {}): Promise<Connection> {
  const client = newClient(options);
  if (options.era === 'modern') {
    const handler = createMcpHandler(app.factory);
    const stopResourceUpdates = app.resourceUpdates?.subscribe((uri) => handler.notify.resourceUpdated(uri));
    const transport = new StreamableHTTPClientTransport(new URL('http://in-process.invalid/mcp'), {
      fetch: (url, init) => handler.fetch(new Request(url, init)),
    });
    await client.connect(transport);
    deliverProgressBeforeResults(client);
    return {
      client,
      close: async () => {
        stopResourceUpdates?.();
        await client.close();
        await handler.close();
      },
    };
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const server = await app.factory({ era: 'legacy' });
  await server.connect(serverSide);
  await client.connect(clientSide);
  deliverProgressBeforeResults(client);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** A client on a spawned stdio server, with the server's stderr collected. */
export interface StdioConnection extends Connection {
  readonly transport: StdioClientTransport;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
}

function stateHome(): Record<string, string> {
  const home = process.env.MCP_FACTORY_STATE_HOME;
  return home === undefined ? {} : { MCP_FACTORY_STATE_HOME: home };
}

/** Spawns `command args` (no shell) and connects the official client over its stdio. */
export async function connectStdio(
  command: string,
  args: readonly string[],
  options: ConnectOptions & { env?: Record<string, string>; cwd?: string } = {},
): Promise<StdioConnection> {
  const transport = new StdioClientTransport({
    command,
    args: [...args],
    // The SDK passes only a safe list of variables; the state home goes along so servers under test
    // keep their default journal where the test run says (not in the user's real state directory).
    env: { ...getDefaultEnvironment(), ...stateHome(), ...options.env },
    stderr: 'pipe',
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  let stderr = '';
  (transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = newClient(options);
  await client.connect(transport);
  deliverProgressBeforeResults(client);
  return {
    client,
    transport,
    stderr: () => stderr,
    close: async () => {
      await client.close();
    },
  };
}

/** Connects the official client to a Streamable HTTP endpoint. */
export async function connectHttp(url: string, options: ConnectOptions = {}): Promise<Connection> {
  const client = newClient(options);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  deliverProgressBeforeResults(client);
  return { client, close: () => client.close() };
}

/** A server process started for end-to-end tests. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** The MCP URL the server reported (HTTP only). */
  readonly url: string | undefined;
  /** Everything written to stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code (or the signal that ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
  /** Resolves when the process has exited, with its code. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * Spawns `command args` (no shell). With `waitForHttp`, resolves once the server logged its
 * "server started" line with a URL on stderr (start it with `--transport http --port 0`).
 */
export async function startServerProcess(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; waitForHttp?: boolean; timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(command, [...args], {
    // info level at least, so that the "server started" line is logged even when tests silence logs.
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  let url: string | undefined;
  if (options.waitForHttp === true) {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no "server started" line within ${options.timeoutMs ?? 15_000} ms; stderr:\n${stderr}`)),
        options.timeoutMs ?? 15_000,
      );
      const check = (): void => {
        for (const line of stderr.split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            const entry = JSON.parse(line) as { msg?: string; url?: string };
            if (entry.msg === 'server started' && typeof entry.url === 'string') {
              clearTimeout(timer);
              child.stderr.off('data', check);
              resolve(entry.url);
              return;
            }
          } catch {
            // not a log line
          }
        }
      };
      child.stderr.on('data', check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${String(code)}) before it started; stderr:\n${stderr}`));
      });
    });
  }
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// Record/replay: a journal recorded with MCP_JOURNAL_RECORD_BODIES=1 as a test's upstream.
export { createReplayFetch, type ReplayFetch, type ReplayOptions } from '../journal/replay.js';
