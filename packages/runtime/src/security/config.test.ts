import { describe, expect, test } from 'vitest';

import { parseCommandLine, usage, type ServeOptions } from '../config.js';
import { ConfigError } from '../errors.js';
import { serveOptionsFrom } from '../serve.js';
import { DEFAULT_JWT_ALGORITHMS, parseRate, parseTokenList } from './config.js';

const TOKEN_A = 'a'.repeat(16) + '0123456789';
const TOKEN_B = 'B0b-._~+/'.repeat(3);

function files(contents: Record<string, string>): { readFile: (path: string) => string } {
  return {
    readFile: (path) => {
      const text = contents[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

function options(argv: string[], env: NodeJS.ProcessEnv = {}, contents: Record<string, string> = {}): ServeOptions {
  const parsed = parseCommandLine(argv, env, files(contents));
  if (parsed.kind !== 'serve') throw new Error(`expected serve, got ${parsed.kind}`);
  return parsed.options;
}

function failure(argv: string[], env: NodeJS.ProcessEnv = {}, contents: Record<string, string> = {}): string {
  try {
    parseCommandLine(argv, env, files(contents));
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseTokenList', () => {
  test('reads a token file: one token per line, optional scopes after a colon, # comments and blank lines skipped', () => {
    const text = `# operators\n${TOKEN_A}\n\n  ${TOKEN_B}: read  write \n# end\r\n`;
    expect(parseTokenList(text, 'file', 'line')).toEqual([
      { token: TOKEN_A, scopes: undefined },
      { token: TOKEN_B, scopes: ['read', 'write'] },
    ]);
  });

  test('reads MCP_AUTH_TOKENS: comma-separated entries', () => {
    expect(parseTokenList(`${TOKEN_A}:admin, ${TOKEN_B}`, 'env', 'comma')).toEqual([
      { token: TOKEN_A, scopes: ['admin'] },
      { token: TOKEN_B, scopes: undefined },
    ]);
  });

  test('an empty scope list after the colon means every scope', () => {
    expect(parseTokenList(`${TOKEN_A}:`, 'env', 'comma')).toEqual([{ token: TOKEN_A, scopes: undefined }]);
  });

  test.each([
    ['short-token', /line 1: the token is shorter than 16 characters; generate one with `openssl rand -hex 32`/],
    [`${TOKEN_A}\n${TOKEN_A}`, /line 2: the same token is listed twice/],
    [`bad token with spaces ${TOKEN_A}`, /line 1: a token may hold only letters, digits/],
    [`${TOKEN_A}:"quoted"`, /line 1: "\\"quoted\\"" is not a valid scope/],
  ])('refuses %j, naming the line but never the token', (text, message) => {
    let error: unknown;
    try {
      parseTokenList(text, 'tokens.txt', 'line');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(TOKEN_A);
  });
});

describe('parseRate', () => {
  test.each([
    ['60/min', 60, 60_000],
    ['10/s', 10, 1000],
    ['10/sec', 10, 1000],
    ['1000/hour', 1000, 3_600_000],
    ['5/10s', 5, 10_000],
    [' 100 / minutes ', 100, 60_000],
    ['2/500ms', 2, 500],
  ])('%j is %d per %d ms', (text, limit, intervalMs) => {
    expect(parseRate(text, 'MCP_RATE_LIMIT')).toEqual({ limit, intervalMs });
  });

  test.each(['60', '0/s', 'x/min', '10/fortnight', '-1/s', '1.5/s'])('refuses %j', (text) => {
    expect(() => parseRate(text, 'MCP_RATE_LIMIT')).toThrow(/^MCP_RATE_LIMIT must be a rate such as 60\/min/);
  });
});

describe('parseCommandLine: the HTTP hardening settings', () => {
  test('everything is off by default', () => {
    expect(options([])).toMatchObject({
      maxBodyBytes: undefined,
      maxConcurrency: undefined,
      corsOrigins: [],
      auth: undefined,
      rateLimit: undefined,
    });
  });

  test('static tokens from MCP_AUTH_TOKENS and a token file together', () => {
    const parsed = options(
      ['--auth-tokens-file', '/etc/tokens'],
      { MCP_AUTH_TOKENS: TOKEN_A, MCP_AUTH_REQUIRED_SCOPES: 'mcp' },
      { '/etc/tokens': `${TOKEN_B}:mcp read\n` },
    );
    expect(parsed.auth).toEqual({
      tokens: [
        { token: TOKEN_A, scopes: undefined },
        { token: TOKEN_B, scopes: ['mcp', 'read'] },
      ],
      requiredScopes: ['mcp'],
    });
  });

  test('OAuth resource-server mode with a JWKS URL; audience and authorization servers default sensibly', () => {
    const parsed = options([], {
      MCP_OAUTH_ISSUER: 'https://auth.example.com',
      MCP_OAUTH_RESOURCE: 'https://mcp.example.com/mcp',
      MCP_OAUTH_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json',
    });
    expect(parsed.auth).toEqual({
      oauth: {
        issuer: 'https://auth.example.com',
        audience: ['https://mcp.example.com/mcp'],
        resource: 'https://mcp.example.com/mcp',
        authorizationServers: ['https://auth.example.com'],
        jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
        algorithms: [...DEFAULT_JWT_ALGORITHMS],
        clockToleranceSec: 30,
      },
    });
  });

  test('OAuth flags beat the environment; a static key file replaces the JWKS', () => {
    const parsed = options(
      [
        '--oauth-issuer',
        'https://as.example/',
        '--oauth-resource',
        'https://mcp.example/mcp',
        '--oauth-audience',
        'api://mcp, https://mcp.example/mcp',
        '--oauth-public-key-file',
        '/keys/as.pem',
        '--oauth-authorization-servers',
        'https://as.example/,https://backup.example',
        '--oauth-algorithms',
        'ES256',
        '--oauth-clock-skew',
        '5',
      ],
      { MCP_OAUTH_ISSUER: 'https://env.example' },
      { '/keys/as.pem': '-----BEGIN PUBLIC KEY-----\nMFk...\n-----END PUBLIC KEY-----\n' },
    );
    expect(parsed.auth?.oauth).toMatchObject({
      issuer: 'https://as.example/',
      audience: ['api://mcp', 'https://mcp.example/mcp'],
      authorizationServers: ['https://as.example/', 'https://backup.example'],
      algorithms: ['ES256'],
      clockToleranceSec: 5,
      publicKey: expect.stringContaining('BEGIN PUBLIC KEY') as unknown,
    });
    expect(parsed.auth?.oauth?.jwksUrl).toBeUndefined();
  });

  test('rate limit with burst and REDIS_URL; concurrency, body size and CORS origins', () => {
    expect(
      options(['--rate-limit', '10/s', '--max-concurrency', '64', '--cors-origins', 'https://app.example.com/'], {
        MCP_RATE_LIMIT_BURST: '20',
        REDIS_URL: 'redis://:pw@redis:6379/0',
        MCP_MAX_BODY_BYTES: '1048576',
        MCP_BODY_TIMEOUT_MS: '2500',
      }),
    ).toMatchObject({
      rateLimit: { limit: 10, intervalMs: 1000, burst: 20, redisUrl: 'redis://:pw@redis:6379/0' },
      maxConcurrency: 64,
      maxBodyBytes: 1_048_576,
      bodyTimeoutMs: 2500,
      corsOrigins: ['https://app.example.com'],
    });
    expect(options([], { MCP_RATE_LIMIT: '60/min' }).rateLimit).toEqual({ limit: 60, intervalMs: 60_000, burst: 60 });
    expect(options([], { MCP_RATE_LIMIT: 'off', MCP_MAX_CONCURRENCY: '0' })).toMatchObject({
      rateLimit: undefined,
      maxConcurrency: undefined,
    });
  });

  test.each([
    [[], { MCP_AUTH_TOKENS: 'short' }, /^MCP_AUTH_TOKENS entry 1: the token is shorter than 16/],
    [['--auth-tokens-file', '/missing'], {}, /^--auth-tokens-file: cannot read "\/missing" \(ENOENT\)\.$/],
    [[], { MCP_AUTH_TOKENS_FILE: '/empty' }, /^MCP_AUTH_TOKENS_FILE: \/empty lists no token\.$/],
    [[], { MCP_AUTH_TOKENS: TOKEN_A, MCP_AUTH_TOKENS_FILE: '/dup' }, /a token is also listed in MCP_AUTH_TOKENS/],
    [[], { MCP_AUTH_REQUIRED_SCOPES: 'mcp' }, /^MCP_AUTH_REQUIRED_SCOPES needs authentication/],
    [[], { MCP_OAUTH_ISSUER: 'https://as.example' }, /^OAuth mode needs MCP_OAUTH_RESOURCE/],
    [[], { MCP_OAUTH_RESOURCE: 'https://mcp.example/mcp' }, /^OAuth mode needs MCP_OAUTH_ISSUER/],
    [
      [],
      { MCP_OAUTH_ISSUER: 'https://as.example', MCP_OAUTH_RESOURCE: 'https://mcp.example/mcp' },
      /needs exactly one of MCP_OAUTH_JWKS_URL .* and MCP_OAUTH_PUBLIC_KEY/,
    ],
    [
      [],
      {
        MCP_OAUTH_ISSUER: 'https://as.example',
        MCP_OAUTH_RESOURCE: 'mcp.example/mcp',
        MCP_OAUTH_JWKS_URL: 'https://as.example/jwks',
      },
      /^MCP_OAUTH_RESOURCE must be an absolute URL/,
    ],
    [
      [],
      {
        MCP_OAUTH_ISSUER: 'https://as.example',
        MCP_OAUTH_RESOURCE: 'https://mcp.example/mcp',
        MCP_OAUTH_JWKS_URL: 'https://as.example/jwks',
        MCP_OAUTH_ALGORITHMS: 'HS256',
      },
      /HMAC algorithms .* a resource server must not hold/,
    ],
    [
      [],
      {
        MCP_OAUTH_ISSUER: 'https://as.example',
        MCP_OAUTH_RESOURCE: 'https://mcp.example/mcp',
        MCP_OAUTH_PUBLIC_KEY: 'ssh-rsa AAAA',
      },
      /must be a PEM public key/,
    ],
    [[], { MCP_RATE_LIMIT: 'lots' }, /^MCP_RATE_LIMIT must be a rate such as 60\/min/],
    [[], { MCP_RATE_LIMIT_BURST: '5' }, /^MCP_RATE_LIMIT_BURST needs a rate/],
    [[], { MCP_RATE_LIMIT: '1/s', REDIS_URL: 'http://redis' }, /^REDIS_URL must start with redis:\/\//],
    [['--max-concurrency', 'many'], {}, /^--max-concurrency must be a whole number/],
    [[], { MCP_MAX_BODY_BYTES: '0' }, /^MCP_MAX_BODY_BYTES must be between 1 and/],
    [[], { MCP_BODY_TIMEOUT_MS: '5' }, /^MCP_BODY_TIMEOUT_MS must be between 100 and/],
    [[], { MCP_CORS_ORIGINS: '*' }, /"\*" is not accepted/],
    [[], { MCP_CORS_ORIGINS: 'app.example.com' }, /must be origins such as https:\/\/app\.example\.com/],
  ])('%j with env %j fails with a message saying what to change', (argv, env, message) => {
    const text = failure(argv, env, { '/empty': '# nothing yet\n', '/dup': `${TOKEN_A}\n` });
    expect(text).toMatch(message);
    expect(text).not.toContain(TOKEN_A);
  });

  test('tokens cannot be given as a flag (command lines are visible to every user)', () => {
    expect(() => parseCommandLine(['--auth-tokens', TOKEN_A], {})).toThrow(/Unknown option '--auth-tokens'/);
  });
});

describe('serveOptionsFrom', () => {
  test('hands the hardening settings to the HTTP front', () => {
    const parsed = options(
      ['--transport', 'http', '--max-body-bytes', '1000', '--body-timeout-ms', '500', '--max-concurrency', '8'],
      {
        MCP_AUTH_TOKENS: TOKEN_A,
        MCP_RATE_LIMIT: '5/s',
        MCP_CORS_ORIGINS: 'https://app.example.com',
      },
    );
    expect(serveOptionsFrom(parsed)).toMatchObject({
      transport: 'http',
      maxBodyBytes: 1000,
      bodyTimeoutMs: 500,
      maxConcurrency: 8,
      corsOrigins: ['https://app.example.com'],
      auth: { tokens: [{ token: TOKEN_A, scopes: undefined }] },
      rateLimit: { limit: 5, intervalMs: 1000, burst: 5 },
    });
  });

  test('leaves them out when unset, and out of stdio', () => {
    const http = serveOptionsFrom(options(['--transport', 'http']));
    for (const key of ['maxBodyBytes', 'bodyTimeoutMs', 'maxConcurrency', 'corsOrigins', 'auth', 'rateLimit']) {
      expect(http).not.toHaveProperty(key);
    }
    expect(serveOptionsFrom(options([], { MCP_AUTH_TOKENS: TOKEN_A }))).toEqual({ transport: 'stdio' });
  });
});

describe('usage', () => {
  test('documents every hardening flag and environment variable', () => {
    const text = usage('weather-mcp');
    for (const piece of [
      '--auth-tokens-file',
      'MCP_AUTH_TOKENS_FILE',
      'MCP_AUTH_TOKENS',
      '--auth-required-scopes',
      'MCP_AUTH_REQUIRED_SCOPES',
      '--oauth-issuer',
      'MCP_OAUTH_ISSUER',
      '--oauth-resource',
      'MCP_OAUTH_RESOURCE',
      '--oauth-audience',
      'MCP_OAUTH_AUDIENCE',
      '--oauth-jwks-url',
      'MCP_OAUTH_JWKS_URL',
      '--oauth-public-key-file',
      'MCP_OAUTH_PUBLIC_KEY',
      '--oauth-authorization-servers',
      'MCP_OAUTH_AUTHORIZATION_SERVERS',
      '--oauth-algorithms',
      'MCP_OAUTH_ALGORITHMS',
      '--oauth-clock-skew',
      'MCP_OAUTH_CLOCK_SKEW',
      '--rate-limit',
      'MCP_RATE_LIMIT',
      '--rate-limit-burst',
      'MCP_RATE_LIMIT_BURST',
      'REDIS_URL',
      '--max-concurrency',
      'MCP_MAX_CONCURRENCY',
      '--max-body-bytes',
      'MCP_MAX_BODY_BYTES',
      '--body-timeout-ms',
      'MCP_BODY_TIMEOUT_MS',
      '--cors-origins',
      'MCP_CORS_ORIGINS',
    ]) {
      expect(text).toContain(piece);
    }
  });
});
