import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import t from 'tap';
import { ENTRY_STATES, type Catalog, type CatalogEntry, type EntryScan, type EntryState } from '@stowage/core';
import { createSqliteCatalog } from '../src/index.js';
import type { BlobRow, EntryRow } from '../src/rows.js';
import { blobScanPlan, compareBytes, entryScanPlan } from '../src/scan-plans.js';
import { at, candidate, entry, idOf, present, T0 } from './helpers/fixtures.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

const keyOf = (entry: CatalogEntry): string => `${entry.id}/${entry.filename}`;

const entryRowBase: EntryRow = {
  id: '',
  filename: '',
  position: 0,
  backend: 'b',
  path: 'p',
  size: 0,
  sha256: 's',
  sha1: 's',
  content_type: '',
  created_at: 0,
  planned_path: '',
  author: '',
  salt_key_id: '',
  visibility: 'public',
  readers: '[]',
  writers: '[]',
  expires_at: null,
  state: 'pending',
  replaced_by_id: null,
  replaced_by_filename: null,
};
const blobRowBase: BlobRow = { sha256: '', sha1: '', size: 0, backend: 'b', path: 'p', state: 'present', refs: 0, created_at: 0, touched_at: 0 };

t.test('compareBytes orders strings as SQLite BINARY does, by UTF-8 bytes rather than UTF-16 units', async (t) => {
  t.equal(compareBytes('a', 'a'), 0);
  t.ok(compareBytes('A', 'a') < 0);
  t.ok(compareBytes('abc', 'abd') < 0);
  t.ok(compareBytes('ab', 'abc') < 0);
  // U+FF5E is one UTF-16 unit above the surrogates, but its UTF-8 bytes sort before U+1F600's.
  t.ok('\u{1F600}' < '\uFF5E', 'UTF-16 order');
  t.ok(compareBytes('\uFF5E', '\u{1F600}') < 0, 'UTF-8 order');
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  t.equal(db.prepare("SELECT ? < ? COLLATE BINARY").pluck().get('\uFF5E', '\u{1F600}'), 1, 'SQLite agrees');
});

t.test('every scan shape runs through an index or the primary key, and never sorts a page', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  await createSqliteCatalog({ file }).close();
  const db = new Database(file, { readonly: true });
  t.teardown(() => db.close());
  const entryFilters: EntryScan[] = [
    {},
    { states: ['committed'] },
    { states: ['pending', 'deleting'] },
    { sha256: 'a'.repeat(64) },
    { backend: 'shard-a', states: ['lost'] },
    { createdBefore: T0 },
    { expiredBefore: T0 },
    { expiredBefore: T0, states: ['committed', 'pending'], backend: 'x', createdBefore: T0 },
    { expiredBefore: T0, sha256: 'a'.repeat(64) },
  ];
  const plans = [
    ...entryFilters.map((filter) => [JSON.stringify(filter), entryScanPlan(filter)] as const),
    ...[{}, { states: ['present' as const] }, { states: ['present' as const], unreferencedBefore: T0 }, { unreferencedBefore: T0 }].map(
      (filter) => [JSON.stringify(filter), blobScanPlan(filter)] as const,
    ),
  ];
  for (const [name, plan] of plans) {
    const params = { ...plan.variants[0], ...plan.cursor(undefined), limit: 10 };
    const steps = (db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(params) as Array<{ detail: string }>).map((row) => row.detail);
    t.ok(steps.some((step) => /^SEARCH (entries|blobs) USING (INDEX|PRIMARY KEY)/.test(step)), `${name}: ${steps.join('; ')}`);
    t.notOk(steps.some((step) => step.includes('TEMP B-TREE')), `${name}: no sort`);
  }
  t.equal(entryScanPlan({ states: ['pending', 'deleting', 'pending'] }).variants.length, 2, 'one query per distinct state');
  t.equal(entryScanPlan({ states: ['pending', 'deleting'], expiredBefore: T0 }).variants.length, 1, 'one query through the expiry index');
});

