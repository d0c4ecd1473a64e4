/**
 * The settings of the hardened HTTP front (bearer tokens, OAuth resource-server mode, rate limits,
 * concurrency, body size, CORS) and the pure parsers that turn flags and environment variables into
 * them. Loaded by every bin through `config.ts`, so it imports nothing heavier than the errors: no
 * `node:crypto`, no jose, no ioredis (a stdio server must not pay for them at start-up).
 *
 * @module
 */
import { ConfigError } from '../errors.js';

/** A static bearer token and the scopes it grants. */
export interface StaticToken {
  readonly token: string;
  /**
   * Scopes this token grants; `undefined` (no scopes written) grants every scope the server knows:
   * static tokens are operator keys, and a one-token deployment should not have to list scopes.
   */
  readonly scopes: readonly string[] | undefined;
}

/** OAuth 2.1 resource-server mode: access tokens are JWTs from an authorization server. */
export interface OAuthOptions {
  /** Expected `iss` claim. */
  readonly issuer: string;
  /** Accepted `aud` values; a token must name one of them. Default: {@link OAuthOptions.resource}. */
  readonly audience: readonly string[];
  /** Public URL of the MCP endpoint (RFC 9728 `resource`), e.g. `https://mcp.example.com/mcp`. */
  readonly resource: string;
  /** Authorization servers advertised in the metadata document. Default: the issuer. */
  readonly authorizationServers: readonly string[];
  /** Where the signing keys are published (a JWKS document). One of this and `publicKey`. */
  readonly jwksUrl?: string;
  /** A static verification key: a PEM `PUBLIC KEY` or a JWK as JSON. One of this and `jwksUrl`. */
  readonly publicKey?: string;
  /** JWS algorithms accepted; default {@link DEFAULT_JWT_ALGORITHMS}. */
  readonly algorithms: readonly string[];
  /** Leeway for `exp` and `nbf`, in seconds; default 30. */
  readonly clockToleranceSec: number;
}

/** Who may call the MCP endpoint. */
export interface HttpAuthOptions {
  /** Static bearer tokens (`MCP_AUTH_TOKENS`, `MCP_AUTH_TOKENS_FILE`). */
  readonly tokens?: readonly StaticToken[];
  /** JWT access tokens from an authorization server. */
  readonly oauth?: OAuthOptions;
  /** Scopes every request must carry (403 `insufficient_scope` otherwise). */
  readonly requiredScopes?: readonly string[];
  /** `realm` of the `WWW-Authenticate` challenges; default the server's name. */
  readonly realm?: string;
}

/** A token-bucket rate limit per client. */
export interface RateLimitOptions {
  /** Requests allowed per {@link RateLimitOptions.intervalMs} on average (the refill rate). */
  readonly limit: number;
  readonly intervalMs: number;
  /** Bucket size: how many requests may arrive at once. Default: `limit`. */
  readonly burst: number;
  /** Shares the buckets across replicas through Redis (needs the optional `ioredis` package). */
  readonly redisUrl?: string;
}

/** The front's settings as parsed from flags and environment. */
export interface HttpSecuritySettings {
  maxBodyBytes: number | undefined;
  bodyTimeoutMs: number | undefined;
  maxConcurrency: number | undefined;
  corsOrigins: string[];
  auth: HttpAuthOptions | undefined;
  rateLimit: RateLimitOptions | undefined;
}

/** JWS algorithms accepted by default: the asymmetric ones (a shared HMAC secret is not a resource-server key). */
export const DEFAULT_JWT_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** Shortest static token accepted: anything shorter can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** RFC 6750 `b64token`: what may follow `Bearer ` in an Authorization header. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** RFC 6749 `scope-token`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hour: 3_600_000,
};

/** Parses a scope list (`"read write"`, or comma-separated in `MCP_AUTH_REQUIRED_SCOPES`). */
export function parseScopes(text: string, source: string): string[] {
  const scopes = text
    .split(/[\s,]+/)
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) throw new ConfigError(`${source}: ${JSON.stringify(scope)} is not a valid scope.`);
  }
  return [...new Set(scopes)];
}

