import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  createMemoryCatalog,
  ForwardingCatalog,
  StowageError,
  type BlobCandidate,
  type BlobClaim,
  type BlobRecord,
  type Catalog,
  type CatalogEntry,
  type EntryKey,
  type EntryState,
  type NewEntry,
} from '@stowage/core';

/** A deliberately broken catalog and the cases that must catch it. */
export interface BrokenCatalog {
  /** Completes "a catalog that ...". */
  readonly name: string;
  readonly create: () => Catalog;
  /** Case ids that must fail against it. */
  readonly caughtBy: readonly string[];
}

/** Forgets to remove references: deleted entries keep counting (refs never decremented). */
class RefsNotDecremented extends ForwardingCatalog {
  readonly #phantom = new Map<string, number>();

  override async deleteEntries(keys: readonly EntryKey[], now?: Date): Promise<readonly CatalogEntry[]> {
    const deleted = await this.inner.deleteEntries(keys, now);
    for (const entry of deleted) this.#phantom.set(entry.sha256, (this.#phantom.get(entry.sha256) ?? 0) + 1);
    return deleted;
  }

  override async getBlob(sha256: string): Promise<BlobRecord | undefined> {
    const blob = await this.inner.getBlob(sha256);
    return blob === undefined ? undefined : Object.freeze({ ...blob, refs: blob.refs + (this.#phantom.get(sha256) ?? 0) });
  }

  override async claimBlobForDeletion(sha256: string, unreferencedBefore: Date): Promise<boolean> {
    return (this.#phantom.get(sha256) ?? 0) > 0 ? false : this.inner.claimBlobForDeletion(sha256, unreferencedBefore);
  }
}

/** Inserts one entry at a time and stops at the first failure, keeping what it inserted. */
class InsertNotAtomic extends ForwardingCatalog {
  override async insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]> {
    if (entries.length === 0) return this.inner.insertEntries(entries);
    const inserted: CatalogEntry[] = [];
    for (const entry of entries) inserted.push(...(await this.inner.insertEntries([entry])));
    return Object.freeze(inserted);
  }
}

/** SQLite's `LIKE`: `%` and `_` are wildcards and ASCII letters match either case. */
function likePattern(pattern: string): RegExp {
  const source = [...pattern].map((char) => (char === '%' ? '.*' : char === '_' ? '.' : char.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'is');
}

/** Looks entries up with `filename LIKE ?`, as a SQL catalog that forgot `LIKE` is a pattern match. */
class LikeLookup extends ForwardingCatalog {
  async #matching(key: EntryKey): Promise<CatalogEntry[]> {
    const like = likePattern(key.filename);
    return (await this.inner.listEntries(key.id)).filter((entry) => like.test(entry.filename));
  }

  override async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    return (await this.inner.getEntry(key)) ?? (await this.#matching(key))[0];
  }

  override async deleteEntries(keys: readonly EntryKey[], now?: Date): Promise<readonly CatalogEntry[]> {
    const lists = new Map<string, readonly CatalogEntry[]>();
    for (const { id } of keys) if (!lists.has(id)) lists.set(id, await this.inner.listEntries(id));
    const expanded = keys.flatMap((key) => {
      const like = likePattern(key.filename);
      return (lists.get(key.id) ?? []).filter((entry) => like.test(entry.filename));
    });
    return this.inner.deleteEntries(expanded.length === 0 ? keys : expanded.map(({ id, filename }) => ({ id, filename })), now);
  }
}

/** Returns entries as mutable objects. */
class UnfrozenResults extends ForwardingCatalog {
  override async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    const entry = await this.inner.getEntry(key);
    return entry === undefined ? undefined : { ...entry, readers: [...entry.readers] };
  }
}

/** Lists the entries of an id by filename (`ORDER BY filename`) instead of by position. */
class ListedByFilename extends ForwardingCatalog {
  override async listEntries(id: string): Promise<readonly CatalogEntry[]> {
    return [...(await this.inner.listEntries(id))].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
  }
}

/** Checks for the row, awaits, then claims: two puts both see no row and both answer write. */
class CheckThenClaim extends ForwardingCatalog {
  override async claimBlob(candidate: BlobCandidate, now: Date): Promise<BlobClaim> {
    const existing = await this.inner.getBlob(candidate.sha256);
    await nextTurn();
    const claim = await this.inner.claimBlob(candidate, now);
    if (existing !== undefined || claim.kind !== 'wait') return claim;
    const blob = await this.inner.getBlob(candidate.sha256);
    return blob === undefined ? claim : Object.freeze({ kind: 'write', blob });
  }
}

/** `close` does nothing: the catalog keeps answering. */
class CloseNotFinal extends ForwardingCatalog {
  override async close(): Promise<void> {}
}

function truncated(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Stores dates in whole seconds (a `DATETIME` column without fractions). */
class SecondsDates extends ForwardingCatalog {
  override async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    const entry = await this.inner.getEntry(key);
    if (entry === undefined) return undefined;
    return Object.freeze({ ...entry, createdAt: truncated(entry.createdAt), expiresAt: entry.expiresAt === null ? null : truncated(entry.expiresAt) });
  }
}

/** Takes every present unreferenced blob, ignoring the grace period. */
class GreedyCollector extends ForwardingCatalog {
  override claimBlobForDeletion(sha256: string): Promise<boolean> {
    return this.inner.claimBlobForDeletion(sha256, new Date(8.64e15));
  }
}

/** Releasing a rewrite of a referenced lost blob leaves it `writing`, so every later put waits forever. */
class ReleaseLeavesWriting extends ForwardingCatalog {
  override async releaseBlob(sha256: string): Promise<void> {
    const blob = await this.inner.getBlob(sha256);
    if (blob?.state === 'writing' && blob.refs > 0) return;
    return this.inner.releaseBlob(sha256);
  }
}

/** Caches entries by key and serves the cache after changes. */
class StaleEntryCache extends ForwardingCatalog {
  readonly #cache = new Map<string, CatalogEntry>();

  override async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    const cacheKey = `${key.id}/${key.filename}`;
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const entry = await this.inner.getEntry(key);
    if (entry !== undefined) this.#cache.set(cacheKey, entry);
    return entry;
  }
}

/** Answers lookups with a malformed id with `undefined` instead of rejecting them. */
class LenientIds extends ForwardingCatalog {
  override async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    if (typeof key?.id === 'string' && !/^[0-9a-f]{64}$/.test(key.id)) return undefined;
    return this.inner.getEntry(key);
  }
}

