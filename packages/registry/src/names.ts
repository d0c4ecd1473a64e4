/**
 * Server names: what the registry accepts as a key, and how names found elsewhere (client config
 * keys, MCP Registry reverse-DNS names) become one. A name never contains a path separator other
 * than the one of an npm scope, never `..`, and never starts with a dot or dash, so it can never
 * escape a folder it is joined to.
 *
 * @module
 */
import { RegistryError, RegistryErrorCode } from './errors.js';

/** Longest accepted name (the MCP tool-name limit, kept for server names too). */
export const MAX_NAME_LENGTH = 64;

const NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** Why `name` is not a valid server name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.length > MAX_NAME_LENGTH) return `the name is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (!NAME.test(name)) {
    return 'use lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (optionally "@scope/" first)';
  }
  if (name.includes('..')) return 'the name contains ".."';
  return undefined;
}

/** Returns `name` when valid; throws `INVALID_NAME` saying why otherwise. */
export function validateName(name: string): string {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new RegistryError(RegistryErrorCode.InvalidName, `invalid server name ${JSON.stringify(name)}: ${problem}.`, {
      server: name,
    });
  }
  return name;
}

/**
 * A valid name derived from a foreign one (a config key like `My Server`, a reverse-DNS registry
 * name like `io.github.org/tool`): lowercased, the part after the last `/` unless it is an npm
 * scope, other characters replaced by `-`. Undefined when nothing usable remains.
 */
export function toServerName(raw: string): string | undefined {
  const lowered = raw.trim().toLowerCase();
  if (nameProblem(lowered) === undefined) return lowered;
  const last = lowered.startsWith('@') ? lowered : (lowered.split('/').pop() ?? '');
  const cleaned = last
    .replace(/[^a-z0-9._@/-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9@]+/, '')
    .replace(/[-.]+$/, '')
    .slice(0, MAX_NAME_LENGTH);
  if (nameProblem(cleaned) === undefined) return cleaned;
  const flat = cleaned
    .replace(/[@/]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, MAX_NAME_LENGTH);
  return nameProblem(flat) === undefined ? flat : undefined;
}
