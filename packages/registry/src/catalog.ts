/**
 * The catalog: the user store and the current project's store seen as one. A name in the project
 * store hides the same name in the user store (a project pins its own servers). New entries go to
 * the user store unless the caller asks for the project.
 *
 * @module
 */
import { RegistryError, RegistryErrorCode } from './errors.js';
import { validateName } from './names.js';
import { ServerEntrySchema, type ServerEntry, type ServerEntryInput } from './schema.js';
import { projectStorePath, userStorePath } from './state-home.js';
import { RegistryStore } from './store.js';

/** Which store an entry lives in. */
export type Scope = 'user' | 'project';

/** An entry and the store it came from. */
export type ScopedEntry = ServerEntry & { readonly scope: Scope };

/** Where the catalog's files are; every field defaults from the process. */
export interface CatalogOptions {
  /** Environment for the state-home rule; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Home directory for the state-home rule; default `os.homedir()`. */
  home?: string;
  /** Project folder (its `.mcp-factory/registry.json`); default `process.cwd()`. */
  cwd?: string;
  /** Explicit user store file (overrides the state-home rule). */
  userStore?: string;
  /** Explicit project store file. */
  projectStore?: string;
}

/** An entry to add: everything but the bookkeeping fields. */
export type NewEntry = Omit<ServerEntryInput, 'addedAt' | 'updatedAt'>;

/** The user and project registries as one catalog. */
export class Catalog {
  readonly user: RegistryStore;
  readonly project: RegistryStore;

  constructor(options: CatalogOptions = {}) {
    this.user = new RegistryStore(options.userStore ?? userStorePath(options.env ?? process.env, options.home));
    this.project = new RegistryStore(options.projectStore ?? projectStorePath(options.cwd ?? process.cwd()));
  }

  private store(scope: Scope): RegistryStore {
    return scope === 'user' ? this.user : this.project;
  }

  /** Every entry, project entries hiding user entries of the same name, sorted by name. */
  async list(): Promise<ScopedEntry[]> {
    const [user, project] = await Promise.all([this.user.read(), this.project.read()]);
    const byName = new Map<string, ScopedEntry>();
    for (const entry of Object.values(user.servers)) byName.set(entry.name, { ...entry, scope: 'user' });
    for (const entry of Object.values(project.servers)) byName.set(entry.name, { ...entry, scope: 'project' });
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The entry called `name`, or undefined. */
  async find(name: string): Promise<ScopedEntry | undefined> {
    validateName(name);
    const project = (await this.project.read()).servers[name];
    if (project !== undefined) return { ...project, scope: 'project' };
    const user = (await this.user.read()).servers[name];
    return user === undefined ? undefined : { ...user, scope: 'user' };
  }

  /** The entry called `name`; `NOT_FOUND` (with the known names) otherwise. */
  async get(name: string): Promise<ScopedEntry> {
    const entry = await this.find(name);
    if (entry !== undefined) return entry;
    const known = (await this.list()).map((item) => item.name);
    throw new RegistryError(
      RegistryErrorCode.NotFound,
      `no server called ${JSON.stringify(name)} in the registry${
        known.length === 0
          ? ' (it is empty: add one with `mcp-factory add` or `mcp-factory discover`)'
          : ` (known: ${known.join(', ')})`
      }.`,
      { server: name },
    );
  }

  /**
   * Adds an entry to `scope`'s store. `ALREADY_EXISTS` when the name is taken there, unless
   * `replace` (the cache and pins of the replaced entry are dropped: it is a different server).
   */
  async add(input: NewEntry, options: { scope?: Scope; replace?: boolean } = {}): Promise<ScopedEntry> {
    validateName(input.name);
    const scope = options.scope ?? 'user';
    const now = new Date().toISOString();
    const parsed = ServerEntrySchema.safeParse({ ...input, addedAt: now, updatedAt: now });
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new RegistryError(RegistryErrorCode.InvalidEntry, `invalid entry for ${input.name}: ${detail}`, {
        server: input.name,
      });
    }
    const entry = parsed.data;
    await this.store(scope).update((store) => {
      if (store.servers[entry.name] !== undefined && options.replace !== true) {
        throw new RegistryError(
          RegistryErrorCode.AlreadyExists,
          `a server called ${JSON.stringify(entry.name)} is already registered in ${this.store(scope).file} (remove it first, or replace it).`,
          { server: entry.name, file: this.store(scope).file },
        );
      }
      store.servers[entry.name] = entry;
    });
    return { ...entry, scope };
  }

  /** Removes `name` from every store holding it; resolves with the scopes it was removed from. */
  async remove(name: string): Promise<Scope[]> {
    validateName(name);
    const removed: Scope[] = [];
    for (const scope of ['project', 'user'] as const) {
      const found = await this.store(scope).update((store) => {
        if (store.servers[name] === undefined) return false;
        store.servers = Object.fromEntries(Object.entries(store.servers).filter(([key]) => key !== name));
        return true;
      });
      if (found) removed.push(scope);
    }
    if (removed.length === 0) await this.get(name);
    return removed;
  }

  /** Changes the entry called `name` where it lives (under the store's lock). */
  async modify(name: string, change: (entry: ServerEntry) => void): Promise<ScopedEntry> {
    const { scope } = await this.get(name);
    return this.store(scope).update((store) => {
      const entry = store.servers[name];
      if (entry === undefined) {
        throw new RegistryError(RegistryErrorCode.NotFound, `${name} was removed meanwhile.`, { server: name });
      }
      change(entry);
      entry.updatedAt = new Date().toISOString();
      return { ...entry, scope };
    });
  }
}
