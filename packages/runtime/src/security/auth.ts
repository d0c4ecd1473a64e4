/**
 * The authenticator of the HTTP front: reads `Authorization: Bearer …`, accepts a static token
 * (compared in constant time) or a JWT access token (OAuth resource-server mode), checks the
 * endpoint's required scopes, and builds the `WWW-Authenticate` challenges.
 *
 * @module
 */
import type { AuthInfo } from '@modelcontextprotocol/server';

import { AuthFailure, bearerChallenge } from './auth-failure.js';
import type { HttpAuthOptions } from './config.js';
import { createJwtVerifier, type JwtVerifier, type JwtVerifierOptions } from './jwt.js';
import { protectedResourceMetadataUrl } from './metadata.js';
import { createStaticTokenVerifier, type StaticTokenVerifier } from './static-tokens.js';

/** Checks requests' credentials. */
export interface Authenticator {
  /**
   * The caller's {@link AuthInfo} for an `Authorization` header value; rejects with an
   * {@link AuthFailure} (missing, invalid, expired, wrong audience, insufficient scope, …).
   */
  authenticate(authorization: string | undefined): Promise<AuthInfo>;
  /** The `WWW-Authenticate` value for a failure (or a bare challenge). */
  challenge(failure?: AuthFailure): string;
  /** Where the protected-resource metadata is published (OAuth mode only). */
  readonly resourceMetadataUrl: string | undefined;
}

/** Options of {@link createAuthenticator} beyond the parsed settings. */
export interface AuthenticatorOptions extends JwtVerifierOptions {
  /** `realm` of the challenges. */
  realm: string;
  /** Every scope the server uses: what a static token listed without scopes is granted. */
  knownScopes?: readonly string[];
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Creates the authenticator; throws a `ConfigError` for an unusable static OAuth key. */
export function createAuthenticator(auth: HttpAuthOptions, options: AuthenticatorOptions): Authenticator {
  const requiredScopes = [...(auth.requiredScopes ?? [])];
  const knownScopes = [...new Set([...(options.knownScopes ?? []), ...requiredScopes])];
  const statics: StaticTokenVerifier | undefined =
    auth.tokens === undefined || auth.tokens.length === 0
      ? undefined
      : createStaticTokenVerifier(auth.tokens, knownScopes);
  const jwt: JwtVerifier | undefined = auth.oauth === undefined ? undefined : createJwtVerifier(auth.oauth, options);
  const resourceMetadataUrl = auth.oauth === undefined ? undefined : protectedResourceMetadataUrl(auth.oauth);

  async function verify(token: string): Promise<AuthInfo> {
    const fromList = statics?.verify(token);
    if (fromList !== undefined) return fromList;
    if (jwt !== undefined) return jwt.verify(token);
    throw new AuthFailure('invalid_token', 'The access token is not valid.');
  }

  return {
    resourceMetadataUrl,
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '') {
        throw new AuthFailure('missing_token', 'Authentication required: send Authorization: Bearer <token>.');
      }
      const token = BEARER.exec(authorization.trim())?.[1];
      if (token === undefined) {
        throw new AuthFailure('invalid_token', 'The Authorization header must be "Bearer <token>".');
      }
      const authInfo = await verify(token);
      if (resourceMetadataUrl !== undefined) authInfo.resourceMetadataUrl = resourceMetadataUrl;
      const missing = requiredScopes.filter((scope) => !authInfo.scopes.includes(scope));
      if (missing.length > 0) {
        throw new AuthFailure('insufficient_scope', `The access token lacks the scope(s) ${missing.join(' ')}.`, {
          scopes: requiredScopes,
        });
      }
      return authInfo;
    },
    challenge(failure) {
      return bearerChallenge(failure, {
        realm: auth.realm ?? options.realm,
        resourceMetadataUrl,
        // A bare challenge names the scopes the endpoint needs, so a client asks for them up front.
        scopes: requiredScopes,
      });
    },
  };
}
