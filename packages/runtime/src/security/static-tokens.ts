/**
 * Static bearer tokens, compared in constant time: the presented token and every configured one
 * are hashed with SHA-256 and the digests compared with `crypto.timingSafeEqual`, so neither the
 * length of a configured token nor how much of it a guess got right shows in the response time.
 * Every configured token is compared on every request (no early exit), so which one matched does
 * not show either.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto';

import type { AuthInfo } from '@modelcontextprotocol/server';

import type { StaticToken } from './config.js';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * A stable, non-secret name for a token (`static:` and 12 hex digits of its SHA-256): what logs,
 * rate limits and sessions key on instead of the token itself.
 */
export function tokenId(token: string): string {
  return `static:${sha256(token).toString('hex').slice(0, 12)}`;
}

/** Compares two strings in constant time (over their SHA-256 digests, so lengths do not leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Builds an {@link AuthInfo} whose `token` is not enumerable: handlers can still read
 * `authInfo.token`, but logging or serializing the object does not print it.
 */
export function authInfoWithHiddenToken(token: string, info: Omit<AuthInfo, 'token'>): AuthInfo {
  const authInfo = { ...info } as AuthInfo;
  Object.defineProperty(authInfo, 'token', { value: token, enumerable: false, writable: false });
  return authInfo;
}

/** Checks presented tokens against a fixed list. */
export interface StaticTokenVerifier {
  /** The matching token's {@link AuthInfo}, or `undefined` when no configured token matches. */
  verify(token: string): AuthInfo | undefined;
}

/**
 * Creates a verifier for `tokens`. A token listed without scopes is granted `allScopes` (every
 * scope the server uses), so that one operator key can reach every tool.
 */
export function createStaticTokenVerifier(
  tokens: readonly StaticToken[],
  allScopes: readonly string[],
): StaticTokenVerifier {
  const entries = tokens.map((entry) => ({
    digest: sha256(entry.token),
    id: tokenId(entry.token),
    scopes: [...(entry.scopes ?? allScopes)],
  }));
  return {
    verify(token) {
      const presented = sha256(token);
      let match: (typeof entries)[number] | undefined;
      for (const entry of entries) {
        // No early exit: every entry costs the same whether or not an earlier one matched.
        if (timingSafeEqual(presented, entry.digest) && match === undefined) match = entry;
      }
      if (match === undefined) return undefined;
      return authInfoWithHiddenToken(token, {
        clientId: match.id,
        scopes: [...match.scopes],
        extra: { principal: match.id, kind: 'static' },
      });
    },
  };
}
