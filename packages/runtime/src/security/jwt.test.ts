import { exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { ConfigError } from '../errors.js';
import { AuthFailure } from './auth-failure.js';
import { DEFAULT_JWT_ALGORITHMS, type OAuthOptions } from './config.js';
import { createJwtVerifier, scopesOf } from './jwt.js';
import { accessToken, serveJwks, signingKey, type JwksServer, type SigningKey } from './__fixtures__/helpers.js';

const ISSUER = 'https://auth.example.com';
const RESOURCE = 'https://mcp.example.com/mcp';

let rsa: SigningKey;
let ec: SigningKey;
let stranger: SigningKey;
let jwks: JwksServer;

function settings(overrides: Partial<OAuthOptions> = {}): OAuthOptions {
  return {
    issuer: ISSUER,
    audience: [RESOURCE],
    resource: RESOURCE,
    authorizationServers: [ISSUER],
    jwksUrl: jwks.url,
    algorithms: [...DEFAULT_JWT_ALGORITHMS],
    clockToleranceSec: 30,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<AuthFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthFailure) return error;
    throw error;
  }
  throw new Error('expected an AuthFailure');
}

beforeAll(async () => {
  rsa = await signingKey('RS256', 'rsa-1');
  ec = await signingKey('ES256', 'ec-1');
  // Same kid as the RSA key, different key material: a forged signature.
  stranger = await signingKey('RS256', 'rsa-1');
  jwks = await serveJwks([rsa, ec]);
});

afterAll(async () => {
  await jwks.close();
});

