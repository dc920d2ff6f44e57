import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { createMemoryCatalog, EntryCachingCatalog, withEntryCache, type Catalog, type EntryKey } from '../../src/catalog/index.js';
import { createStowage } from '../../src/create-stowage.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { isStowageError } from '../../src/stowage-error.js';
import { candidate, entry, ID, SHA, T0 } from '../helpers/catalog-rows.js';

const KEY: EntryKey = { id: ID, filename: 'f.txt' };
const LONG = { maxEntries: 100, ttlMs: 60_000 };

/** A real memory catalog whose `getEntry` calls are counted (and can be held back). */
class CountingCatalog {
  lookups = 0;
  hold: Promise<void> | undefined;
  readonly inner = createMemoryCatalog();
  readonly catalog: Catalog = new Proxy(this.inner, {
    get: (target, name) => {
      const value = Reflect.get(target, name) as unknown;
      if (name !== 'getEntry') return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      return async (key: EntryKey) => {
        this.lookups++;
        const answer = target.getEntry(key);
        if (this.hold !== undefined) await this.hold;
        return answer;
      };
    },
  });
}

async function seeded(): Promise<CountingCatalog> {
  const counting = new CountingCatalog();
  await counting.inner.claimBlob(candidate, T0);
  await counting.inner.markBlobPresent(SHA, T0);
  await counting.inner.insertEntries([entry]);
  await counting.inner.transitionEntries([KEY], 'pending', 'committed');
  return counting;
}

t.test('a found entry is answered from memory until its time is up', async (t) => {
  const counting = await seeded();
  const cached = new EntryCachingCatalog(counting.catalog, LONG);
  t.equal((await cached.getEntry(KEY))?.state, 'committed');
  t.equal((await cached.getEntry(KEY))?.state, 'committed');
  t.equal(counting.lookups, 1, 'the second lookup never reached the catalog');
  t.equal(cached.size, 1);
  t.equal(cached.name, counting.inner.name);

  // A change behind the cache (another process) is seen once the entry's time is up.
  const short = new EntryCachingCatalog(counting.catalog, { maxEntries: 100, ttlMs: 1 });
  t.equal((await short.getEntry(KEY))?.state, 'committed');
  await counting.inner.transitionEntries([KEY], 'committed', 'deleting');
  t.equal((await cached.getEntry(KEY))?.state, 'committed', 'within the ttl the cached row stands');
  await sleep(10);
  t.equal((await short.getEntry(KEY))?.state, 'deleting', 'after the ttl the catalog is asked again');
});

t.test('a hit is the catalog entry field for field, frozen, in a copy nobody else holds', async (t) => {
  const counting = await seeded();
  const cached = new EntryCachingCatalog(counting.catalog, LONG);
  const stored = await counting.inner.getEntry(KEY);
  const first = await cached.getEntry(KEY);
  const hit = await cached.getEntry(KEY);
  t.equal(counting.lookups, 1);
  t.same(hit, stored, 'every field, no more and no fewer');
  t.same(Object.keys(hit ?? {}).sort(), Object.keys(stored ?? {}).sort());
  t.ok(Object.isFrozen(hit));
  t.not(hit, first, 'a new object per answer');
  t.not(hit?.createdAt, first?.createdAt, 'with its own Date');
  first?.createdAt.setTime(0);
  t.same((await cached.getEntry(KEY))?.createdAt, stored?.createdAt, 'changing an answer changes nothing cached');
});

t.test('absences are never cached: an entry added elsewhere is found at once', async (t) => {
  const counting = new CountingCatalog();
  const cached = new EntryCachingCatalog(counting.catalog, LONG);
  t.equal(await cached.getEntry(KEY), undefined);
  await counting.inner.claimBlob(candidate, T0);
  await counting.inner.markBlobPresent(SHA, T0);
  await counting.inner.insertEntries([entry]);
  t.equal((await cached.getEntry(KEY))?.state, 'pending');
  t.equal(cached.size, 1);
});

t.test('every change made through the cache is seen by the next lookup', async (t) => {
  const counting = await seeded();
  const cached = new EntryCachingCatalog(counting.catalog, LONG);
  await cached.getEntry(KEY);
  await cached.updateAccess(KEY, { visibility: 'private', readers: ['ann'], writers: [], expiresAt: null });
  t.equal((await cached.getEntry(KEY))?.visibility, 'private');
  await cached.setReplacement(KEY, { id: ID, filename: 'g.txt' }).catch(() => undefined);
  await cached.deleteEntries([KEY], T0);
  t.equal(await cached.getEntry(KEY), undefined);
  await cached.insertEntries([{ ...entry, position: 1 }]);
  t.equal((await cached.getEntry(KEY))?.state, 'pending');
  await cached.transitionEntries([KEY], 'pending', 'committed');
  t.equal((await cached.getEntry(KEY))?.state, 'committed');
  await cached.markBlobLost(SHA);
  t.equal((await cached.getEntry(KEY))?.state, 'lost', 'marking a blob lost drops its entries');
  await cached.deleteEntries([KEY]);
  t.equal(await cached.getEntry(KEY), undefined);
});

