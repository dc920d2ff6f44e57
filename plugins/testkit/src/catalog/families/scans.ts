import assert from 'node:assert/strict';
import type { Catalog, CatalogEntry, EntryScan } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertRefsInvariant, at, candidateOf, keyOf, longIdOf, newEntry, presentBlob, shaOf, T0 } from '../fixtures.js';
import { collect } from '../../support.js';

const ID = longIdOf('scan');

/**
 * Six entries spread over states, expiries, creation times, backends and two blobs:
 * `p0` pending, `c1` and `c2` committed, `d3` deleting, `l4` lost (own blob), `c5` committed.
 */
async function seed(catalog: Catalog): Promise<{ one: string; two: string }> {
  const one = await presentBlob(catalog, 'one');
  const two = await presentBlob(catalog, 'two');
  await catalog.insertEntries([
    newEntry(ID, 'p0', one, { position: 0, createdAt: at(0), expiresAt: at(1_000), backend: 'shard-a' }),
    newEntry(ID, 'c1', one, { position: 1, createdAt: at(100), expiresAt: null, backend: 'shard-b' }),
    newEntry(ID, 'c2', one, { position: 2, createdAt: at(200), expiresAt: at(2_000), backend: 'shard-a2' }),
    newEntry(ID, 'd3', one, { position: 3, createdAt: at(300), expiresAt: at(500), backend: 'Shard-A' }),
    newEntry(ID, 'l4', two, { position: 4, createdAt: at(400), expiresAt: at(100), backend: 'shard-a' }),
    newEntry(longIdOf('scan-2'), 'c5', one, { createdAt: at(500), expiresAt: at(3_000), backend: '%' }),
  ]);
  await catalog.transitionEntries([{ id: ID, filename: 'c1' }, { id: ID, filename: 'c2' }, { id: ID, filename: 'd3' }, { id: longIdOf('scan-2'), filename: 'c5' }], 'pending', 'committed');
  await catalog.transitionEntries([{ id: ID, filename: 'd3' }], 'committed', 'deleting');
  await catalog.markBlobLost(two);
  return { one, two };
}

async function names(catalog: Catalog, filter?: EntryScan): Promise<string[]> {
  const entries = await collect(catalog.scanEntries(filter));
  const filenames = entries.map((entry) => entry.filename).sort();
  assert.deepEqual(filenames.filter((name, index) => filenames[index - 1] === name), [], 'the scan repeats entries');
  return filenames;
}

