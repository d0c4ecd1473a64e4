import { describe, expect, test } from 'vitest';

import { ConfigError } from '../errors.js';
import { journalOptionsFromEnv } from './config.js';

describe('journal configuration from the environment', () => {
  test('is off unless MCP_JOURNAL_DIR is set', () => {
    expect(journalOptionsFromEnv({})).toBeUndefined();
    expect(journalOptionsFromEnv({ MCP_JOURNAL_DIR: '  ' })).toBeUndefined();
  });

  test('reads every variable', () => {
    expect(
      journalOptionsFromEnv({
        MCP_JOURNAL_DIR: '/var/lib/server/journal',
        MCP_JOURNAL_FSYNC: 'always',
        MCP_JOURNAL_FSYNC_INTERVAL_MS: '50',
        MCP_JOURNAL_MAX_SEGMENT_BYTES: '1048576',
        MCP_JOURNAL_MAX_SEGMENT_AGE_MS: '3600000',
        MCP_JOURNAL_RETAIN_SEGMENTS: '10',
        MCP_JOURNAL_RETAIN_AGE_MS: '86400000',
        MCP_JOURNAL_REDACT: 'ssn, card_number,,',
        MCP_JOURNAL_RECORD_BODIES: '1',
      }),
    ).toEqual({
      dir: '/var/lib/server/journal',
      fsync: 'always',
      fsyncIntervalMs: 50,
      maxSegmentBytes: 1_048_576,
      maxSegmentAgeMs: 3_600_000,
      retainSegments: 10,
      retainAgeMs: 86_400_000,
      redact: ['ssn', 'card_number'],
      recordBodies: true,
    });
    expect(journalOptionsFromEnv({ MCP_JOURNAL_DIR: 'j' })).toEqual({ dir: 'j' });
  });

  test.each([
    [{ MCP_JOURNAL_FSYNC: 'sometimes' }, 'MCP_JOURNAL_FSYNC must be "always", "interval" or "off", got "sometimes".'],
    [{ MCP_JOURNAL_FSYNC_INTERVAL_MS: '0' }, 'MCP_JOURNAL_FSYNC_INTERVAL_MS must be between 1 and 1000, got 0.'],
    [{ MCP_JOURNAL_MAX_SEGMENT_BYTES: '1e6' }, 'MCP_JOURNAL_MAX_SEGMENT_BYTES must be a whole number, got "1e6".'],
    [
      { MCP_JOURNAL_MAX_SEGMENT_BYTES: '100' },
      'MCP_JOURNAL_MAX_SEGMENT_BYTES must be between 1024 and 1099511627776, got 100.',
    ],
    [{ MCP_JOURNAL_RETAIN_SEGMENTS: '-1' }, 'MCP_JOURNAL_RETAIN_SEGMENTS must be a whole number, got "-1".'],
    [{ MCP_JOURNAL_RECORD_BODIES: 'yes' }, 'MCP_JOURNAL_RECORD_BODIES must be 1 or 0, got "yes".'],
  ])('refuses %o with a clear message', (env, message) => {
    expect(() => journalOptionsFromEnv({ MCP_JOURNAL_DIR: 'j', ...env })).toThrow(new ConfigError(message));
  });

  test('refuses journal settings without MCP_JOURNAL_DIR rather than ignoring them', () => {
    expect(() => journalOptionsFromEnv({ MCP_JOURNAL_RECORD_BODIES: '1', MCP_JOURNAL_FSYNC: 'off' })).toThrow(
      "MCP_JOURNAL_FSYNC, MCP_JOURNAL_RECORD_BODIES are set but MCP_JOURNAL_DIR is not: set MCP_JOURNAL_DIR to the journal's directory to enable it.",
    );
  });
});

describe('the default directory and MCP_JOURNAL', () => {
  test('a caller default turns the journal on; MCP_JOURNAL_DIR wins over it', () => {
    expect(journalOptionsFromEnv({}, { dir: '/state/j' })).toEqual({ dir: '/state/j' });
    expect(journalOptionsFromEnv({ MCP_JOURNAL_DIR: '/x' }, { dir: '/state/j' })).toEqual({ dir: '/x' });
    expect(journalOptionsFromEnv({ MCP_JOURNAL_FSYNC: 'always' }, { dir: '/state/j' })).toEqual({
      dir: '/state/j',
      fsync: 'always',
    });
  });

  test('MCP_JOURNAL=off turns it off whatever else is set', () => {
    for (const off of ['off', 'OFF', '0', 'false']) {
      expect(journalOptionsFromEnv({ MCP_JOURNAL: off, MCP_JOURNAL_DIR: '/x' }, { dir: '/state/j' })).toBeUndefined();
    }
    expect(journalOptionsFromEnv({ MCP_JOURNAL: 'on' }, { dir: '/state/j' })).toEqual({ dir: '/state/j' });
    expect(() => journalOptionsFromEnv({ MCP_JOURNAL: 'maybe' })).toThrow(
      new ConfigError('MCP_JOURNAL must be "on" or "off", got "maybe".'),
    );
  });
});
