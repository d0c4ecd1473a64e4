/**
 * The response cache of an upstream client: the entry format and the store interface (public, for
 * stores of one's own), the key, and the in-memory store (TTL + least-recently-used eviction on a
 * `Map`, whose insertion order is the recency order). The Redis store lives in `_redis-store.ts`
 * and is loaded only when a Redis URL is configured.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** A cached response: enough to rebuild an `UpstreamResponse`. */
export interface CacheEntry {
  readonly status: number;
  /** The response headers worth keeping (`content-type`), lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body text as received; parsed again on each hit, so callers never share one object. */
  readonly body: string;
}

/** Where entries live. Stores never throw: a failing store is a miss. */
export interface CacheStore {
  get(key: string): CacheEntry | undefined | Promise<CacheEntry | undefined>;
  set(key: string, entry: CacheEntry, ttlMs: number): void | Promise<void>;
  close(): Promise<void>;
}

const CREDENTIAL_HEADER = /authorization|key|token|secret|cookie/i;

/**
 * The cache key of a request: a SHA-256 over method, URL, the `vary` headers, the body (for
 * requests that opt in) and the credential headers' values. Hashing keeps credentials (in headers
 * or in the query) out of the key, which Redis stores in clear, while still giving each credential
 * its own entries: one tenant never reads another's cached answer.
 */
export function cacheKey(
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  /** Lower-cased names of the headers whose values select different entries. */
  vary: readonly string[],
  body: string | undefined,
): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (vary.includes(lower) || CREDENTIAL_HEADER.test(lower)) parts.push(`${lower}:${value}`);
  }
  const hash = createHash('sha256').update(`${method} ${url}\n`).update(parts.sort().join('\n'));
  if (body !== undefined) hash.update('\n\n').update(body);
  return hash.digest('base64url');
}

interface MemoryEntry {
  readonly entry: CacheEntry;
  readonly expiresAt: number;
}

/** An in-memory TTL + LRU store. */
export class MemoryStore implements CacheStore {
  readonly maxEntries: number;
  readonly #entries = new Map<string, MemoryEntry>();

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CacheEntry | undefined {
    const found = this.#entries.get(key);
    if (found === undefined) return undefined;
    this.#entries.delete(key);
    if (found.expiresAt <= Date.now()) return undefined;
    this.#entries.set(key, found); // most recently used goes last
    return found.entry;
  }

  set(key: string, entry: CacheEntry, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { entry, expiresAt: Date.now() + ttlMs });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
