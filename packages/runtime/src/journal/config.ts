/**
 * The journal's configuration from the environment. The journal is on when `MCP_JOURNAL_DIR` is
 * set, or when the caller passes a default directory (generated servers pass one in the user's
 * state directory, see `defaultJournalDir`); `MCP_JOURNAL=off` turns it off either way. The other
 * variables tune it:
 *
 * | variable                          | meaning                                        | default  |
 * | --------------------------------- | ---------------------------------------------- | -------- |
 * | `MCP_JOURNAL`                     | `off` disables journaling                      | on       |
 * | `MCP_JOURNAL_DIR`                 | the journal's directory (enables journaling)   | caller's |
 * | `MCP_JOURNAL_FSYNC`               | `always`, `interval` or `off`                  | interval |
 * | `MCP_JOURNAL_FSYNC_INTERVAL_MS`   | group-commit period of `interval` (≤ 1000)     | 100      |
 * | `MCP_JOURNAL_MAX_SEGMENT_BYTES`   | rotate before a segment passes this size       | 16 MiB   |
 * | `MCP_JOURNAL_MAX_SEGMENT_AGE_MS`  | rotate once a segment is this old (0: never)   | 24 h     |
 * | `MCP_JOURNAL_RETAIN_SEGMENTS`     | keep at most this many segments (0: all)       | 64       |
 * | `MCP_JOURNAL_RETAIN_AGE_MS`       | delete segments older than this (0: never)     | 0        |
 * | `MCP_JOURNAL_REDACT`              | extra field names to redact, comma-separated   | none     |
 * | `MCP_JOURNAL_RECORD_BODIES`       | `1` keeps upstream response bodies (replay)    | 0        |
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { JournalOptions } from './journal.js';

const VARIABLES = [
  'MCP_JOURNAL_FSYNC',
  'MCP_JOURNAL_FSYNC_INTERVAL_MS',
  'MCP_JOURNAL_MAX_SEGMENT_BYTES',
  'MCP_JOURNAL_MAX_SEGMENT_AGE_MS',
  'MCP_JOURNAL_RETAIN_SEGMENTS',
  'MCP_JOURNAL_RETAIN_AGE_MS',
  'MCP_JOURNAL_REDACT',
  'MCP_JOURNAL_RECORD_BODIES',
] as const;

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const text = env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
}

function integer(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const text = value(env, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(text)}.`);
  const parsed = Number(text);
  if (parsed < min || parsed > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${parsed}.`);
  return parsed;
}

/** What the caller of `journalOptionsFromEnv` supplies. */
export interface JournalEnvDefaults {
  /** The directory to journal to when `MCP_JOURNAL_DIR` is not set; without it, no journal then. */
  readonly dir?: string;
}

/**
 * The journal options the environment asks for, or `undefined` for no journal: `MCP_JOURNAL=off`,
 * or neither `MCP_JOURNAL_DIR` nor `defaults.dir`. Throws a `ConfigError` that names the variable
 * and what it accepts.
 */
export function journalOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  defaults: JournalEnvDefaults = {},
): JournalOptions | undefined {
  const switchText = value(env, 'MCP_JOURNAL')?.toLowerCase();
  if (switchText !== undefined && !['on', 'off', '1', '0', 'true', 'false'].includes(switchText)) {
    throw new ConfigError(`MCP_JOURNAL must be "on" or "off", got ${JSON.stringify(switchText)}.`);
  }
  if (switchText === 'off' || switchText === '0' || switchText === 'false') return undefined;
  const dir = value(env, 'MCP_JOURNAL_DIR') ?? defaults.dir;
  if (dir === undefined) {
    const stray = VARIABLES.filter((name) => value(env, name) !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(
        `${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'} set but MCP_JOURNAL_DIR is not: set MCP_JOURNAL_DIR to the journal's directory to enable it.`,
      );
    }
    return undefined;
  }
  const fsync = value(env, 'MCP_JOURNAL_FSYNC');
  if (fsync !== undefined && fsync !== 'always' && fsync !== 'interval' && fsync !== 'off') {
    throw new ConfigError(`MCP_JOURNAL_FSYNC must be "always", "interval" or "off", got ${JSON.stringify(fsync)}.`);
  }
  const bodies = value(env, 'MCP_JOURNAL_RECORD_BODIES')?.toLowerCase();
  if (bodies !== undefined && !['1', '0', 'true', 'false'].includes(bodies)) {
    throw new ConfigError(`MCP_JOURNAL_RECORD_BODIES must be 1 or 0, got ${JSON.stringify(bodies)}.`);
  }
  const redact = (value(env, 'MCP_JOURNAL_REDACT') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const day = 24 * 60 * 60 * 1000;
  const options: {
    -readonly [K in keyof JournalOptions]: JournalOptions[K];
  } = { dir };
  if (fsync !== undefined) options.fsync = fsync;
  // At most a second: appends (and so responses) wait for it, and a shutdown waits for those.
  const interval = integer(env, 'MCP_JOURNAL_FSYNC_INTERVAL_MS', 1, 1000);
  if (interval !== undefined) options.fsyncIntervalMs = interval;
  const maxBytes = integer(env, 'MCP_JOURNAL_MAX_SEGMENT_BYTES', 1024, 2 ** 40);
  if (maxBytes !== undefined) options.maxSegmentBytes = maxBytes;
  const maxAge = integer(env, 'MCP_JOURNAL_MAX_SEGMENT_AGE_MS', 0, 366 * day);
  if (maxAge !== undefined) options.maxSegmentAgeMs = maxAge;
  const retain = integer(env, 'MCP_JOURNAL_RETAIN_SEGMENTS', 0, 1_000_000);
  if (retain !== undefined) options.retainSegments = retain;
  const retainAge = integer(env, 'MCP_JOURNAL_RETAIN_AGE_MS', 0, 3660 * day);
  if (retainAge !== undefined) options.retainAgeMs = retainAge;
  if (redact.length > 0) options.redact = redact;
  if (bodies === '1' || bodies === 'true') options.recordBodies = true;
  return options;
}