/**
 * Parses static tokens: one per entry, `token` or `token:scope1 scope2`. Entries come from lines
 * (the token file; blank lines and `#` comments skipped) or from commas (`MCP_AUTH_TOKENS`).
 * Error messages name the entry by position, never by value: they end up in logs.
 */
export function parseTokenList(text: string, source: string, separator: 'line' | 'comma'): StaticToken[] {
  const entries = separator === 'line' ? text.split(/\r?\n/) : text.split(',');
  const tokens: StaticToken[] = [];
  const seen = new Set<string>();
  entries.forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === '' || (separator === 'line' && entry.startsWith('#'))) return;
    const where = `${source} ${separator === 'line' ? 'line' : 'entry'} ${index + 1}`;
    const colon = entry.indexOf(':');
    const token = (colon === -1 ? entry : entry.slice(0, colon)).trim();
    if (!B64TOKEN.test(token)) {
      throw new ConfigError(
        `${where}: a token may hold only letters, digits and - . _ ~ + / = (write scopes after a colon: token:scope1 scope2).`,
      );
    }
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError(
        `${where}: the token is shorter than ${MIN_TOKEN_LENGTH} characters; generate one with \`openssl rand -hex 32\`.`,
      );
    }
    if (seen.has(token)) throw new ConfigError(`${where}: the same token is listed twice.`);
    seen.add(token);
    const scopes = colon === -1 ? undefined : parseScopes(entry.slice(colon + 1), where);
    tokens.push({ token, scopes: scopes === undefined || scopes.length === 0 ? undefined : scopes });
  });
  return tokens;
}

/** Parses a rate such as `60/min`, `10/s`, `1000/hour` or `5/10s`. */
export function parseRate(text: string, source: string): { limit: number; intervalMs: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([a-z]+)\s*$/i.exec(text);
  const word = match?.[3]?.toLowerCase() ?? '';
  const unit = match === null ? undefined : (UNITS[word] ?? UNITS[word.replace(/s$/, '')]);
  const limit = match === null ? 0 : Number(match[1]);
  const count = match === null || match[2] === '' ? 1 : Number(match[2]);
  if (match === null || unit === undefined || limit < 1 || count < 1 || !Number.isSafeInteger(limit)) {
    throw new ConfigError(
      `${source} must be a rate such as 60/min, 10/s or 1000/hour, got ${JSON.stringify(text.slice(0, 100))}.`,
    );
  }
  return { limit, intervalMs: unit * count };
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got ${JSON.stringify(value.slice(0, 200))}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(value.slice(0, 200))}.`);
  }
  if (url.hash !== '') throw new ConfigError(`${name} must not have a #fragment.`);
  return url.href;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function whole(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim()))
    throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(value)}.`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${parsed}.`);
  return parsed;
}

function corsOrigin(value: string): string {
  if (value === '*') {
    throw new ConfigError('MCP_CORS_ORIGINS (or --cors-origins) takes explicit origins; "*" is not accepted.');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `MCP_CORS_ORIGINS (or --cors-origins) entries must be origins such as https://app.example.com, got ${JSON.stringify(value.slice(0, 200))}.`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
    throw new ConfigError(
      `MCP_CORS_ORIGINS (or --cors-origins) entries must be http(s) origins, got ${JSON.stringify(value.slice(0, 200))}.`,
    );
  }
  return url.origin;
}

/** How the security parser reads files (the token file, the OAuth key file); tests inject it. */
export interface SecurityIo {
  readFile(path: string): string;
}

/**
 * Parses the front's settings. `flag(name)` returns a command-line value (flags win), `env` the
 * environment. Throws {@link ConfigError} with a message that says what to change.
 */
