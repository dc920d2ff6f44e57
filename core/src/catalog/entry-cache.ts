import type { Catalog } from './catalog.js';
import type { CatalogEntry, EntryAccess, EntryKey, EntryState, NewEntry } from './entry.js';
import { ForwardingCatalog } from './forwarding-catalog.js';
import { copyFrozenEntry, freezeEntry } from './validate.js';

/** Bounds of the in-memory cache of catalog entries (see {@link withEntryCache}). */
export interface EntryCacheOptions {
  /** Entries the cache may hold; `0` turns it off. @defaultValue 10 000 */
  readonly maxEntries?: number;
  /**
   * How long a cached entry may be answered without asking the catalog again, in milliseconds:
   * the longest a change made by another process (another server on the same shared catalog,
   * `stowage fsck`) can go unseen. Changes made through this process's own Stowage are seen at
   * once. `0` turns the cache off. @defaultValue 1 000
   */
  readonly ttlMs?: number;
}

interface Cached {
  readonly entry: CatalogEntry;
  readonly until: number;
  /** Set by a hit, cleared when the evictor spares the entry once. */
  used: boolean;
}

function cacheKey(key: EntryKey): string {
  return `${key.id}/${key.filename}`;
}

/**
 * A {@link Catalog} that answers {@link Catalog.getEntry} from memory for hot entries: the
 * download path's one lookup per request, which is a lock round trip for SQLite and a network
 * round trip for a database server.
 *
 * Behavior:
 * - Only found entries are cached (never absences, so an entry committed by another process is
 *   found at once), at most `maxEntries` of them, each for `ttlMs` at most (monotonic clock).
 *   Eviction is oldest first, but an entry used since the evictor last passed it is spared once
 *   (second chance: a hit only sets a flag and allocates nothing but the answer's copy).
 * - Every change made through this catalog drops the entries it touches before it returns:
 *   inserts, transitions, deletions, replacements and access updates drop their keys; marking a
 *   blob lost (which changes every entry of that blob) drops everything. A lookup that started
 *   before a change never stores its (possibly older) answer.
 * - Everything else is passed through unchanged ({@link ForwardingCatalog}), errors included
 *   (the wrapped catalog's codes).
 */
export class EntryCachingCatalog extends ForwardingCatalog {
  readonly #entries = new Map<string, Cached>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  /** Bumped by every change; a lookup stores its answer only if no change happened meanwhile. */
  #generation = 0;

  constructor(inner: Catalog, options: Required<EntryCacheOptions>) {
    super(inner);
    this.#maxEntries = options.maxEntries;
    this.#ttlMs = options.ttlMs;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  override async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    const name = typeof key?.id === 'string' && typeof key.filename === 'string' ? cacheKey(key) : undefined;
    if (name !== undefined) {
      const hit = this.#entries.get(name);
      if (hit !== undefined) {
        if (hit.until > performance.now()) {
          hit.used = true;
          // Entries are frozen but their `Date`s are not: every answer gets its own (the catalog
          // contract: changing a result changes nothing).
          return copyFrozenEntry(hit.entry);
        }
        this.#entries.delete(name);
      }
    }
    const generation = this.#generation;
    const entry = await this.inner.getEntry(key);
    if (entry !== undefined && name !== undefined && generation === this.#generation) this.#store(name, entry);
    return entry;
  }

  #store(name: string, entry: CatalogEntry): void {
    if (this.#maxEntries === 0 || this.#ttlMs === 0) return;
    this.#entries.delete(name);
    this.#entries.set(name, { entry: freezeEntry(entry), until: performance.now() + this.#ttlMs, used: false });
    // Oldest first; one used since the last pass is spared once (moved to the young end).
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.entries().next();
      if (oldest.done === true) break;
      const [key, cached] = oldest.value;
      this.#entries.delete(key);
      if (cached.used) {
        cached.used = false;
        this.#entries.set(key, cached);
      }
    }
  }

  /** Runs a change, dropping `keys` (or everything, for `'all'`) before and after it. */
  async #change<T>(keys: readonly EntryKey[] | 'all', work: () => Promise<T>): Promise<T> {
    this.#drop(keys);
    try {
      return await work();
    } finally {
      this.#drop(keys);
    }
  }

  #drop(keys: readonly EntryKey[] | 'all'): void {
    this.#generation++;
    if (keys === 'all') {
      this.#entries.clear();
      return;
    }
    for (const key of Array.isArray(keys) ? keys : []) {
      if (typeof key?.id === 'string' && typeof key.filename === 'string') this.#entries.delete(cacheKey(key));
    }
  }







  override markBlobLost(sha256: string): Promise<number> {
    return this.#change('all', () => this.inner.markBlobLost(sha256));
  }

  override insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]> {
    return this.#change(entries, () => this.inner.insertEntries(entries));
  }

  override transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void> {
    return this.#change(keys, () => this.inner.transitionEntries(keys, from, to));
  }

  override deleteEntries(keys: readonly EntryKey[], now?: Date): Promise<readonly CatalogEntry[]> {
    return this.#change(keys, () => (now === undefined ? this.inner.deleteEntries(keys) : this.inner.deleteEntries(keys, now)));
  }


  override setReplacement(key: EntryKey, replacement: EntryKey | null): Promise<CatalogEntry> {
    return this.#change([key], () => this.inner.setReplacement(key, replacement));
  }

  override updateAccess(key: EntryKey, access: EntryAccess): Promise<CatalogEntry> {
    return this.#change([key], () => this.inner.updateAccess(key, access));
  }



  override async close(): Promise<void> {
    this.#drop('all');
    await this.inner.close();
  }
}

/**
 * `catalog` with an entry cache in front of it, or `catalog` itself when the options turn the
 * cache off (`maxEntries` or `ttlMs` of `0`).
 */
export function withEntryCache(catalog: Catalog, options: Required<EntryCacheOptions>): Catalog {
  if (options.maxEntries === 0 || options.ttlMs === 0) return catalog;
  return new EntryCachingCatalog(catalog, options);
}
