/**
 * The command line and environment every generated server's bin accepts, parsed and validated
 * into {@link ServeOptions}. Flags win over environment variables.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { ConfigError } from './errors.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './logger.js';
import { parseSecuritySettings, type HttpSecuritySettings, type SecurityIo } from './security/config.js';

/** How to serve: one transport and its settings (the HTTP hardening ones from {@link HttpSecuritySettings}). */
export interface ServeOptions extends HttpSecuritySettings {
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
      --config <file>            settings file: .env lines or a .json object of the variables below
                                 (env MCP_CONFIG_FILE); the environment wins over it
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

HTTP hardening (each off unless set, but the two body limits):
      --auth-tokens-file <path>  bearer tokens, one per line as token or token:scope1 scope2, # comments
                                 (env MCP_AUTH_TOKENS_FILE; or env MCP_AUTH_TOKENS=token[:scopes],...;
                                 never on the command line). A token without scopes gets every scope.
      --auth-required-scopes <s> scopes every request needs, else 403 (env MCP_AUTH_REQUIRED_SCOPES)
      --oauth-issuer <url>       OAuth resource-server mode: the JWTs' issuer (env MCP_OAUTH_ISSUER)
      --oauth-resource <url>     public URL of this MCP endpoint (env MCP_OAUTH_RESOURCE)
      --oauth-audience <a,b>     accepted audiences (env MCP_OAUTH_AUDIENCE; default the resource URL)
      --oauth-jwks-url <url>     the issuer's signing keys (env MCP_OAUTH_JWKS_URL), or instead
      --oauth-public-key-file <path>  a PEM or JWK public key (env MCP_OAUTH_PUBLIC_KEY_FILE, MCP_OAUTH_PUBLIC_KEY)
      --oauth-authorization-servers <a,b>  advertised in the metadata (env MCP_OAUTH_AUTHORIZATION_SERVERS;
                                 default the issuer)
      --oauth-algorithms <a,b>   accepted JWS algorithms (env MCP_OAUTH_ALGORITHMS; default RS/PS/ES*, EdDSA)
      --oauth-clock-skew <s>     leeway for exp and nbf in seconds (env MCP_OAUTH_CLOCK_SKEW; default 30)
      --rate-limit <n/unit>      per-client limit such as 60/min or 10/s, then 429 (env MCP_RATE_LIMIT;
                                 shared across replicas when REDIS_URL is set, which needs ioredis)
      --rate-limit-burst <n>     requests allowed at once (env MCP_RATE_LIMIT_BURST; default the rate's count)
      --max-concurrency <n>      most HTTP requests in flight, then 503 (env MCP_MAX_CONCURRENCY)
      --max-body-bytes <n>       largest HTTP request body, then 413 (env MCP_MAX_BODY_BYTES; default 4194304)
      --body-timeout-ms <n>      most time a request body may take to arrive, then 408
                                 (env MCP_BODY_TIMEOUT_MS; default 10000)
      --cors-origins <a,b>       origins allowed to call from browsers (env MCP_CORS_ORIGINS; default none)

HTTP memory: V8's old space may grow to (1 + n/100) times the live heap before a full collection,
which keeps a busy server's RSS flat (env MCP_HEAP_GROWING_PERCENT; default 50; 0 lets V8 decide).
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
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: SecurityIo = { readFile: (path) => readFileSync(path, 'utf8') },
): ParsedCommandLine {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
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
        'auth-tokens-file': { type: 'string' },
        'auth-required-scopes': { type: 'string' },
        'oauth-issuer': { type: 'string' },
        'oauth-resource': { type: 'string' },
        'oauth-audience': { type: 'string' },
        'oauth-jwks-url': { type: 'string' },
        'oauth-public-key-file': { type: 'string' },
        'oauth-authorization-servers': { type: 'string' },
        'oauth-algorithms': { type: 'string' },
        'oauth-clock-skew': { type: 'string' },
        'rate-limit': { type: 'string' },
        'rate-limit-burst': { type: 'string' },
        'max-concurrency': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'body-timeout-ms': { type: 'string' },
        'cors-origins': { type: 'string' },
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
      ...parseSecuritySettings(flag, env, io),
    },
  };
}
