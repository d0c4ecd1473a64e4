import { describe, expect, test } from 'vitest';

import { parseCommandLine, usage, type ServeOptions } from './config.js';
import { ConfigError } from './errors.js';

function serveOptions(argv: string[], env: NodeJS.ProcessEnv = {}): ServeOptions {
  const parsed = parseCommandLine(argv, env);
  if (parsed.kind !== 'serve') throw new Error(`expected serve, got ${parsed.kind}`);
  return parsed.options;
}

function failure(argv: string[], env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseCommandLine(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseCommandLine', () => {
  test('defaults to stdio on 127.0.0.1:3000, stateless, 5 s grace', () => {
    expect(serveOptions([])).toEqual({
      transport: 'stdio',
      host: '127.0.0.1',
      port: 3000,
      mode: 'stateless',
      allowedHosts: [],
      allowedOrigins: [],
      logLevel: undefined,
      shutdownGraceMs: 5000,
      corsOrigins: [],
    });
  });

  test('reads every setting from the environment', () => {
    expect(
      serveOptions([], {
        MCP_TRANSPORT: 'http',
        PORT: '8080',
        HOST: '0.0.0.0',
        MCP_HTTP_MODE: 'stateful',
        MCP_ALLOWED_HOSTS: 'a.example, b.example,,',
        MCP_ALLOWED_ORIGINS: 'app.example',
        LOG_LEVEL: 'debug',
        MCP_SHUTDOWN_GRACE_MS: '250',
      }),
    ).toEqual({
      transport: 'http',
      host: '0.0.0.0',
      port: 8080,
      mode: 'stateful',
      allowedHosts: ['a.example', 'b.example'],
      allowedOrigins: ['app.example'],
      logLevel: 'debug',
      shutdownGraceMs: 250,
      corsOrigins: [],
    });
  });

  test('flags beat environment variables', () => {
    const env = {
      MCP_TRANSPORT: 'stdio',
      PORT: '1',
      HOST: '10.0.0.1',
      MCP_HTTP_MODE: 'stateless',
      MCP_ALLOWED_HOSTS: 'env.example',
      MCP_ALLOWED_ORIGINS: 'env.example',
      LOG_LEVEL: 'error',
      MCP_SHUTDOWN_GRACE_MS: '1',
    };
    expect(
      serveOptions(
        [
          '--transport',
          'http',
          '--port',
          '0',
          '--host',
          '::1',
          '--stateful',
          '--allowed-hosts',
          'flag.example',
          '--allowed-origins',
          'flag.example',
          '--log-level',
          'warn',
          '--shutdown-grace',
          '100',
        ],
        env,
      ),
    ).toEqual({
      transport: 'http',
      host: '::1',
      port: 0,
      mode: 'stateful',
      allowedHosts: ['flag.example'],
      allowedOrigins: ['flag.example'],
      logLevel: 'warn',
      shutdownGraceMs: 100,
      corsOrigins: [],
    });
  });

  test('accepts the short flags and --flag=value', () => {
    const options = serveOptions(['-t', 'http', '-p', '4000', '--host=localhost']);
    expect(options).toMatchObject({ transport: 'http', port: 4000, host: 'localhost' });
  });

  test('--help and --version win over everything else', () => {
    expect(parseCommandLine(['--help'], { PORT: 'abc' })).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'], {})).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-v'], { MCP_TRANSPORT: 'tcp' })).toEqual({ kind: 'version' });
  });

  describe('validation messages', () => {
    test.each([
      [['--bogus'], {}, /Unknown option '--bogus'.*Run with --help for the options\./],
      [['positional'], {}, /Unexpected argument 'positional'.*Run with --help/],
      [['--port'], {}, /Option '-p, --port <value>' argument missing.*Run with --help/],
      [['--transport', 'tcp'], {}, /^--transport \(or MCP_TRANSPORT\) must be "stdio" or "http", got "tcp"\.$/],
      [[], { MCP_TRANSPORT: 'tcp' }, /^--transport \(or MCP_TRANSPORT\) must be "stdio" or "http", got "tcp"\.$/],
      [['--port', 'abc'], {}, /^--port must be a whole number, got "abc"\.$/],
      [[], { PORT: 'abc' }, /^PORT must be a whole number, got "abc"\.$/],
      [[], { PORT: '-1' }, /^PORT must be a whole number, got "-1"\.$/],
      [[], { PORT: '3.5' }, /^PORT must be a whole number, got "3\.5"\.$/],
      [['--port', '70000'], {}, /^--port must be between 0 and 65535, got 70000\.$/],
      [[], { PORT: '65536' }, /^PORT must be between 0 and 65535, got 65536\.$/],
      [['--host', ''], {}, /^--host \(or HOST\) must be an address such as 127\.0\.0\.1, got ""\.$/],
      [
        [],
        { HOST: 'http://example.com' },
        /^--host \(or HOST\) must be an address such as 127\.0\.0\.1, got "http:\/\/example\.com"\.$/,
      ],
      [[], { HOST: 'two words' }, /must be an address/],
      [[], { MCP_HTTP_MODE: 'sessions' }, /^MCP_HTTP_MODE must be "stateless" or "stateful", got "sessions"\.$/],
      [
        ['--log-level', 'loud'],
        {},
        /^--log-level \(or LOG_LEVEL\) must be one of trace, debug, info, warn, error, fatal, silent, got "loud"\.$/,
      ],
      [[], { LOG_LEVEL: 'verbose' }, /^--log-level \(or LOG_LEVEL\) must be one of .*got "verbose"\.$/],
      [['--shutdown-grace', 'soon'], {}, /^--shutdown-grace must be a whole number, got "soon"\.$/],
      [[], { MCP_SHUTDOWN_GRACE_MS: '600001' }, /^--shutdown-grace must be between 0 and 600000, got 600001\.$/],
    ])('%j with env %j fails with a message saying what to change', (argv, env, message) => {
      const error = failure(argv, env);
      expect(error.code).toBe('INVALID_CONFIG');
      expect(error.message).toMatch(message);
    });

    test('a flag with a bad value is named as the flag even when the env var is also set', () => {
      expect(failure(['--port', 'x'], { PORT: '80' }).message).toMatch(/^--port /);
    });

    test('--stateful is a boolean and takes no value', () => {
      expect(failure(['--stateful=yes']).message).toMatch(/--stateful.*does not take an argument/);
    });
  });
});

describe('usage', () => {
  test('names the bin and documents every flag and its environment variable', () => {
    const text = usage('weather-mcp');
    expect(text.startsWith('Usage: weather-mcp [options]')).toBe(true);
    for (const piece of [
      '--transport',
      'MCP_TRANSPORT',
      '--port',
      'PORT',
      '--host',
      'HOST',
      '--stateful',
      'MCP_HTTP_MODE',
      '--allowed-hosts',
      'MCP_ALLOWED_HOSTS',
      '--allowed-origins',
      'MCP_ALLOWED_ORIGINS',
      '--log-level',
      'LOG_LEVEL',
      '--shutdown-grace',
      'MCP_SHUTDOWN_GRACE_MS',
      '--help',
      '--version',
    ]) {
      expect(text).toContain(piece);
    }
  });
});
