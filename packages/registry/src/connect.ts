/**
 * Connects the official MCP client (SDK v2) to a resolved target: spawns a stdio server (argv
 * array, no shell) with the SDK's safe base environment plus the target's variables, or reaches a
 * Streamable HTTP URL. A server that does not start or does not answer becomes a
 * `CONNECT_FAILED` error carrying the tail of what it wrote to stderr.
 *
 * @module
 */
import type { Readable } from 'node:stream';

import type { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { RegistryError, RegistryErrorCode } from './errors.js';
import type { ResolvedTarget } from './resolve.js';

/** Options of {@link connectTarget}. */
export interface ConnectTargetOptions {
  /** Base environment of a spawned server; default the SDK's safe list (PATH, HOME, …) of `process.env`. */
  baseEnv?: Record<string, string>;
  /** How long initialization may take; default 30 s. */
  timeoutMs?: number;
  /** Name used in error messages. */
  label?: string;
  /** Client name announced to the server; default `mcp-factory`. */
  clientName?: string;
}

/** A connected client and how to end it. */
export interface TargetConnection {
  readonly client: Client;
  /** What a stdio server wrote to stderr so far (empty for HTTP). */
  stderr(): string;
  close(): Promise<void>;
}

/** The last `lines` lines of `text`. */
export function tailLines(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function describeTarget(target: ResolvedTarget): string {
  return target.kind === 'http' ? target.url : [target.command, ...target.args].join(' ');
}

/** Connects to `target` (see the module's doc). */
export async function connectTarget(
  target: ResolvedTarget,
  options: ConnectTargetOptions = {},
): Promise<TargetConnection> {
  // Loaded on first connection: commands that only read the catalog (list, info, export) skip it.
  const [{ Client, StreamableHTTPClientTransport }, { StdioClientTransport, getDefaultEnvironment }] =
    await Promise.all([import('@modelcontextprotocol/client'), import('@modelcontextprotocol/client/stdio')]);
  const client = new Client({ name: options.clientName ?? 'mcp-factory', version: '0.1.0' });
  let stderr = '';
  let stderrEnded: Promise<void> = Promise.resolve();
  let transport: StdioClientTransport | StreamableHTTPClientTransport;
  if (target.kind === 'stdio') {
    const stdio = new StdioClientTransport({
      command: target.command,
      args: target.args,
      env: { ...(options.baseEnv ?? getDefaultEnvironment()), ...target.env },
      stderr: 'pipe',
      ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
    });
    const stream = stdio.stderr as Readable | null;
    stream?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // Keep memory bounded for chatty servers: only the tail is ever shown.
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    stderrEnded = new Promise((resolve) => {
      if (stream === null) resolve();
      else stream.once('end', () => resolve()).once('close', () => resolve());
    });
    transport = stdio;
  } else {
    transport = new StreamableHTTPClientTransport(new URL(target.url), {
      requestInit: { headers: target.headers },
    });
  }
  try {
    await client.connect(transport, { timeout: options.timeoutMs ?? 30_000 });
  } catch (error) {
    await client.close().catch(() => undefined);
    // Let the dying process's last words arrive before quoting them (bounded).
    await Promise.race([stderrEnded, new Promise((resolve) => setTimeout(resolve, 1000))]);
    const label = options.label ?? describeTarget(target);
    const tail = tailLines(stderr);
    throw new RegistryError(
      RegistryErrorCode.ConnectFailed,
      `could not connect to ${label} (${describeTarget(target)}): ${(error as Error).message}${
        tail === '' ? '' : `\n--- server stderr (last lines) ---\n${tail}`
      }`,
      { ...(options.label === undefined ? {} : { server: options.label }), stderr: tail },
      { cause: error },
    );
  }
  return { client, stderr: () => stderr, close: () => client.close() };
}