t.test('each plan orders rows as its query does', async (t) => {
  const row = (id: string, filename: string, expiresAt: number | null): EntryRow => ({ ...entryRowBase, id, filename, expires_at: expiresAt });
  const byKey = entryScanPlan({ states: ['pending', 'lost'] });
  t.ok(byKey.compare(row('a', 'z', 9), row('b', 'a', 1)) < 0, 'key order: the id first');
  t.ok(byKey.compare(row('a', '\uFF5E', 1), row('a', '\u{1F600}', 1)) < 0, 'key order: then the filename bytes');
  const byExpiry = entryScanPlan({ expiredBefore: T0 });
  t.ok(byExpiry.compare(row('b', 'a', 1), row('a', 'a', 2)) < 0, 'expiry order: the expiry first');
  t.ok(byExpiry.compare(row('a', 'b', 1), row('b', 'a', 1)) < 0, 'expiry order: then the key');
  t.same(byExpiry.cursor(undefined), { afterExpiry: Number.MIN_SAFE_INTEGER, afterId: '', afterFilename: '' });
  const blobs = blobScanPlan({ states: ['present', 'lost'] });
  t.ok(blobs.compare({ ...blobRowBase, sha256: 'a' }, { ...blobRowBase, sha256: 'b' }) < 0);
});

t.test('entries deleted, inserted and changed during a scan: each original entry is returned exactly once', async (t) => {
  const catalog = createSqliteCatalog({ file: join(t.testdir(), 'catalog.db'), scanPageSize: 4 });
  t.teardown(() => catalog.close());
  const sha = await present(catalog, 'blob');
  const id = idOf('mutating');
  const originals = Array.from({ length: 30 }, (_, position) => entry(id, `f-${String(position).padStart(2, '0')}`, sha, { position }));
  await catalog.insertEntries(originals);
  const seen: string[] = [];
  let added = 0;
  for await (const found of catalog.scanEntries({ states: ['pending', 'committed'] })) {
    seen.push(found.filename);
    // Delete the entry just returned, move the next one to another scanned state, and add one.
    await catalog.deleteEntries([{ id, filename: found.filename }]);
    const next = originals.find((candidate) => !seen.includes(candidate.filename));
    if (next !== undefined && (await catalog.getEntry(next))?.state === 'pending') await catalog.transitionEntries([next], 'pending', 'committed');
    await catalog.insertEntries([entry(id, `added-${added++}`, sha, { position: 100 + added })]);
  }
  const originalNames = originals.map((original) => original.filename);
  t.same(seen.filter((name) => originalNames.includes(name)).sort(), originalNames, 'every original exactly once');
  t.equal(new Set(seen).size, seen.length, 'nothing twice');
  t.equal((await catalog.getBlob(sha))?.refs, (await collect(catalog.scanEntries())).length, 'references stayed consistent');
});

t.test('blobs forgotten during a scan of the collector: each blob is returned once', async (t) => {
  const catalog = createSqliteCatalog({ file: ':memory:', scanPageSize: 3 });
  t.teardown(() => catalog.close());
  const shas = await Promise.all(Array.from({ length: 20 }, (_, i) => present(catalog, `old-${i}`)));
  await catalog.claimBlob(candidate('writing'), T0);
  const seen: string[] = [];
  for await (const blob of catalog.scanBlobs({ states: ['present', 'writing'], unreferencedBefore: at(1) })) {
    seen.push(blob.sha256);
    if (blob.state === 'present' && (await catalog.claimBlobForDeletion(blob.sha256, at(1)))) await catalog.forgetBlob(blob.sha256);
  }
  t.same([...seen].sort(), [...shas, candidate('writing').sha256].sort());
  t.same((await collect(catalog.scanBlobs())).map((blob) => blob.state), ['writing']);
});