export function parseSecuritySettings(
  flag: (name: string) => string | undefined,
  env: NodeJS.ProcessEnv,
  io: SecurityIo,
): HttpSecuritySettings {
  const setting = (flagName: string, envName: string): { value: string | undefined; name: string } => {
    const fromFlag = flag(flagName);
    return fromFlag === undefined ? { value: env[envName], name: envName } : { value: fromFlag, name: `--${flagName}` };
  };
  const read = (name: string, path: string): string => {
    try {
      return io.readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(`${name}: cannot read ${JSON.stringify(path)} (${code ?? (error as Error).message}).`);
    }
  };

  const body = setting('max-body-bytes', 'MCP_MAX_BODY_BYTES');
  const bodyTimeout = setting('body-timeout-ms', 'MCP_BODY_TIMEOUT_MS');
  const concurrency = setting('max-concurrency', 'MCP_MAX_CONCURRENCY');
  const cors = setting('cors-origins', 'MCP_CORS_ORIGINS');

  // Tokens never come from a flag: command lines are visible to every user of the machine (`ps`).
  const tokens: StaticToken[] = [];
  if (env.MCP_AUTH_TOKENS !== undefined) {
    tokens.push(...parseTokenList(env.MCP_AUTH_TOKENS, 'MCP_AUTH_TOKENS', 'comma'));
  }
  const tokenFile = setting('auth-tokens-file', 'MCP_AUTH_TOKENS_FILE');
  if (tokenFile.value !== undefined && tokenFile.value.trim() !== '') {
    const fromFile = parseTokenList(read(tokenFile.name, tokenFile.value), tokenFile.name, 'line');
    if (fromFile.length === 0) throw new ConfigError(`${tokenFile.name}: ${tokenFile.value} lists no token.`);
    for (const entry of fromFile) {
      if (tokens.some((known) => known.token === entry.token)) {
        throw new ConfigError(`${tokenFile.name}: a token is also listed in MCP_AUTH_TOKENS.`);
      }
      tokens.push(entry);
    }
  }

  const issuer = setting('oauth-issuer', 'MCP_OAUTH_ISSUER');
  const audience = setting('oauth-audience', 'MCP_OAUTH_AUDIENCE');
  const jwksUrl = setting('oauth-jwks-url', 'MCP_OAUTH_JWKS_URL');
  const resource = setting('oauth-resource', 'MCP_OAUTH_RESOURCE');
  const servers = setting('oauth-authorization-servers', 'MCP_OAUTH_AUTHORIZATION_SERVERS');
  const algorithms = setting('oauth-algorithms', 'MCP_OAUTH_ALGORITHMS');
  const skew = setting('oauth-clock-skew', 'MCP_OAUTH_CLOCK_SKEW');
  const keyFile = setting('oauth-public-key-file', 'MCP_OAUTH_PUBLIC_KEY_FILE');
  const keyText =
    keyFile.value !== undefined && keyFile.value.trim() !== ''
      ? read(keyFile.name, keyFile.value)
      : env.MCP_OAUTH_PUBLIC_KEY;
  const oauthAsked =
    [issuer, audience, jwksUrl, resource, servers, algorithms, skew].some((item) => item.value !== undefined) ||
    keyText !== undefined;
  let oauth: OAuthOptions | undefined;
  if (oauthAsked) {
    if (issuer.value === undefined) throw new ConfigError('OAuth mode needs MCP_OAUTH_ISSUER (or --oauth-issuer).');
    if (resource.value === undefined) {
      throw new ConfigError(
        'OAuth mode needs MCP_OAUTH_RESOURCE (or --oauth-resource): the public URL of this server’s MCP endpoint, e.g. https://mcp.example.com/mcp.',
      );
    }
    if ((jwksUrl.value === undefined) === (keyText === undefined)) {
      throw new ConfigError(
        'OAuth mode needs exactly one of MCP_OAUTH_JWKS_URL (or --oauth-jwks-url) and MCP_OAUTH_PUBLIC_KEY / MCP_OAUTH_PUBLIC_KEY_FILE.',
      );
    }
    if (keyText !== undefined && !/^\s*(-----BEGIN PUBLIC KEY-----|\{)/.test(keyText)) {
      throw new ConfigError(
        'MCP_OAUTH_PUBLIC_KEY must be a PEM public key ("-----BEGIN PUBLIC KEY-----") or a JWK as JSON.',
      );
    }
    const resourceUrl = httpUrl(resource.name, resource.value);
    const algorithmList = algorithms.value === undefined ? [...DEFAULT_JWT_ALGORITHMS] : list(algorithms.value);
    for (const algorithm of algorithmList) {
      if (!/^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$|^HS(256|384|512)$/.test(algorithm)) {
        throw new ConfigError(`${algorithms.name}: ${JSON.stringify(algorithm)} is not a JWS algorithm.`);
      }
    }
    if (algorithmList.length === 0) throw new ConfigError(`${algorithms.name} lists no algorithm.`);
    if (algorithmList.some((algorithm) => algorithm.startsWith('HS'))) {
      throw new ConfigError(
        `${algorithms.name}: HMAC algorithms (HS256…) need a shared secret, which a resource server must not hold; use an asymmetric algorithm.`,
      );
    }
    httpUrl(issuer.name, issuer.value.trim());
    oauth = {
      // Compared with `iss` exactly as written: `https://as.example` and `https://as.example/` differ.
      issuer: issuer.value.trim(),
      audience: audience.value === undefined ? [resourceUrl] : list(audience.value),
      resource: resourceUrl,
      authorizationServers:
        servers.value === undefined
          ? [issuer.value.trim()]
          : // Kept as written: clients compare them with the servers' own `issuer` strings.
            list(servers.value).map((server) => {
              httpUrl(servers.name, server);
              return server;
            }),
      ...(jwksUrl.value === undefined ? {} : { jwksUrl: httpUrl(jwksUrl.name, jwksUrl.value) }),
      ...(keyText === undefined ? {} : { publicKey: keyText }),
      algorithms: algorithmList,
      clockToleranceSec: skew.value === undefined ? 30 : whole(skew.name, skew.value, 0, 600),
    };
    if (oauth.audience.length === 0) throw new ConfigError(`${audience.name} lists no audience.`);
  }
  const required = setting('auth-required-scopes', 'MCP_AUTH_REQUIRED_SCOPES');
  const requiredScopes = required.value === undefined ? [] : parseScopes(required.value, required.name);
  if (requiredScopes.length > 0 && tokens.length === 0 && oauth === undefined) {
    throw new ConfigError(
      `${required.name} needs authentication: set MCP_AUTH_TOKENS, MCP_AUTH_TOKENS_FILE or the MCP_OAUTH_* settings.`,
    );
  }
  const auth: HttpAuthOptions | undefined =
    tokens.length === 0 && oauth === undefined
      ? undefined
      : {
          ...(tokens.length === 0 ? {} : { tokens }),
          ...(oauth === undefined ? {} : { oauth }),
          ...(requiredScopes.length === 0 ? {} : { requiredScopes }),
        };

  const rate = setting('rate-limit', 'MCP_RATE_LIMIT');
  const burst = setting('rate-limit-burst', 'MCP_RATE_LIMIT_BURST');
  let rateLimit: RateLimitOptions | undefined;
  if (rate.value !== undefined && rate.value.trim() !== '' && rate.value.trim() !== 'off') {
    const parsed = parseRate(rate.value, rate.name);
    const redisUrl = env.REDIS_URL?.trim();
    if (redisUrl !== undefined && redisUrl !== '' && !/^rediss?:\/\//.test(redisUrl)) {
      throw new ConfigError('REDIS_URL must start with redis:// or rediss://.');
    }
    rateLimit = {
      ...parsed,
      burst: burst.value === undefined ? parsed.limit : whole(burst.name, burst.value, 1, 1_000_000),
      ...(redisUrl === undefined || redisUrl === '' ? {} : { redisUrl }),
    };
  } else if (burst.value !== undefined) {
    throw new ConfigError(`${burst.name} needs a rate: set MCP_RATE_LIMIT (or --rate-limit), e.g. 60/min.`);
  }

  return {
    maxBodyBytes: body.value === undefined ? undefined : whole(body.name, body.value, 1, 1024 * 1024 * 1024),
    bodyTimeoutMs:
      bodyTimeout.value === undefined ? undefined : whole(bodyTimeout.name, bodyTimeout.value, 100, 600_000),
    maxConcurrency:
      concurrency.value === undefined || concurrency.value === '0'
        ? undefined
        : whole(concurrency.name, concurrency.value, 1, 1_000_000),
    corsOrigins: [...new Set(list(cors.value).map(corsOrigin))],
    auth,
    rateLimit,
  };
}
