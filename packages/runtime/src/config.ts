/**
 * The command line and environment every generated server's bin accepts, parsed and validated
 * into {@link ServeOptions}. Flags win over environment variables.
 *
 * @module
 */
import { parseArgs } from 'node:util';

import { ConfigError } from './errors.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './logger.js';

/** How to serve: one transport and its settings. */
export interface ServeOptions {
  transport: 'stdio' | 'http';
  /** HTTP only. */
  host: string;
  /** HTTP only. */
  port: number;
  /** HTTP only: `stateless` (default) or `stateful`. */
  mode: 'stateless' | 'stateful';
  allowedHosts: string[];
  allowedOrigins: string[];
  logLevel: LogLevel | undefined;
  /** How long calls in flight may run on after SIGINT/SIGTERM/stdin EOF before they are cancelled. */
  shutdownGraceMs: number;
  /** stdio only: longest accepted line in bytes (default 4 MiB). */
  maxMessageBytes: number | undefined;
  /** stdio only: serve /metrics, /healthz and /readyz on 127.0.0.1 at this port (opt-in). */
  metricsPort: number | undefined;
}

/** What the command line asked for. */
export type ParsedCommandLine = { kind: 'serve'; options: ServeOptions } | { kind: 'help' } | { kind: 'version' };

/** Usage text of a generated server's bin. */
export function usage(bin: string): string {
  return `Usage: ${bin} [options]

Serves this MCP server over stdio (default) or Streamable HTTP at /mcp.

Options:
  -t, --transport <stdio|http>   transport (env MCP_TRANSPORT; default stdio)
  -p, --port <n>                 HTTP port, 0 for any free port (env PORT; default 3000)
      --host <addr>              HTTP bind address (env HOST; default 127.0.0.1)
      --stateful                 HTTP sessions for 2025-era clients (env MCP_HTTP_MODE=stateful)
      --allowed-hosts <a,b>      extra Host header names to accept (env MCP_ALLOWED_HOSTS)
      --allowed-origins <a,b>    extra Origin hostnames to accept (env MCP_ALLOWED_ORIGINS)
      --log-level <level>        ${LOG_LEVELS.join('|')} (env LOG_LEVEL; default info)
      --shutdown-grace <ms>      time calls in flight get at shutdown (env MCP_SHUTDOWN_GRACE_MS; default 5000)
      --metrics-port <n>         stdio: serve /metrics, /healthz, /readyz on 127.0.0.1:<n> (env MCP_METRICS_PORT)
      --max-message-bytes <n>    stdio: longest accepted message line (env MCP_MAX_MESSAGE_BYTES; default 4194304)
  -h, --help                     show this help
  -v, --version                  print the version
`;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim()))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(value)}.`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${parsed}.`);
  return parsed;
}

/**
 * Parses `argv` (without node and script) and `env`. Throws {@link ConfigError} with a message that
 * says what to change.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        transport: { type: 'string', short: 't' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        stateful: { type: 'boolean' },
        'allowed-hosts': { type: 'string' },
        'allowed-origins': { type: 'string' },
        'log-level': { type: 'string' },
        'shutdown-grace': { type: 'string' },
        'metrics-port': { type: 'string' },
        'max-message-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const flag = (name: string): string | undefined => values[name] as string | undefined;
  const transport = flag('transport') ?? env.MCP_TRANSPORT ?? 'stdio';
  if (transport !== 'stdio' && transport !== 'http') {
    throw new ConfigError(
      `--transport (or MCP_TRANSPORT) must be "stdio" or "http", got ${JSON.stringify(transport)}.`,
    );
  }
  const portText = flag('port') ?? env.PORT ?? '3000';
  const port = integer(flag('port') === undefined && env.PORT !== undefined ? 'PORT' : '--port', portText, 0, 65535);
  const host = (flag('host') ?? env.HOST ?? '127.0.0.1').trim();
  if (host === '' || /[\s/]/.test(host))
    throw new ConfigError(`--host (or HOST) must be an address such as 127.0.0.1, got ${JSON.stringify(host)}.`);
  const modeText = values.stateful === true ? 'stateful' : (env.MCP_HTTP_MODE ?? 'stateless');
  if (modeText !== 'stateless' && modeText !== 'stateful') {
    throw new ConfigError(`MCP_HTTP_MODE must be "stateless" or "stateful", got ${JSON.stringify(modeText)}.`);
  }
  const logLevelText = flag('log-level') ?? env.LOG_LEVEL;
  if (logLevelText !== undefined && !isLogLevel(logLevelText)) {
    throw new ConfigError(
      `--log-level (or LOG_LEVEL) must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevelText)}.`,
    );
  }
  const graceText = flag('shutdown-grace') ?? env.MCP_SHUTDOWN_GRACE_MS ?? '5000';
  const metricsPortText = flag('metrics-port') ?? env.MCP_METRICS_PORT;
  const maxMessageText = flag('max-message-bytes') ?? env.MCP_MAX_MESSAGE_BYTES;
  return {
    kind: 'serve',
    options: {
      transport,
      host,
      port,
      mode: modeText,
      allowedHosts: list(flag('allowed-hosts') ?? env.MCP_ALLOWED_HOSTS),
      allowedOrigins: list(flag('allowed-origins') ?? env.MCP_ALLOWED_ORIGINS),
      logLevel: logLevelText,
      shutdownGraceMs: integer('--shutdown-grace', graceText, 0, 600_000),
      metricsPort: metricsPortText === undefined ? undefined : integer('--metrics-port', metricsPortText, 0, 65535),
      maxMessageBytes:
        maxMessageText === undefined
          ? undefined
          : integer('--max-message-bytes', maxMessageText, 1024, 1024 * 1024 * 1024),
    },
  };
}
