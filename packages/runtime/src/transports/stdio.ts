/**
 * Serves an {@link McpApp} over stdio: 2025-era clients (initialize handshake) and 2026-07-28
 * clients (`server/discover`) from one factory, through the SDK's `serveStdio`, over a transport
 * that answers malformed input instead of dropping it.
 *
 * @module
 */
import type { Readable, Writable } from 'node:stream';

import { serveStdio as sdkServeStdio } from '@modelcontextprotocol/server/stdio';

import { onWire } from '../_after-answer.js';
import type { McpApp } from '../server.js';
import { JsonRpcStdioTransport, type StdioTransportOptions } from './stdio-transport.js';

/** Options of {@link serveStdio}. */
export interface ServeStdioOptions extends StdioTransportOptions {
  /** Defaults to `process.stdin`. */
  input?: Readable;
  /** Defaults to `process.stdout`. */
  output?: Writable;
  /**
   * When serving on `process.stdout`, route every other write to stdout (a stray `console.log`, a
   * chatty library) to stderr so the protocol stream stays clean. Default true.
   */
  guardStdout?: boolean;
}

/** A running stdio server. */
export interface StdioHandle {
  readonly transport: 'stdio';
  /** Resolves when the connection has closed (input ended and drained, or {@link close} called). */
  readonly closed: Promise<void>;
  /**
   * Gives calls in flight `graceMs` (default 5000) to finish and cancels the rest, then closes the
   * connection (the SDK instance and the transport).
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Redirects writes to `process.stdout` to stderr and returns a writer that still reaches the real
 * stdout, plus a function that undoes the redirection.
 */
function guardProcessStdout(app: McpApp): { write: NonNullable<StdioTransportOptions['write']>; restore: () => void } {
  const stdout = process.stdout;
  // Kept unbound on purpose: it is restored as the property it was.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = stdout.write;
  const realWrite = original.bind(stdout) as (chunk: string, callback: (error?: Error | null) => void) => boolean;
  let warned = false;
  stdout.write = function redirected(this: NodeJS.WriteStream, ...args: unknown[]): boolean {
    if (!warned) {
      warned = true;
      app.logger.warn(
        'something wrote to stdout, which carries the MCP protocol on stdio; the output was sent to stderr instead',
      );
    }
    return (process.stderr.write as (...a: unknown[]) => boolean)(...args);
  };
  return {
    write: (line, done) => realWrite(line, done),
    restore: () => {
      stdout.write = original;
    },
  };
}

/** Starts serving `app` over stdio and returns at once. */
export function serveStdio(app: McpApp, options: ServeStdioOptions = {}): StdioHandle {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const guard = output === process.stdout && options.guardStdout !== false ? guardProcessStdout(app) : undefined;
  const transport = new JsonRpcStdioTransport(input, output, {
    ...options,
    ...(guard === undefined ? {} : { write: guard.write }),
  });
  // The answer goes out through this process's stdout: bookkeeping may follow it (_after-answer.ts).
  const handle = sdkServeStdio((context) => app.factory(onWire(context)), {
    transport,
    onerror: (error) => app.logger.warn({ err: error }, 'stdio transport error'),
  });
  const closed = transport.closed.then(() => guard?.restore());
  return {
    transport: 'stdio',
    closed,
    close: async ({ graceMs = 5000 } = {}) => {
      await app.inflight.drain(graceMs);
      // A call leaves the registry when its handler settles; the SDK writes its response a few ticks
      // later. Closing before that would drop the answer the grace period was for, so wait (bounded).
      for (let waited = 0; transport.pendingRequests > 0 && waited < 1000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await handle.close();
      await transport.close();
    },
  };
}
