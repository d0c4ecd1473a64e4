/**
 * Why a request was not authenticated, in the terms of RFC 6750: the HTTP front turns it into a
 * status, a `WWW-Authenticate` challenge and a JSON-RPC error body.
 *
 * @module
 */

/** How authentication failed. */
export type AuthFailureKind =
  /** No credentials at all: 401 with a bare challenge (RFC 6750 §3.1: no error code). */
  | 'missing_token'
  /** Credentials that are malformed, unknown, expired, or for another audience or issuer: 401. */
  | 'invalid_token'
  /** A valid token without the scopes the endpoint requires: 403. */
  | 'insufficient_scope'
  /** The token could not be checked (the authorization server's keys are unreachable): 503. */
  | 'unavailable';

/** An authentication failure. Its description is safe to send: it never contains the token. */
export class AuthFailure extends Error {
  override readonly name = 'AuthFailure';
  readonly kind: AuthFailureKind;
  /** The scopes a retry needs (`insufficient_scope`). */
  readonly scopes: readonly string[];

  constructor(
    kind: AuthFailureKind,
    description: string,
    options: { scopes?: readonly string[]; cause?: unknown } = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.scopes = options.scopes ?? [];
  }

  /** HTTP status of the answer. */
  get status(): 401 | 403 | 503 {
    return this.kind === 'insufficient_scope' ? 403 : this.kind === 'unavailable' ? 503 : 401;
  }
}

function quoted(value: string): string {
  return `"${value.replaceAll(/[\\"]/g, '\\$&').replaceAll(/[^\x20-\x7E]/g, ' ')}"`;
}

/**
 * The `WWW-Authenticate` value for a failure (RFC 6750 §3, RFC 9728 §5.1):
 * `Bearer realm="…", error="…", error_description="…", scope="…", resource_metadata="…"`.
 */
export function bearerChallenge(
  failure: AuthFailure | undefined,
  options: { realm: string; resourceMetadataUrl?: string | undefined; scopes?: readonly string[] },
): string {
  const parts = [`realm=${quoted(options.realm)}`];
  if (failure !== undefined && failure.kind !== 'missing_token' && failure.kind !== 'unavailable') {
    parts.push(`error=${quoted(failure.kind)}`, `error_description=${quoted(failure.message)}`);
  }
  const scopes = failure?.scopes.length ? failure.scopes : (options.scopes ?? []);
  if (scopes.length > 0) parts.push(`scope=${quoted(scopes.join(' '))}`);
  if (options.resourceMetadataUrl !== undefined) parts.push(`resource_metadata=${quoted(options.resourceMetadataUrl)}`);
  return `Bearer ${parts.join(', ')}`;
}