/** The scans family: entry and blob scans, their filters, and changes made while scanning. */
export const scanCases: readonly CatalogConformanceCase[] = [
  {
    id: 'scans/entries-all',
    title: 'scanning entries without a filter yields every entry in every state exactly once, and nothing in an empty catalog',
    async run({ catalog }) {
      assert.deepEqual(await names(catalog), []);
      await seed(catalog);
      assert.deepEqual(await names(catalog), ['c1', 'c2', 'c5', 'd3', 'l4', 'p0']);
      assert.deepEqual(await names(catalog, {}), ['c1', 'c2', 'c5', 'd3', 'l4', 'p0']);
      const scanned = await collect(catalog.scanEntries());
      for (const entry of scanned) assert.deepEqual({ ...entry }, { ...(await catalog.getEntry(keyOf(entry))) }, `the scanned ${entry.filename} equals getEntry`);
    },
  },
  {
    id: 'scans/entries-states',
    title: 'scanning entries by states yields only entries in one of them',
    async run({ catalog }) {
      await seed(catalog);
      assert.deepEqual(await names(catalog, { states: ['committed'] }), ['c1', 'c2', 'c5']);
      assert.deepEqual(await names(catalog, { states: ['pending', 'lost'] }), ['l4', 'p0']);
      assert.deepEqual(await names(catalog, { states: ['deleting'] }), ['d3']);
      assert.deepEqual(await names(catalog, { states: [] }), []);
    },
  },
  {
    id: 'scans/entries-expired-before',
    title: 'scanning entries expired before an instant skips entries without expiry and those expiring at or after it',
    async run({ catalog }) {
      await seed(catalog);
      assert.deepEqual(await names(catalog, { expiredBefore: at(1_000) }), ['d3', 'l4']);
      assert.deepEqual(await names(catalog, { expiredBefore: at(1_001) }), ['d3', 'l4', 'p0']);
      assert.deepEqual(await names(catalog, { expiredBefore: at(100) }), []);
      assert.deepEqual(await names(catalog, { expiredBefore: at(1_000_000) }), ['c2', 'c5', 'd3', 'l4', 'p0']);
    },
  },
  {
    id: 'scans/entries-created-before',
    title: 'scanning entries created before an instant is strict',
    async run({ catalog }) {
      await seed(catalog);
      assert.deepEqual(await names(catalog, { createdBefore: at(200) }), ['c1', 'p0']);
      assert.deepEqual(await names(catalog, { createdBefore: at(201) }), ['c1', 'c2', 'p0']);
      assert.deepEqual(await names(catalog, { createdBefore: T0 }), []);
    },
  },
  {
    id: 'scans/entries-backend-and-blob',
    title: 'scanning entries by backend or blob matches exactly (no prefix, case folding or wildcards)',
    async run({ catalog }) {
      const { one, two } = await seed(catalog);
      assert.deepEqual(await names(catalog, { backend: 'shard-a' }), ['l4', 'p0']);
      assert.deepEqual(await names(catalog, { backend: 'Shard-A' }), ['d3']);
      assert.deepEqual(await names(catalog, { backend: '%' }), ['c5']);
      assert.deepEqual(await names(catalog, { backend: 'shard-a_' }), []);
      assert.deepEqual(await names(catalog, { backend: 'shard' }), []);
      assert.deepEqual(await names(catalog, { sha256: two }), ['l4']);
      assert.deepEqual(await names(catalog, { sha256: one }), ['c1', 'c2', 'c5', 'd3', 'p0']);
      assert.deepEqual(await names(catalog, { sha256: shaOf('none') }), []);
    },
  },
  {
    id: 'scans/entries-combined',
    title: 'scanning entries with several filters yields only entries meeting all of them',
    async run({ catalog }) {
      const { one } = await seed(catalog);
      assert.deepEqual(await names(catalog, { states: ['committed', 'deleting'], expiredBefore: at(2_500), sha256: one }), ['c2', 'd3']);
      assert.deepEqual(await names(catalog, { states: ['committed'], createdBefore: at(150), backend: 'shard-b' }), ['c1']);
      assert.deepEqual(await names(catalog, { states: ['pending'], backend: 'shard-b' }), []);
    },
  },
  {
    id: 'scans/entries-modified-while-scanning',
    title: 'deleting and inserting entries while scanning is safe: every entry present throughout is yielded exactly once',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const ids = Array.from({ length: 30 }, (_, index) => longIdOf(`during-${index}`));
      for (const id of ids) await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 })]);
      const seen: CatalogEntry[] = [];
      let added = 0;
      for await (const entry of catalog.scanEntries()) {
        seen.push(entry);
        if (entry.filename === 'a' || entry.filename === 'b') {
          await catalog.deleteEntries([keyOf(entry)]);
          await catalog.insertEntries([newEntry(entry.id, `new-${entry.filename}`, sha, { position: 2 + added })]);
          added++;
        }
        assert.ok(seen.length <= 200, 'the scan keeps yielding what it inserts');
      }
      const keys = seen.map((entry) => `${entry.id}/${entry.filename}`);
      assert.equal(new Set(keys).size, keys.length, 'no entry is yielded twice');
      for (const id of ids) for (const filename of ['a', 'b']) assert.ok(keys.includes(`${id}/${filename}`), `${filename} of ${id.slice(0, 8)} was yielded`);
      assert.equal(added, 60);
      await assertRefsInvariant(catalog);
    },
  },
  {
    id: 'scans/entries-many',
    title: 'scanning 1,500 entries yields each exactly once',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      for (let batch = 0; batch < 3; batch++) {
        const id = longIdOf(`many-${batch}`);
        await catalog.insertEntries(Array.from({ length: 500 }, (_, position) => newEntry(id, `f${position}`, sha, { position })));
      }
      const scanned = await collect(catalog.scanEntries({ states: ['pending'] }));
      assert.equal(new Set(scanned.map((entry) => `${entry.id}/${entry.filename}`)).size, 1_500);
      assert.equal(scanned.length, 1_500);
    },
  },
  {
    id: 'scans/blobs',
    title: 'scanning blobs yields every row once, filtered by states and by having no references since before an instant',
    async run({ catalog }) {
      assert.deepEqual(await collect(catalog.scanBlobs()), []);
      const old = await presentBlob(catalog, 'old', T0);
      const recent = await presentBlob(catalog, 'recent', at(1_000));
      const referenced = await presentBlob(catalog, 'referenced', T0);
      await catalog.insertEntries([newEntry(longIdOf('ref'), 'r', referenced)]);
      await catalog.claimBlob(candidateOf('writing'), T0);
      const deleting = await presentBlob(catalog, 'deleting', T0);
      await catalog.claimBlobForDeletion(deleting, at(1));
      const shas = async (filter?: Parameters<Catalog['scanBlobs']>[0]): Promise<string[]> =>
        (await collect(catalog.scanBlobs(filter))).map((blob) => blob.sha256).sort();
      assert.deepEqual(await shas(), [old, recent, referenced, shaOf('writing'), deleting].sort());
      assert.deepEqual(await shas({ states: ['present'] }), [old, recent, referenced].sort());
      assert.deepEqual(await shas({ states: ['writing', 'deleting'] }), [shaOf('writing'), deleting].sort());
      assert.deepEqual(await shas({ states: [] }), []);
      assert.deepEqual(await shas({ unreferencedBefore: at(1_000) }), [old, shaOf('writing'), deleting].sort());
      assert.deepEqual(await shas({ unreferencedBefore: at(1_001) }), [old, recent, shaOf('writing'), deleting].sort());
      assert.deepEqual(await shas({ states: ['present'], unreferencedBefore: at(1) }), [old]);
      assert.deepEqual(await shas({ unreferencedBefore: T0 }), []);
      for (const blob of await collect(catalog.scanBlobs())) assert.deepEqual({ ...blob }, { ...(await catalog.getBlob(blob.sha256)) });
    },
  },
  {
    id: 'scans/blobs-modified-while-scanning',
    title: 'collecting blobs while scanning them is safe: each is yielded once and can be claimed and forgotten',
    async run({ catalog }) {
      const shas: string[] = [];
      for (let index = 0; index < 40; index++) shas.push(await presentBlob(catalog, `garbage-${index}`, T0));
      const yielded: string[] = [];
      for await (const blob of catalog.scanBlobs({ states: ['present'], unreferencedBefore: at(1) })) {
        yielded.push(blob.sha256);
        assert.equal(await catalog.claimBlobForDeletion(blob.sha256, at(1)), true);
        await catalog.forgetBlob(blob.sha256);
        await presentBlob(catalog, `new-${yielded.length}`, at(2));
      }
      assert.deepEqual([...yielded].sort(), [...shas].sort());
      assert.equal((await collect(catalog.scanBlobs())).length, 40, 'only the new blobs are left');
    },
  },
];
