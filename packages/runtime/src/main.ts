/**
 * `runMain()`: what a generated server's bin calls. Parses flags and environment, serves, and shuts
 * down gracefully on SIGINT, SIGTERM or the end of stdin.
 *
 * @module
 */
import { applyConfigFile } from './config-file.js';
import { parseCommandLine, usage, type ServeOptions } from './config.js';
import { isMcpFactoryError } from './errors.js';
import { capHeapGrowth } from './heap-growth.js';
import { serveMetricsPort } from './observability/metrics-server.js';
import { serve, serveOptionsFrom, type ServerHandle } from './serve.js';
import type { McpApp } from './server.js';

/** Options of {@link runMain}; the defaults are the real process's. */
export interface RunMainOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Name shown in `--help`; default the app's name. */
  bin?: string;
  /** Called with the exit code instead of `process.exit` (tests). */
  exit?: (code: number) => void;
  /** Where `--help`, `--version` and usage errors go; default stdout / stderr. */
  print?: (text: string) => void;
  printError?: (text: string) => void;
  /** Sets a V8 flag (the HTTP server's heap growth cap, see `heap-growth.ts`); default `v8.setFlagsFromString`. */
  setV8Flags?: (flag: string) => void;
}

/** The running server plus a way to stop it as a signal would. */
export interface RunningServer {
  readonly handle: ServerHandle;
  readonly options: ServeOptions;
  /** Graceful shutdown: drains calls in flight within the grace period, closes, exits with `exitCode` (default 0). */
  shutdown(reason: string, exitCode?: number): Promise<void>;
}

/**
 * Runs an app as a process: `--transport stdio|http`, `--port`, `--host` and their environment
 * equivalents (`MCP_TRANSPORT`, `PORT`, `HOST`). Pass the app, or a function that builds it (it
 * may read configuration and throw a `ConfigError`, which is printed without a stack).
 * Exits with 2 and a clear message on bad usage or configuration.
 */
export async function runMain(
  appOrCreate: McpApp | (() => McpApp | Promise<McpApp>),
  options: RunMainOptions = {},
): Promise<RunningServer | undefined> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const print = options.print ?? ((text: string) => process.stdout.write(text));
  const printError = options.printError ?? ((text: string) => process.stderr.write(text));
  const fail = (bin: string, error: unknown): undefined => {
    printError(
      `${bin}: ${isMcpFactoryError(error) ? error.message : error instanceof Error ? error.message : String(error)}\n`,
    );
    exit(2);
    return undefined;
  };

  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  let app: McpApp;
  try {
    // Before the app is built: its own configuration (API keys, base URLs) may come from the file too.
    applyConfigFile(argv, env);
    app = typeof appOrCreate === 'function' ? await appOrCreate() : appOrCreate;
  } catch (error) {
    return fail(options.bin ?? 'server', error);
  }
  const bin = options.bin ?? app.info.name;

  let parsed;
  try {
    parsed = parseCommandLine(argv, env);
  } catch (error) {
    return fail(bin, error);
  }
  if (parsed.kind === 'help') {
    print(usage(bin));
    return undefined;
  }
  if (parsed.kind === 'version') {
    print(`${app.info.version}\n`);
    return undefined;
  }
  const serveOptions = parsed.options;
  if (serveOptions.logLevel !== undefined) app.logger.level = serveOptions.logLevel;
  // An HTTP server runs long under many clients: keep its RSS flat (MCP_HEAP_GROWING_PERCENT).
  let heapGrowingPercent: number | undefined;
  if (serveOptions.transport === 'http') {
    try {
      heapGrowingPercent = capHeapGrowth(env, undefined, options.setV8Flags);
    } catch (error) {
      return fail(bin, error);
    }
  }

  // Signal handlers go in before serving, so that a signal during start-up is handled too; the
  // "server started" line (what supervisors and tests wait for) is logged only after they exist.
  let resolveReady!: (handle: ServerHandle | undefined) => void;
  const ready = new Promise<ServerHandle | undefined>((resolve) => {
    resolveReady = resolve;
  });
  let stopping: Promise<void> | undefined;
  let metricsUrl: string | undefined;
  let closeMetrics: (() => Promise<void>) | undefined;
  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    stopping ??= (async () => {
      const running = await ready;
      if (running === undefined) return;
      app.logger.info({ reason, inflight: app.inflight.size }, 'shutting down');
      const hardStop = setTimeout(() => {
        app.logger.error('shutdown took too long; exiting');
        exit(1);
      }, serveOptions.shutdownGraceMs + 3000);
      hardStop.unref();
      const inflightAtStart = app.inflight.size;
      await running.close({ graceMs: serveOptions.shutdownGraceMs });
      await closeMetrics?.();
      // Flushes and closes the journal, after the last call finished.
      await app.close().catch((error: unknown) => app.logger.error({ err: error }, 'closing the app failed'));
      app.logger.info({ reason, inflightAtStart }, 'stopped');
      clearTimeout(hardStop);
      exit(exitCode);
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) {
      app.logger.warn({ signal }, 'second signal during shutdown; exiting now');
      exit(1);
      return;
    }
    void shutdown(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', (reason) => {
    app.logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.once('uncaughtException', (error) => {
    app.logger.error({ err: error }, 'uncaught exception; shutting down');
    void shutdown('uncaught exception', 1);
  });

  let handle: ServerHandle;
  try {
    handle = await serve(app, serveOptionsFrom(serveOptions));
  } catch (error) {
    resolveReady(undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE'
        ? `port ${serveOptions.port} is in use; pick another with --port or PORT`
        : code === 'EACCES'
          ? `not allowed to listen on ${serveOptions.host}:${serveOptions.port}`
          : (error as Error).message;
    printError(`${bin}: cannot start: ${hint}\n`);
    exit(1);
    return undefined;
  }
  if (handle.transport === 'stdio' && serveOptions.metricsPort !== undefined) {
    try {
      const operational = await serveMetricsPort(app, serveOptions.metricsPort);
      metricsUrl = operational.url;
      closeMetrics = () => operational.close();
    } catch (error) {
      resolveReady(handle);
      printError(`${bin}: cannot serve metrics on port ${serveOptions.metricsPort}: ${(error as Error).message}\n`);
      await handle.close({ graceMs: 0 });
      exit(1);
      return undefined;
    }
  }
  resolveReady(handle);
  if (handle.transport === 'stdio') void handle.closed.then(() => shutdown('stdin closed'));
  app.logger.info(
    handle.transport === 'http'
      ? { transport: 'http', url: handle.url, mode: serveOptions.mode, heapGrowingPercent }
      : { transport: 'stdio', ...(metricsUrl === undefined ? {} : { metricsUrl }) },
    'server started',
  );
  return { handle, options: serveOptions, shutdown };
}