/** Moves entries one at a time, so a failing key leaves the earlier ones moved. */
class TransitionNotAtomic extends ForwardingCatalog {
  override async transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void> {
    for (const key of keys) await this.inner.transitionEntries([key], from, to);
  }
}

/** Ten broken catalogs, from the obvious to what SQL and NoSQL implementations actually get wrong. */
export const BROKEN_CATALOGS: readonly BrokenCatalog[] = [
  {
    name: 'never decrements references',
    create: () => new RefsNotDecremented(createMemoryCatalog()),
    caughtBy: ['entries/refs-every-state', 'entries/delete', 'entries/delete-touches-at-zero', 'concurrency/delete-refs', 'invariants/random-histories'],
  },
  {
    name: 'inserts entries one at a time',
    create: () => new InsertNotAtomic(createMemoryCatalog()),
    caughtBy: ['entries/insert-taken-key', 'entries/insert-same-key-twice', 'entries/insert-needs-present-blob', 'arguments/entry-fields'],
  },
  {
    name: 'looks filenames up with LIKE',
    create: () => new LikeLookup(createMemoryCatalog()),
    caughtBy: ['keys/case-sensitive', 'keys/wildcards-match-nothing', 'keys/sibling-not-resolved'],
  },
  {
    name: 'returns mutable entries',
    create: () => new UnfrozenResults(createMemoryCatalog()),
    caughtBy: ['snapshots/frozen'],
  },
  {
    name: 'lists entries by filename',
    create: () => new ListedByFilename(createMemoryCatalog()),
    caughtBy: ['entries/list-position-order', 'keys/hostile-filenames', 'keys/unicode'],
  },
  {
    name: 'checks for a blob row before claiming it in another step',
    create: () => new CheckThenClaim(createMemoryCatalog()),
    caughtBy: ['concurrency/claim-one-writer'],
  },
  {
    name: 'keeps answering after close',
    create: () => new CloseNotFinal(createMemoryCatalog()),
    caughtBy: ['lifecycle/close'],
  },
  {
    name: 'stores dates in whole seconds',
    create: () => new SecondsDates(createMemoryCatalog()),
    caughtBy: ['snapshots/dates-milliseconds', 'entries/insert', 'entries/update-access'],
  },
  {
    name: 'collects blobs without waiting for the grace period',
    create: () => new GreedyCollector(createMemoryCatalog()),
    caughtBy: ['blobs/deletion-claim', 'blobs/deletion-claim-after-reuse', 'entries/delete-touches-at-zero', 'concurrency/collector-vs-put'],
  },
  {
    name: 'leaves a released rewrite of a lost blob writing forever',
    create: () => new ReleaseLeavesWriting(createMemoryCatalog()),
    caughtBy: ['blobs/release-referenced-not-stuck'],
  },
  {
    name: 'serves entries from a cache that changes do not update',
    create: () => new StaleEntryCache(createMemoryCatalog()),
    caughtBy: ['entries/set-replacement', 'entries/update-access', 'snapshots/results-unshared'],
  },
  {
    name: 'answers lookups with a malformed id instead of rejecting them',
    create: () => new LenientIds(createMemoryCatalog()),
    caughtBy: ['arguments/long-ids'],
  },
  {
    name: 'transitions entries one at a time',
    create: () => new TransitionNotAtomic(createMemoryCatalog()),
    caughtBy: ['entries/transition-all-or-none'],
  },
];