describe('createJwtVerifier with a JWKS URL', () => {
  test('accepts a valid RSA token and maps its claims to AuthInfo', async () => {
    const verifier = createJwtVerifier(settings());
    const token = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE, scope: 'read write', client_id: 'app-7' });
    const info = await verifier.verify(token);
    expect(info.clientId).toBe('app-7');
    expect(info.scopes).toEqual(['read', 'write']);
    expect(info.resource?.href).toBe(RESOURCE);
    expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(info.extra).toMatchObject({ principal: 'sub:user-1', kind: 'jwt', sub: 'user-1', iss: ISSUER });
    expect(info.token).toBe(token);
  });

  test('accepts a valid EC token whose aud is a list containing the resource', async () => {
    const verifier = createJwtVerifier(settings());
    const token = await accessToken(ec, { iss: ISSUER, aud: ['https://other.example', RESOURCE], scp: ['a', 'b'] });
    expect((await verifier.verify(token)).scopes).toEqual(['a', 'b']);
  });

  test('the token is not enumerable: logging or serializing AuthInfo does not print it', async () => {
    const token = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE });
    const info = await createJwtVerifier(settings()).verify(token);
    expect(JSON.stringify(info)).not.toContain(token);
    expect(Object.keys(info)).not.toContain('token');
  });

  test.each([
    ['an expired token', { exp: Math.floor(Date.now() / 1000) - 120 }, /expired/],
    ['a token for another audience', { aud: 'https://other.example/mcp' }, /audience/],
    ['a token from another issuer', { iss: 'https://evil.example.com' }, /another issuer/],
    ['a token not valid for another hour', { nbf: Math.floor(Date.now() / 1000) + 3600 }, /not valid yet/],
  ])('refuses %s as invalid_token', async (_name, claims, message) => {
    const token = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE, ...claims });
    const failure = await refusal(createJwtVerifier(settings()).verify(token));
    expect(failure.kind).toBe('invalid_token');
    expect(failure.status).toBe(401);
    expect(failure.message).toMatch(message);
    expect(failure.message).not.toContain(token);
  });

  test('tolerates a small clock skew on exp and nbf', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE, exp: now - 10, nbf: now + 10 });
    await expect(createJwtVerifier(settings()).verify(token)).resolves.toMatchObject({ clientId: 'user-1' });
    await expect(createJwtVerifier(settings({ clockToleranceSec: 0 })).verify(token)).rejects.toThrow(AuthFailure);
  });

  test('refuses a bad signature (another key under a known kid)', async () => {
    const token = await accessToken(stranger, { iss: ISSUER, aud: RESOURCE });
    const failure = await refusal(createJwtVerifier(settings()).verify(token));
    expect(failure.kind).toBe('invalid_token');
    expect(failure.message).toMatch(/signature/);
  });

  test('refuses a tampered payload', async () => {
    const token = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE, scope: 'read' });
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: RESOURCE, sub: 'user-1', scope: 'admin', exp: 9_999_999_999 }),
    ).toString('base64url');
    const failure = await refusal(createJwtVerifier(settings()).verify(`${header}.${payload}.${signature}`));
    expect(failure.message).toMatch(/signature/);
  });

  test('refuses an algorithm outside the allow-list', async () => {
    const token = await accessToken(ec, { iss: ISSUER, aud: RESOURCE });
    const failure = await refusal(createJwtVerifier(settings({ algorithms: ['RS256'] })).verify(token));
    expect(failure.kind).toBe('invalid_token');
    expect(failure.message).toMatch(/algorithm/);
  });

  test('refuses an unsigned token (alg none)', async () => {
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: RESOURCE, exp: 9_999_999_999 })}.`;
    expect((await refusal(createJwtVerifier(settings()).verify(token))).kind).toBe('invalid_token');
  });

  test('refuses a token without exp', async () => {
    const token = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE }, { noExpiry: true });
    expect((await refusal(createJwtVerifier(settings()).verify(token))).message).toMatch(/"exp"/);
  });

  test('refuses an unknown kid and garbage', async () => {
    const unknownKid = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE }, { kid: 'nope' });
    expect((await refusal(createJwtVerifier(settings()).verify(unknownKid))).kind).toBe('invalid_token');
    expect((await refusal(createJwtVerifier(settings()).verify('not-a-jwt'))).message).toMatch(/malformed/);
  });

  test('an unreachable JWKS is "unavailable" (503), not a bad token', async () => {
    const verifier = createJwtVerifier(settings({ jwksUrl: 'http://127.0.0.1:1/jwks.json' }), { jwksTimeoutMs: 500 });
    const failure = await refusal(verifier.verify(await accessToken(rsa, { iss: ISSUER, aud: RESOURCE })));
    expect(failure.kind).toBe('unavailable');
    expect(failure.status).toBe(503);
  });

  test('the JWKS is fetched once and cached across tokens', async () => {
    const own = await serveJwks([rsa]);
    try {
      const verifier = createJwtVerifier(settings({ jwksUrl: own.url }));
      for (let index = 0; index < 3; index += 1) {
        await verifier.verify(await accessToken(rsa, { iss: ISSUER, aud: RESOURCE, sub: `u${index}` }));
      }
      expect(own.fetches).toBe(1);
    } finally {
      await own.close();
    }
  });
});

describe('createJwtVerifier with a static key', () => {
  test('verifies against a PEM public key', async () => {
    const pair = await generateKeyPair('PS256', { extractable: true });
    const pem = await exportSPKI(pair.publicKey);
    expect(pem).toMatch(/BEGIN PUBLIC KEY/);
    const verifier = createJwtVerifier(settings({ jwksUrl: undefined, publicKey: pem }));
    const own: SigningKey = { alg: 'PS256', kid: 'pem', privateKey: pair.privateKey, publicJwk: {} };
    const token = await accessToken(own, { iss: ISSUER, aud: RESOURCE, scope: 'read' });
    expect((await verifier.verify(token)).scopes).toEqual(['read']);
    // A token signed by another key fails against this one.
    const foreign = await accessToken(rsa, { iss: ISSUER, aud: RESOURCE });
    expect((await refusal(verifier.verify(foreign))).kind).toBe('invalid_token');
  });

  test('verifies against a JWK given as JSON', async () => {
    const verifier = createJwtVerifier(settings({ jwksUrl: undefined, publicKey: JSON.stringify(ec.publicJwk) }));
    const token = await accessToken(ec, { iss: ISSUER, aud: RESOURCE, scope: 'read' });
    expect((await verifier.verify(token)).scopes).toEqual(['read']);
  });

  test('an unusable key is a ConfigError at start-up', () => {
    expect(() => createJwtVerifier(settings({ jwksUrl: undefined, publicKey: '{"kty":"RSA"}' }))).toThrow(ConfigError);
  });
});

describe('scopesOf', () => {
  test.each([
    [{ scope: 'a b  c' }, ['a', 'b', 'c']],
    [{ scp: ['a', 'b', 'a'] }, ['a', 'b']],
    [{ scp: 'x y' }, ['x', 'y']],
    [{ scope: 42 }, []],
    [{}, []],
  ])('%j → %j', (payload, scopes) => {
    expect(scopesOf(payload)).toEqual(scopes);
  });
});