const FILENAMES = fc.oneof(
  fc.constantFrom('a', 'A', 'b', '\uFF5E', '\u{1F600}', 'é', 'e\u0301', '%', '_', 'z z'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter((name) => !name.includes('/') && !name.includes('\0')),
);

interface Model {
  readonly key: { id: string; filename: string };
  readonly state: EntryState;
  readonly sha: number;
  readonly backend: string;
  readonly createdMs: number;
  readonly expiresMs: number | null;
}

t.test('scans return exactly the entries the filter matches, each once, for any page size', async (t) => {
  const shas = [candidate('x').sha256, candidate('y').sha256];
  let round = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(
        fc.record({
          id: fc.constantFrom(idOf('one'), idOf('two'), idOf('three')),
          filename: FILENAMES,
          state: fc.constantFrom(...ENTRY_STATES),
          sha: fc.integer({ min: 0, max: 1 }),
          backend: fc.constantFrom('shard-a', 'shard-b'),
          createdMs: fc.integer({ min: -5, max: 5 }),
          expiresMs: fc.option(fc.integer({ min: -5, max: 5 })),
        }),
        { selector: (row) => `${row.id}/${row.filename}`, maxLength: 25 },
      ),
      fc.record(
        {
          states: fc.uniqueArray(fc.constantFrom(...ENTRY_STATES), { maxLength: 4 }),
          sha: fc.integer({ min: 0, max: 1 }),
          backend: fc.constantFrom('shard-a', 'shard-b'),
          createdMs: fc.integer({ min: -5, max: 5 }),
          expiresMs: fc.integer({ min: -5, max: 5 }),
        },
        { requiredKeys: [] },
      ),
      fc.integer({ min: 1, max: 7 }),
      async (rows, filter, pageSize) => {
        const scanned = createSqliteCatalog({ file: ':memory:', scanPageSize: pageSize });
        try {
          const models: Model[] = rows.map((row) => ({ key: { id: row.id, filename: row.filename }, state: row.state, sha: row.sha, backend: row.backend, createdMs: row.createdMs, expiresMs: row.expiresMs }));
          for (const label of ['x', 'y']) await present(scanned, label);
          if (models.length > 0) {
            await scanned.insertEntries(
              models.map((model, position) =>
                entry(model.key.id, model.key.filename, shas[model.sha] as string, {
                  position,
                  backend: model.backend,
                  createdAt: at(model.createdMs),
                  expiresAt: model.expiresMs === null ? null : at(model.expiresMs),
                }),
              ),
            );
          }
          for (const state of ENTRY_STATES.filter((state) => state !== 'pending')) {
            const keys = models.filter((model) => model.state === state).map((model) => model.key);
            if (keys.length > 0) await scanned.transitionEntries(keys, 'pending', state);
          }
          const scan: EntryScan = {
            ...(filter.states === undefined ? {} : { states: filter.states }),
            ...(filter.sha === undefined ? {} : { sha256: shas[filter.sha] as string }),
            ...(filter.backend === undefined ? {} : { backend: filter.backend }),
            ...(filter.createdMs === undefined ? {} : { createdBefore: at(filter.createdMs) }),
            ...(filter.expiresMs === undefined ? {} : { expiredBefore: at(filter.expiresMs) }),
          };
          const expected = models
            .filter(
              (model) =>
                (filter.states === undefined || filter.states.includes(model.state)) &&
                (filter.sha === undefined || filter.sha === model.sha) &&
                (filter.backend === undefined || filter.backend === model.backend) &&
                (filter.createdMs === undefined || model.createdMs < filter.createdMs) &&
                (filter.expiresMs === undefined || (model.expiresMs !== null && model.expiresMs < filter.expiresMs)),
            )
            .map((model) => `${model.key.id}/${model.key.filename}`)
            .sort();
          const found = (await collect(scanned.scanEntries(scan))).map(keyOf);
          t.same([...found].sort(), expected, `round ${round++}`);
        } finally {
          await scanned.close();
        }
      },
    ),
    { numRuns: 150 },
  );
});

async function scanAll(catalog: Catalog, filter: EntryScan): Promise<string[]> {
  return (await collect(catalog.scanEntries(filter))).map(keyOf);
}

t.test('an empty list of states matches nothing; duplicated states do not duplicate entries', async (t) => {
  const catalog = createSqliteCatalog({ file: ':memory:', scanPageSize: 2 });
  t.teardown(() => catalog.close());
  const sha = await present(catalog, 'blob');
  const id = idOf('states');
  await catalog.insertEntries(Array.from({ length: 5 }, (_, position) => entry(id, `f${position}`, sha, { position, expiresAt: at(-1) })));
  t.same(await scanAll(catalog, { states: [] }), []);
  t.same(await scanAll(catalog, { states: [], expiredBefore: T0 }), []);
  t.same(await collect(catalog.scanBlobs({ states: [] })), []);
  t.equal((await scanAll(catalog, { states: ['pending', 'pending', 'lost'] })).length, 5);
  t.equal((await scanAll(catalog, { states: ['pending', 'pending'], expiredBefore: T0 })).length, 5);
});

t.test('pages of several states merge in byte order: astral and high-BMP filenames in one-row pages', async (t) => {
  const catalog = createSqliteCatalog({ file: ':memory:', scanPageSize: 1 });
  t.teardown(() => catalog.close());
  const sha = await present(catalog, 'blob');
  const id = idOf('merge');
  const names = ['\uFF5E', '\u{1F600}', 'a', '\uFFFD', '\u{10FFFD}', '\uE000'];
  await catalog.insertEntries(names.map((filename, position) => entry(id, filename, sha, { position })));
  await catalog.transitionEntries(names.filter((_, index) => index % 2 === 1).map((filename) => ({ id, filename })), 'pending', 'committed');
  const found = (await collect(catalog.scanEntries({ states: ['pending', 'committed'] }))).map((row) => row.filename);
  t.same([...found].sort(), [...names].sort());
  t.same(found, [...names].sort(compareBytes), 'returned in byte order');
});
