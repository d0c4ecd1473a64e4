/**
 * JWT access tokens (OAuth 2.1 resource-server mode), checked with jose against the authorization
 * server's JWKS or a static key: signature with an allow-listed algorithm, `iss`, `aud` (this
 * server's resource URL or configured audience, so a token minted for another server is refused),
 * `exp` (required) and `nbf` with a small clock skew. Scopes come from `scope` (space-separated)
 * or `scp` (an array or a string).
 *
 * @module
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

import type { AuthInfo } from '@modelcontextprotocol/server';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

import { ConfigError } from '../errors.js';
import { AuthFailure } from './auth-failure.js';
import type { OAuthOptions } from './config.js';
import { authInfoWithHiddenToken } from './static-tokens.js';

/** Checks JWT access tokens. */
export interface JwtVerifier {
  /** The token's {@link AuthInfo}; rejects with an {@link AuthFailure}. */
  verify(token: string): Promise<AuthInfo>;
}

/** Options of {@link createJwtVerifier} beyond the parsed settings. */
export interface JwtVerifierOptions {
  /** JWKS fetch timeout in milliseconds; default 5000. */
  jwksTimeoutMs?: number;
}

function staticKey(text: string): KeyObject {
  try {
    const trimmed = text.trim();
    return trimmed.startsWith('{')
      ? createPublicKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' })
      : createPublicKey(trimmed);
  } catch (error) {
    throw new ConfigError(`MCP_OAUTH_PUBLIC_KEY is not a usable public key (${(error as Error).message}).`, {
      cause: error,
    });
  }
}

/** The scopes of a JWT: `scope` (RFC 9068, space-separated) or `scp` (array or string). */
export function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  const scopes = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : [];
  return [...new Set(scopes.filter((scope): scope is string => typeof scope === 'string' && scope !== ''))];
}

/** A safe description of why jose refused a token, or `undefined` when the token could not be checked. */
function describe(error: unknown): string | undefined {
  if (error instanceof errors.JWTExpired) return 'The access token has expired.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The access token has no "${error.claim}" claim.`;
    switch (error.claim) {
      case 'iss':
        return 'The access token was issued by another issuer.';
      case 'aud':
        return 'The access token was not issued for this server (audience mismatch).';
      case 'nbf':
        return 'The access token is not valid yet.';
      default:
        return `The access token's "${error.claim}" claim is invalid.`;
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is invalid.';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'The access token is signed with an algorithm not accepted here.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'No signing key of the authorization server matches the token.';
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return 'The access token is malformed.';
  }
  // A JWK that fits neither the token's algorithm nor its key type.
  if (error instanceof TypeError && /key/i.test(error.message) && !/fetch/i.test(error.message)) {
    return 'The access token is signed with a key or algorithm not accepted here.';
  }
  return undefined;
}

/** Creates the verifier; throws a {@link ConfigError} for an unusable static key. */
export function createJwtVerifier(oauth: OAuthOptions, options: JwtVerifierOptions = {}): JwtVerifier {
  const key: KeyObject | JWTVerifyGetKey =
    oauth.jwksUrl !== undefined
      ? createRemoteJWKSet(new URL(oauth.jwksUrl), {
          timeoutDuration: options.jwksTimeoutMs ?? 5000,
          cooldownDuration: 30_000,
          cacheMaxAge: 10 * 60_000,
        })
      : staticKey(oauth.publicKey ?? '');
  const verifyOptions = {
    issuer: oauth.issuer,
    audience: [...oauth.audience],
    algorithms: [...oauth.algorithms],
    clockTolerance: oauth.clockToleranceSec,
    requiredClaims: ['exp'],
  };
  const resource = new URL(oauth.resource);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        // Two calls for jose's two overloads (a key getter, or a key); a union matches neither.
        ({ payload } =
          typeof key === 'function'
            ? await jwtVerify(token, key, verifyOptions)
            : await jwtVerify(token, key, verifyOptions));
      } catch (error) {
        const description = describe(error);
        if (description !== undefined) throw new AuthFailure('invalid_token', description, { cause: error });
        throw new AuthFailure('unavailable', 'The access token could not be checked right now; try again shortly.', {
          cause: error,
        });
      }
      const clientId =
        typeof payload.client_id === 'string'
          ? payload.client_id
          : typeof payload.azp === 'string'
            ? payload.azp
            : (payload.sub ?? 'unknown');
      const principal =
        typeof payload.sub === 'string'
          ? `sub:${payload.sub}`
          : typeof payload.client_id === 'string'
            ? `client:${payload.client_id}`
            : `jwt:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
      return authInfoWithHiddenToken(token, {
        clientId,
        scopes: scopesOf(payload),
        ...(payload.exp === undefined ? {} : { expiresAt: payload.exp }),
        resource,
        extra: {
          principal,
          kind: 'jwt',
          ...(payload.sub === undefined ? {} : { sub: payload.sub }),
          ...(payload.iss === undefined ? {} : { iss: payload.iss }),
        },
      });
    },
  };
}
