/**
 * Namespaced names for `--expose all`: `server__tool`, at most 64 characters of the tool-name
 * alphabet, collision-free. A name that would be too long, or that collides with another, is
 * shortened deterministically and given a hash suffix of the full original pair.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** Separator between server and tool in a namespaced name. */
export const SEPARATOR = '__';

/** Longest tool name clients accept. */
export const MAX_NAME = 64;

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

function clean(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** The namespaced name of `tool` on `server` before collision handling. */
export function namespacedName(server: string, tool: string): string {
  const full = `${clean(server)}${SEPARATOR}${clean(tool)}`;
  if (full.length <= MAX_NAME && full === `${server}${SEPARATOR}${tool}`) return full;
  return shortened(server, tool);
}

function shortened(server: string, tool: string, salt = ''): string {
  const suffix = `_${hash(`${server}\u0000${tool}${salt}`, 8)}`;
  const full = `${clean(server)}${SEPARATOR}${clean(tool)}`;
  return full.slice(0, MAX_NAME - suffix.length) + suffix;
}

/** One downstream item to name. */
export interface NameRequest {
  readonly server: string;
  readonly name: string;
}

/**
 * Names every item, collision-free: items are processed in a sorted order so the result does not
 * depend on the order servers answered; a clash gets a hashed name (salted until unique).
 */
export function assignNames(items: readonly NameRequest[]): Map<string, NameRequest> {
  const sorted = [...items].sort((a, b) =>
    a.server === b.server ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.server < b.server ? -1 : 1,
  );
  const taken = new Map<string, NameRequest>();
  for (const item of sorted) {
    let name = namespacedName(item.server, item.name);
    let attempt = 0;
    while (taken.has(name)) {
      attempt += 1;
      name = shortened(item.server, item.name, `#${attempt}`);
    }
    taken.set(name, item);
  }
  return taken;
}