/** A catalog session over a store that outlives it: closing ends the session, not the store. */
class Session extends ForwardingCatalog {
  #closed = false;

  constructor(readonly store: Catalog) {
    super(store);
    for (const method of Object.getOwnPropertyNames(ForwardingCatalog.prototype)) {
      if (method === 'constructor' || method === 'name' || method === 'close') continue;
      const forward = (ForwardingCatalog.prototype as unknown as Record<string, (...args: unknown[]) => unknown>)[method];
      Object.defineProperty(this, method, {
        value: (...args: unknown[]) => {
          if (!this.#closed) return forward?.apply(this, args);
          const error = new StowageError('STOWAGE_UNAVAILABLE', 'The session is closed');
          return method.startsWith('scan') ? failing(error) : Promise.reject(error);
        },
      });
    }
  }

  override async close(): Promise<void> {
    this.#closed = true;
  }
}

async function* failing(error: Error): AsyncIterable<never> {
  throw error;
}

/** A persistent catalog stand-in: sessions over one memory store, which a reopen keeps. */
export const persistentMemory = {
  factory: (): Catalog => new Session(createMemoryCatalog()),
  reopen: async (catalog: Catalog): Promise<Catalog> => {
    await catalog.close();
    return new Session((catalog as Session).store);
  },
  teardown: (catalog: Catalog): Promise<void> => (catalog as Session).store.close(),
};

/** A reopen that loses everything: a fresh store instead of the same one. */
export const forgetfulReopen = {
  ...persistentMemory,
  reopen: async (catalog: Catalog): Promise<Catalog> => {
    await catalog.close();
    return persistentMemory.factory();
  },
};