t.test('a lookup that overlaps a change never stores its older answer', async (t) => {
  const counting = await seeded();
  const cached = new EntryCachingCatalog(counting.catalog, LONG);
  let open: () => void = () => undefined;
  counting.hold = new Promise((resolve) => (open = resolve));
  const slow = cached.getEntry(KEY);
  await counting.inner.transitionEntries([KEY], 'committed', 'deleting');
  await cached.transitionEntries([KEY], 'deleting', 'committed');
  await counting.inner.transitionEntries([KEY], 'committed', 'deleting');
  open();
  counting.hold = undefined;
  t.ok(await slow);
  t.equal(cached.size, 0, 'the overlapping answer was not kept');
  t.equal((await cached.getEntry(KEY))?.state, 'deleting');
});

t.test('at most maxEntries are held, the least recently used going first', async (t) => {
  const counting = await seeded();
  await counting.inner.insertEntries(['g.txt', 'h.txt'].map((filename, i) => ({ ...entry, filename, position: i + 1 })));
  const cached = new EntryCachingCatalog(counting.catalog, { maxEntries: 2, ttlMs: 60_000 });
  const key = (filename: string): EntryKey => ({ id: ID, filename });
  await cached.getEntry(key('f.txt'));
  await cached.getEntry(key('g.txt'));
  await cached.getEntry(key('f.txt'));
  await cached.getEntry(key('h.txt'));
  t.equal(cached.size, 2);
  const before = counting.lookups;
  await cached.getEntry(key('f.txt'));
  t.equal(counting.lookups, before, 'f.txt was used recently and stayed');
  await cached.getEntry(key('g.txt'));
  t.equal(counting.lookups, before + 1, 'g.txt was evicted');
});

t.test('errors and malformed keys pass through with the catalog codes', async (t) => {
  const cached = new EntryCachingCatalog(createMemoryCatalog(), LONG);
  await t.rejects(cached.getEntry({ id: 'nope', filename: 'f.txt' }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(cached.getEntry(null as unknown as EntryKey), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(cached.deleteEntries('x' as unknown as EntryKey[]), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(cached.deleteEntries([null as unknown as EntryKey]), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await cached.close();
  await t.rejects(cached.getEntry(KEY), { code: 'STOWAGE_UNAVAILABLE' });
});

t.test('withEntryCache leaves the catalog bare when the cache is off', async (t) => {
  const catalog = createMemoryCatalog();
  t.equal(withEntryCache(catalog, { maxEntries: 0, ttlMs: 1000 }), catalog);
  t.equal(withEntryCache(catalog, { maxEntries: 10, ttlMs: 0 }), catalog);
  t.ok(withEntryCache(catalog, LONG) instanceof EntryCachingCatalog);
});

t.test('createStowage validates entryCache and sees its own changes at once', async (t) => {
  const base = { backends: createMemoryBackend(), salt: 'salt-0123456789abcdef' };
  for (const entryCache of ['yes', null, { ttlMs: -1 }, { maxEntries: 1.5 }]) {
    let code: string | undefined;
    try {
      createStowage({ ...base, entryCache: entryCache as never });
    } catch (error) {
      code = isStowageError(error) ? error.code : 'not a StowageError';
    }
    t.equal(code, 'STOWAGE_INVALID_CONFIG', JSON.stringify(entryCache));
  }
  const stowage = createStowage({ ...base, entryCache: { ttlMs: 60_000 } });
  t.teardown(() => stowage.close());
  const put = await stowage.put([{ filename: 'a.txt', source: [Buffer.from('one')] }], { principal: { name: 'ann' } });
  const key = { id: put.id, filename: 'a.txt' };
  t.equal((await stowage.stat(key, { principal: { name: 'ann' } })).kind, 'entry');
  await stowage.remove({ id: put.id }, { principal: { name: 'ann' } });
  await t.rejects(stowage.stat(key, { principal: { name: 'ann' } }), { code: 'STOWAGE_NOT_FOUND' });
  const off = createStowage({ ...base, entryCache: false });
  await off.close();
});
