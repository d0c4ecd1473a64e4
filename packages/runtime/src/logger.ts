/**
 * Structured JSON logs on stderr. stdout belongs to the protocol on stdio servers, so nothing
 * here ever writes to it.
 *
 * @module
 */
import { pino, type DestinationStream, type Level } from 'pino';

/** The logging surface handlers and policies use (a subset of pino's). */
export interface Logger {
  /** Current minimum level; assignable. */
  level: string;
  debug(obj: object, msg?: string): void;
  debug(msg: string): void;
  info(obj: object, msg?: string): void;
  info(msg: string): void;
  warn(obj: object, msg?: string): void;
  warn(msg: string): void;
  error(obj: object, msg?: string): void;
  error(msg: string): void;
  /** A logger whose every line carries `bindings`. */
  child(bindings: Record<string, unknown>): Logger;
  /** Whether lines at `level` are written: check it before building an expensive log object. */
  isLevelEnabled(level: string): boolean;
}

/** Log levels accepted by {@link createLogger} and `LOG_LEVEL`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Minimum level; default `LOG_LEVEL` from the environment when valid, else `info`. */
  level?: LogLevel;
  /** Bound to every line (e.g. `{ server: 'weather' }`). */
  base?: Record<string, unknown>;
  /** Where lines go; default stderr (fd 2). Tests pass a stream to capture lines. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /** Key paths whose values are replaced by `[redacted]` (pino redact syntax). */
  redact?: string[];
}

const SECRET_FIELDS = ['authorization', 'Authorization', 'apiKey', 'api_key', 'token', 'password', 'secret'];

/** Objects commonly logged whole, whose secret-named fields are redacted too. */
const SECRET_PARENTS = ['args', 'headers', 'req', 'request', 'body', 'params', 'config'];

/**
 * Paths that are always redacted: secret-named fields at the top level of a log line and inside
 * {@link SECRET_PARENTS}. Listed one by one on purpose: pino's `*.field` wildcards cost ~10 µs per
 * line, most of a line's cost; specific paths cost about 1 µs together.
 */
const ALWAYS_REDACTED = [
  ...SECRET_FIELDS,
  ...SECRET_PARENTS.flatMap((parent) => SECRET_FIELDS.map((field) => `${parent}.${field}`)),
];

/** How long a log line may wait in the buffer before it is written. */
const FLUSH_INTERVAL_MS = 200;

/**
 * stderr, written in batches: lines are buffered (up to 16 KiB, about 70 access-log lines) and
 * flushed at least every {@link FLUSH_INTERVAL_MS}, so a busy server makes one write per batch
 * instead of one per line (an asynchronous write costs ~40 µs of CPU whatever its size). pino
 * flushes the rest synchronously when the process exits.
 */
function bufferedStderr(): DestinationStream {
  const destination = pino.destination({ dest: 2, sync: false, minLength: 16 * 1024, maxWrite: 64 * 1024 });
  setInterval(() => {
    destination.flush();
  }, FLUSH_INTERVAL_MS).unref();
  return destination;
}

/** Creates a JSON logger writing to stderr (or `destination`). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? bufferedStderr();
  return pino(
    {
      level: options.level ?? defaultLevel(),
      base: { pid: process.pid, ...options.base },
      timestamp: isoTimestamp,
      formatters: { level: (label: string) => ({ level: label }) },
      redact: { paths: [...ALWAYS_REDACTED, ...(options.redact ?? [])], censor: '[redacted]' },
    },
    destination,
  );
}

let cachedSecond = -1;
let cachedPrefix = '';
/**
 * `,"time":"2026-01-02T03:04:05.678Z"` like pino's `isoTime`, but the date part is formatted once
 * per second instead of per line (`toISOString` is a good part of a log line's cost).
 */
function isoTimestamp(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  return `,"time":"${cachedPrefix}.${String(now % 1000).padStart(3, '0')}Z"`;
}

function defaultLevel(): LogLevel {
  const fromEnv = process.env.LOG_LEVEL;
  return fromEnv !== undefined && isLogLevel(fromEnv) ? fromEnv : 'info';
}

/** True when `value` names a log level. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export type { Level };
