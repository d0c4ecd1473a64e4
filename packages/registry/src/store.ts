/**
 * One registry file on disk (the user store or a project's store). Reads validate the file with
 * zod; a file that is not valid JSON or not a registry file is a `CORRUPT_STORE` error naming the
 * file and the problem, and is never reset. Every change is a read-modify-write under an exclusive
 * lock (proper-lockfile, `<file>.lock`, retried with jitter), written atomically
 * (write-file-atomic: temp file + rename), so two processes adding at once both land.
 *
 * @module
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';

import { RegistryError, RegistryErrorCode } from './errors.js';
import { nameProblem } from './names.js';
import { STORE_VERSION, StoreFileSchema, type StoreFile } from './schema.js';

/** Lock retry policy: about 10 s of patience with jitter, enough for a busy shared machine. */
const LOCK_RETRIES = { retries: 60, minTimeout: 15, maxTimeout: 250, factor: 1.3, randomize: true };
/** A lock older than this is considered left behind by a crashed process. */
const STALE_MS = 10_000;

function emptyStore(): StoreFile {
  return { version: STORE_VERSION, servers: {} };
}

/** Parses a store file's text; throws `CORRUPT_STORE` naming `file` on any problem. */
export function parseStore(text: string, file: string): StoreFile {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new RegistryError(
      RegistryErrorCode.CorruptStore,
      `${file} is not valid JSON (${(error as Error).message}). Fix or move the file; it was left untouched.`,
      { file },
      { cause: error },
    );
  }
  const parsed = StoreFileSchema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new RegistryError(
      RegistryErrorCode.CorruptStore,
      `${file} is not a registry file of version ${STORE_VERSION} (${detail}). Fix or move the file; it was left untouched.`,
      { file },
    );
  }
  // Entries are found, shown and removed by their key: a key that is no valid name, or a `name`
  // that differs from it, would list a server that no command can reach.
  for (const [key, entry] of Object.entries(parsed.data.servers)) {
    const problem = nameProblem(key) ?? (entry.name === key ? undefined : `its name is ${JSON.stringify(entry.name)}`);
    if (problem !== undefined) {
      throw new RegistryError(
        RegistryErrorCode.CorruptStore,
        `${file}: the entry ${JSON.stringify(key)} is not usable (${problem}). Fix or move the file; it was left untouched.`,
        { file },
      );
    }
  }
  return keepUnknownFields(parsed.data, value as Record<string, unknown>);
}

/**
 * `parsed` with the fields of `raw` that the schema does not know put back, at the top and in each
 * entry: a newer factory's fields, or a note a user added, survive this version rewriting the file.
 * Entries replaced as a whole (`add --replace`) start afresh.
 */
function keepUnknownFields(parsed: StoreFile, raw: Record<string, unknown>): StoreFile {
  const merge = <T extends object>(known: T, source: unknown): T => {
    if (source === null || typeof source !== 'object' || Array.isArray(source)) return known;
    const extra = Object.entries(source).filter(([key]) => !Object.hasOwn(known, key));
    return extra.length === 0 ? known : { ...known, ...Object.fromEntries(extra) };
  };
  const rawServers = (raw.servers ?? {}) as Record<string, unknown>;
  const servers = Object.fromEntries(
    Object.entries(parsed.servers).map(([name, entry]) => [name, merge(entry, rawServers[name])]),
  );
  return merge({ ...parsed, servers }, raw);
}

/** A registry file: read it, or change it under a lock. */
export class RegistryStore {
  constructor(readonly file: string) {}

  /** The store's content; an empty store when the file does not exist yet. */
  async read(): Promise<StoreFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyStore();
      throw new RegistryError(
        RegistryErrorCode.StoreIo,
        `cannot read ${this.file}: ${(error as Error).message}`,
        { file: this.file },
        { cause: error },
      );
    }
    return parseStore(text, this.file);
  }

  /**
   * Applies `change` to the current content under the file's lock and writes the result
   * atomically; resolves with what `change` returned. Nothing is written if `change` throws.
   */
  async update<T>(change: (store: StoreFile) => T | Promise<T>): Promise<T> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.file, {
        realpath: false,
        lockfilePath: `${this.file}.lock`,
        retries: LOCK_RETRIES,
        stale: STALE_MS,
      });
    } catch (error) {
      throw new RegistryError(
        RegistryErrorCode.StoreIo,
        `cannot lock ${this.file}: ${(error as Error).message}`,
        { file: this.file },
        { cause: error },
      );
    }
    try {
      const store = await this.read();
      const result = await change(store);
      await writeFileAtomic(this.file, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
      return result;
    } finally {
      await release().catch(() => undefined);
    }
  }
}
