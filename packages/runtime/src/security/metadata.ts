/**
 * RFC 9728 protected-resource metadata: the document an MCP client reads (from the
 * `resource_metadata` URL of a 401 challenge, or at the well-known path) to learn which
 * authorization server issues tokens for this server and which scopes exist.
 *
 * @module
 */
import {
  getOAuthProtectedResourceMetadataUrl,
  type OAuthProtectedResourceMetadata,
} from '@modelcontextprotocol/server';

import type { OAuthOptions } from './config.js';

/** The well-known prefix of RFC 9728. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** The metadata document served for `oauth`. */
export function protectedResourceMetadata(
  oauth: OAuthOptions,
  options: { resourceName?: string; scopesSupported?: readonly string[] } = {},
): OAuthProtectedResourceMetadata {
  return {
    resource: oauth.resource,
    authorization_servers: [...oauth.authorizationServers],
    ...(options.scopesSupported === undefined || options.scopesSupported.length === 0
      ? {}
      : { scopes_supported: [...options.scopesSupported] }),
    bearer_methods_supported: ['header'],
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
  };
}

/** The URL of the document, as advertised in `WWW-Authenticate: Bearer resource_metadata="…"`. */
export function protectedResourceMetadataUrl(oauth: OAuthOptions): string {
  return getOAuthProtectedResourceMetadataUrl(new URL(oauth.resource));
}

/**
 * Paths the document is served at: the path-suffixed one derived from the resource URL (what
 * `resource_metadata` names), the same suffixed with the local MCP path (when a proxy maps a
 * different public path), and the bare well-known path (clients that probe the origin).
 */
export function protectedResourceMetadataPaths(oauth: OAuthOptions, mcpPath: string): Set<string> {
  const suffix = (path: string): string => {
    const trimmed = path.replace(/\/+$/, '');
    return trimmed === '' ? PROTECTED_RESOURCE_WELL_KNOWN : `${PROTECTED_RESOURCE_WELL_KNOWN}${trimmed}`;
  };
  return new Set([
    new URL(protectedResourceMetadataUrl(oauth)).pathname,
    suffix(mcpPath),
    PROTECTED_RESOURCE_WELL_KNOWN,
  ]);
}
