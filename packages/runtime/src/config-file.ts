/**
 * The optional configuration file: `--config <file>` or `MCP_CONFIG_FILE`. It holds the same
 * variables as the environment (so there is one set of names, one set of checks, one document),
 * either as a `.env` file (`NAME=value` lines, `#` comments) or, for a name ending in `.json`, a
 * JSON object of names to strings, numbers or booleans. The real environment wins over the file.
 *
 * Names must look like environment variables; an `MCP_` name must be one the runtime reads, so a
 * typo (`MCP_JOURNAL_FSNYC`) stops the server instead of being ignored.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

import { ConfigError } from './errors.js';

/** Every `MCP_` variable the runtime reads (the file may set these and any non-`MCP_` name). */
export const RUNTIME_VARIABLES: ReadonlySet<string> = new Set([
  'MCP_CONFIG_FILE',
  'MCP_TRANSPORT',
  'MCP_HTTP_MODE',
  'MCP_ALLOWED_HOSTS',
  'MCP_ALLOWED_ORIGINS',
  'MCP_SHUTDOWN_GRACE_MS',
  'MCP_METRICS_PORT',
  'MCP_MAX_MESSAGE_BYTES',
  'MCP_AUTH_TOKENS',
  'MCP_AUTH_TOKENS_FILE',
  'MCP_AUTH_REQUIRED_SCOPES',
  'MCP_OAUTH_ISSUER',
  'MCP_OAUTH_RESOURCE',
  'MCP_OAUTH_AUDIENCE',
  'MCP_OAUTH_JWKS_URL',
  'MCP_OAUTH_PUBLIC_KEY',
  'MCP_OAUTH_PUBLIC_KEY_FILE',
  'MCP_OAUTH_AUTHORIZATION_SERVERS',
  'MCP_OAUTH_ALGORITHMS',
  'MCP_OAUTH_CLOCK_SKEW',
  'MCP_RATE_LIMIT',
  'MCP_RATE_LIMIT_BURST',
  'MCP_MAX_CONCURRENCY',
  'MCP_MAX_BODY_BYTES',
  'MCP_BODY_TIMEOUT_MS',
  'MCP_CORS_ORIGINS',
  'MCP_HEAP_GROWING_PERCENT',
  'MCP_JOURNAL',
  'MCP_JOURNAL_DIR',
  'MCP_JOURNAL_FSYNC',
  'MCP_JOURNAL_FSYNC_INTERVAL_MS',
  'MCP_JOURNAL_MAX_SEGMENT_BYTES',
  'MCP_JOURNAL_MAX_SEGMENT_AGE_MS',
  'MCP_JOURNAL_RETAIN_SEGMENTS',
  'MCP_JOURNAL_RETAIN_AGE_MS',
  'MCP_JOURNAL_REDACT',
  'MCP_JOURNAL_RECORD_BODIES',
  'MCP_UPSTREAM_TIMEOUT_MS',
  'MCP_UPSTREAM_RETRIES',
  'MCP_UPSTREAM_RETRY_BASE_MS',
  'MCP_UPSTREAM_RETRY_MAX_MS',
  'MCP_UPSTREAM_RETRY_AFTER_MAX_MS',
  'MCP_UPSTREAM_BREAKER_THRESHOLD',
  'MCP_UPSTREAM_BREAKER_COOLDOWN_MS',
  'MCP_UPSTREAM_BREAKER_FAILURE_RATE',
  'MCP_UPSTREAM_BREAKER_WINDOW_MS',
  'MCP_UPSTREAM_BREAKER_MIN_RPS',
  'MCP_UPSTREAM_MAX_CONCURRENCY',
  'MCP_UPSTREAM_QUEUE',
  'MCP_UPSTREAM_CACHE_TTL_MS',
  'MCP_UPSTREAM_CACHE_MAX_ENTRIES',
  'MCP_FACTORY_STATE_HOME',
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function nearest(name: string): string | undefined {
  // The known name sharing the longest prefix: enough to point at a typo.
  let best: string | undefined;
  let bestLength = 0;
  for (const known of RUNTIME_VARIABLES) {
    let length = 0;
    while (length < name.length && name[length] === known[length]) length++;
    if (length > bestLength) [best, bestLength] = [known, length];
  }
  return best;
}

/**
 * Reads and checks a configuration file; returns its variables. Throws a `ConfigError` naming the
 * file and the offending entry (unreadable file, bad JSON, a non-scalar value, an unknown `MCP_` name).
 */
export function readConfigFile(
  path: string,
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): Record<string, string> {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot read the configuration file ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}. Fix --config or MCP_CONFIG_FILE.`,
    );
  }
  let entries: [string, unknown][];
  if (path.toLowerCase().endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`the configuration file ${path} is not valid JSON: ${(error as Error).message}.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`the configuration file ${path} must hold a JSON object of variable names to values.`);
    }
    entries = Object.entries(parsed);
  } else {
    entries = Object.entries(parseEnv(text));
  }
  const values: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!NAME.test(name)) {
      throw new ConfigError(`${path}: ${JSON.stringify(name)} is not a variable name (letters, digits and _).`);
    }
    if (name.startsWith('MCP_') && !RUNTIME_VARIABLES.has(name)) {
      const hint = nearest(name);
      throw new ConfigError(`${path}: unknown setting ${name}${hint === undefined ? '' : ` (did you mean ${hint}?)`}.`);
    }
    if (name === 'MCP_CONFIG_FILE') throw new ConfigError(`${path}: a configuration file cannot name another one.`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ConfigError(
        `${path}: ${name} must be a string, number or boolean, got ${value === null ? 'null' : typeof value}.`,
      );
    }
    values[name] = String(value);
  }
  return values;
}

/** Where `--config` points (`--config x`, `--config=x`), else `MCP_CONFIG_FILE`, else nothing. */
export function configFilePath(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === '--config') {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('-')) throw new ConfigError('--config needs a file path.');
      return next;
    }
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  const fromEnv = env.MCP_CONFIG_FILE?.trim();
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/**
 * Layers the configuration file (if any) under `env`: each variable the environment does not set
 * is set from the file. Returns the names taken from the file.
 */
export function applyConfigFile(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  read?: (path: string) => string,
): string[] {
  const path = configFilePath(argv, env);
  if (path === undefined) return [];
  const applied: string[] = [];
  for (const [name, value] of Object.entries(readConfigFile(path, read))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return applied;
}
