/**
 * What `install_server(source)` accepts, classified before anything runs: an npm package name
 * (optionally `@version`), a local npm tarball (`.tgz`), or a git URL (`git+https://`, `https://…
 * .git`, `git+file://`, `file://` repositories). Anything that looks like a flag, holds control
 * characters or whitespace, or names a server that would escape the install folder is refused.
 *
 * @module
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { SERVER_NAME } from './config-source.js';
import { GatewayError, GatewayErrorCode } from './errors.js';

/** A classified install source. */
export type InstallSource =
  | { readonly kind: 'npm'; readonly spec: string; readonly packageName: string; readonly name: string }
  | { readonly kind: 'tarball'; readonly path: string; readonly name: string }
  | { readonly kind: 'git'; readonly url: string; readonly name: string };

// The version part may not start with '-': npm would read `foo@--tag` as a flag.
const NPM_NAME =
  /^(?:@([a-z0-9][a-z0-9._~-]*)\/)?([a-z0-9][a-z0-9._~-]*)(?:@([A-Za-z0-9.^~<>=*|+][A-Za-z0-9.^~<>=*|+-]*))?$/;

function refuse(source: string, why: string): GatewayError {
  return new GatewayError(GatewayErrorCode.SourceRefused, `install_server refused ${JSON.stringify(source)}: ${why}`);
}

/** A server name from a hint: letters, digits, `_ . -`, no leading dot, ≤ 64. */
export function serverNameFrom(hint: string): string {
  const name = hint
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 64);
  return name === '' ? 'server' : name;
}

/** Checks an explicit server name: it becomes a folder name, so no traversal. */
export function checkServerName(name: string, source: string): string {
  if (!SERVER_NAME.test(name) || name === '.' || name === '..' || name.startsWith('.')) {
    throw refuse(
      source,
      `the server name ${JSON.stringify(name)} must be 1-64 characters of A-Z a-z 0-9 _ . - and not start with a dot`,
    );
  }
  return name;
}

/** Classifies `source`; `cwd` resolves a relative tarball path; `name` overrides the derived name. */
export function classifySource(source: string, cwd: string, name?: string): InstallSource {
  const trimmed = source.trim();
  if (trimmed === '' || trimmed.length > 2048) throw refuse(source, 'empty or too long');
  if (trimmed.startsWith('-')) throw refuse(source, 'it looks like a command-line flag');
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(trimmed)) throw refuse(source, 'it contains whitespace or control characters');
  const named = (derived: string): string => checkServerName(name ?? serverNameFrom(derived), source);

  if (
    /^(git\+)?(https|file|ssh):\/\//.test(trimmed) &&
    (trimmed.startsWith('git+') || /\.git\/?(#.*)?$/.test(trimmed) || trimmed.startsWith('file://'))
  ) {
    const url = trimmed.replace(/^git\+/, '');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw refuse(source, 'not a valid URL');
    }
    if (parsed.protocol === 'file:') {
      const path = fileURLToPath(parsed);
      if (!isAbsolute(path)) throw refuse(source, 'file:// URLs must be absolute');
    }
    if (parsed.username !== '' || parsed.password !== '')
      throw refuse(source, 'credentials in the URL are not accepted');
    // git reads a host or path that starts with '-' as an option (`-oProxyCommand=…`).
    let path: string;
    try {
      path = decodeURIComponent(parsed.pathname);
    } catch {
      throw refuse(source, 'its path has a malformed %-escape');
    }
    if (parsed.hostname.startsWith('-') || path.split('/').some((part) => part.startsWith('-')))
      throw refuse(source, 'a host or path segment starting with "-" is not accepted');
    if (parsed.search !== '' || parsed.hash !== '')
      throw refuse(
        source,
        'a query or #fragment is not accepted; the default branch is cloned and pinned to its commit',
      );
    const repo = basename(parsed.pathname.replace(/\/+$/, '')).replace(/\.git$/, '');
    return { kind: 'git', url, name: named(repo) };
  }
  if (/\.(tgz|tar\.gz)$/.test(trimmed)) {
    if (trimmed.includes('://')) throw refuse(source, 'remote tarballs are not accepted; use the package name');
    if (trimmed.split(/[\\/]/).includes('..')) throw refuse(source, 'a tarball path may not contain ".."');
    const path = isAbsolute(trimmed) ? trimmed : resolve(cwd, trimmed);
    const file = basename(path).replace(/\.(tgz|tar\.gz)$/, '');
    // `npm pack` names files `<name>-<version>.tgz` (scoped: `<scope>-<name>-<version>.tgz`).
    return { kind: 'tarball', path, name: named(file.replace(/-\d+\.\d+\.\d+.*$/, '')) };
  }
  const match = NPM_NAME.exec(trimmed);
  if (match === null || trimmed.includes('..')) {
    throw refuse(
      source,
      'not an npm package name (name or @scope/name, optionally @version), a .tgz file or a git URL',
    );
  }
  const [, scope, bare = ''] = match;
  const packageName = scope === undefined ? bare : `@${scope}/${bare}`;
  return { kind: 'npm', spec: trimmed, packageName, name: named(bare) };
}
