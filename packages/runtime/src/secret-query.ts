/**
 * Query parameters that carry credentials in the wild (`?key=`, `?access_token=`, …): the upstream
 * client redacts their values from errors, the journal from recorded URLs, and the registry
 * refuses a server URL that carries one.
 *
 * @module
 */

const SECRET_QUERY_KEY = /^(key|api[_-]?key|access[_-]?token|token|secret|password|sig|signature|auth|authorization)$/i;

/** Whether a query parameter of this name carries a credential. */
export function isSecretQueryKey(name: string): boolean {
  return SECRET_QUERY_KEY.test(name);
}
