import * as crypto from 'node:crypto';

import { beforeEach, describe, expect, test, vi } from 'vitest';

import { constantTimeEqual, createStaticTokenVerifier, tokenId } from './static-tokens.js';

// Spy on the comparison the verifier must use, keeping the real implementation.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const ALPHA = 'alpha-token-0123456789abcdef';
const BETA = 'beta-token-0123456789abcdef0123';
const GAMMA = 'gamma-token-0123456789abcdef';

describe('createStaticTokenVerifier', () => {
  const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
  beforeEach(() => {
    timingSafeEqual.mockClear();
  });

  const verifier = createStaticTokenVerifier(
    [
      { token: ALPHA, scopes: ['read'] },
      { token: BETA, scopes: undefined },
      { token: GAMMA, scopes: ['read', 'write'] },
    ],
    ['read', 'write', 'admin'],
  );

  test('accepts a listed token with its scopes; a token listed without scopes gets every known scope', () => {
    expect(verifier.verify(ALPHA)).toMatchObject({ clientId: tokenId(ALPHA), scopes: ['read'] });
    expect(verifier.verify(BETA)?.scopes).toEqual(['read', 'write', 'admin']);
    expect(verifier.verify(GAMMA)?.extra).toEqual({ principal: tokenId(GAMMA), kind: 'static' });
  });

  test('refuses unknown tokens, prefixes and extensions of listed ones', () => {
    for (const candidate of ['nope', ALPHA.slice(0, -1), `${ALPHA}x`, ALPHA.toUpperCase(), '']) {
      expect(verifier.verify(candidate)).toBeUndefined();
    }
  });

  test('compares with crypto.timingSafeEqual over fixed-size digests, against every token, without an early exit', () => {
    verifier.verify(ALPHA); // matches the first entry
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
    for (const [a, b] of timingSafeEqual.mock.calls) {
      expect((a as Buffer).length).toBe(32);
      expect((b as Buffer).length).toBe(32);
    }
    timingSafeEqual.mockClear();
    verifier.verify('x'); // matches none, and a different length
    expect(timingSafeEqual).toHaveBeenCalledTimes(3);
  });

  test('constantTimeEqual hashes first, so strings of different lengths compare without throwing', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  test('the AuthInfo hides the token from serialization but keeps it readable', () => {
    const info = verifier.verify(ALPHA)!;
    expect(info.token).toBe(ALPHA);
    expect(JSON.stringify(info)).not.toContain(ALPHA);
    expect({ ...info }).not.toHaveProperty('token');
  });
});

describe('tokenId', () => {
  test('is stable, short and reveals nothing of the token', () => {
    expect(tokenId(ALPHA)).toBe(tokenId(ALPHA));
    expect(tokenId(ALPHA)).not.toBe(tokenId(BETA));
    expect(tokenId(ALPHA)).toMatch(/^static:[0-9a-f]{12}$/);
    expect(tokenId(ALPHA)).not.toContain(ALPHA.slice(0, 6));
  });
});
