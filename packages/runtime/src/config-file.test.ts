import { describe, expect, test } from 'vitest';

import { applyConfigFile, configFilePath, readConfigFile } from './config-file.js';
import { ConfigError } from './errors.js';

const files: Record<string, string> = {
  '/etc/srv.env': '# settings\nMCP_JOURNAL_FSYNC=always\nAPI_BASE_URL="http://127.0.0.1:9"\n\nMCP_RATE_LIMIT=60/min\n',
  '/etc/srv.json': JSON.stringify({
    MCP_JOURNAL_FSYNC: 'off',
    MCP_UPSTREAM_RETRIES: 0,
    MCP_JOURNAL_RECORD_BODIES: true,
  }),
  '/etc/typo.env': 'MCP_JOURNAL_FSNYC=always\n',
  '/etc/array.json': '[1, 2]',
  '/etc/nested.json': '{"MCP_RATE_LIMIT": {"rate": 1}}',
  '/etc/broken.json': '{"MCP_RATE_LIMIT": ',
  '/etc/badname.json': '{"a-b": "1"}',
  '/etc/recursive.env': 'MCP_CONFIG_FILE=/etc/srv.env\n',
};
const read = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return text;
};

describe('the configuration file', () => {
  test('reads .env lines and JSON objects; values become strings', () => {
    expect(readConfigFile('/etc/srv.env', read)).toEqual({
      MCP_JOURNAL_FSYNC: 'always',
      API_BASE_URL: 'http://127.0.0.1:9',
      MCP_RATE_LIMIT: '60/min',
    });
    expect(readConfigFile('/etc/srv.json', read)).toEqual({
      MCP_JOURNAL_FSYNC: 'off',
      MCP_UPSTREAM_RETRIES: '0',
      MCP_JOURNAL_RECORD_BODIES: 'true',
    });
  });

  test.each([
    [
      '/etc/missing.env',
      'cannot read the configuration file /etc/missing.env: no such file. Fix --config or MCP_CONFIG_FILE.',
    ],
    ['/etc/typo.env', '/etc/typo.env: unknown setting MCP_JOURNAL_FSNYC (did you mean MCP_JOURNAL_FSYNC?).'],
    ['/etc/array.json', 'the configuration file /etc/array.json must hold a JSON object of variable names to values.'],
    ['/etc/nested.json', '/etc/nested.json: MCP_RATE_LIMIT must be a string, number or boolean, got object.'],
    ['/etc/badname.json', '/etc/badname.json: "a-b" is not a variable name (letters, digits and _).'],
    ['/etc/recursive.env', '/etc/recursive.env: a configuration file cannot name another one.'],
  ])('refuses %s with a message naming the file and the entry', (path, message) => {
    expect(() => readConfigFile(path, read)).toThrow(new ConfigError(message));
  });

  test('bad JSON names the file', () => {
    expect(() => readConfigFile('/etc/broken.json', read)).toThrow(
      /the configuration file \/etc\/broken.json is not valid JSON/,
    );
  });

  test('is found from --config, --config=, or MCP_CONFIG_FILE, the flag first', () => {
    expect(configFilePath(['--config', 'a.env'], { MCP_CONFIG_FILE: 'b.env' })).toBe('a.env');
    expect(configFilePath(['--port', '1', '--config=c.json'], {})).toBe('c.json');
    expect(configFilePath([], { MCP_CONFIG_FILE: ' b.env ' })).toBe('b.env');
    expect(configFilePath([], {})).toBeUndefined();
    expect(() => configFilePath(['--config'], {})).toThrow(new ConfigError('--config needs a file path.'));
  });

  test('layers under the environment: the environment wins, the rest is filled in', () => {
    const env: NodeJS.ProcessEnv = { MCP_CONFIG_FILE: '/etc/srv.env', MCP_JOURNAL_FSYNC: 'interval' };
    expect(applyConfigFile([], env, read)).toEqual(['API_BASE_URL', 'MCP_RATE_LIMIT']);
    expect(env).toEqual({
      MCP_CONFIG_FILE: '/etc/srv.env',
      MCP_JOURNAL_FSYNC: 'interval',
      API_BASE_URL: 'http://127.0.0.1:9',
      MCP_RATE_LIMIT: '60/min',
    });
    expect(applyConfigFile([], {}, read)).toEqual([]);
  });
});
