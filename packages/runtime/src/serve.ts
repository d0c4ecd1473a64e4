/**
 * `serve()`: one entry for both transports.
 *
 * @module
 */
import type { ServeOptions } from './config.js';
import type { McpApp } from './server.js';
import type { HttpHandle, ServeHttpOptions } from './transports/http.js';
import { serveStdio, type ServeStdioOptions, type StdioHandle } from './transports/stdio.js';

/** A running server on either transport. */
export type ServerHandle = StdioHandle | HttpHandle;

/** Options of {@link serve}: a transport plus that transport's options. */
export type ServeAppOptions = ({ transport: 'stdio' } & ServeStdioOptions) | ({ transport: 'http' } & ServeHttpOptions);

/**
 * Serves `app` over stdio or Streamable HTTP. The HTTP stack is imported only when needed, so a
 * stdio server (the common case, started per client session) does not pay for loading it.
 */
export async function serve(app: McpApp, options: ServeAppOptions): Promise<ServerHandle> {
  if (options.transport === 'stdio') return serveStdio(app, options);
  const { serveHttp } = await import('./transports/http.js');
  return serveHttp(app, options);
}

/** Maps parsed command-line options to {@link serve} options. */
export function serveOptionsFrom(options: ServeOptions): ServeAppOptions {
  if (options.transport === 'stdio') {
    return {
      transport: 'stdio',
      ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    };
  }
  return {
    transport: 'http',
    host: options.host,
    port: options.port,
    mode: options.mode,
    allowedHosts: options.allowedHosts,
    allowedOrigins: options.allowedOrigins,
    ...(options.mode === 'stateful' ? { eventStore: 'memory' as const } : {}),
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.bodyTimeoutMs === undefined ? {} : { bodyTimeoutMs: options.bodyTimeoutMs }),
    ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
    ...(options.corsOrigins.length === 0 ? {} : { corsOrigins: options.corsOrigins }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  };
}
