import assert from 'node:assert/strict';
import type { Catalog, EntryKey } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { at, blobOf, candidateOf, entryOf, keyOf, longIdOf, newEntry, presentBlob, shaOf, T0 } from '../fixtures.js';
import { collect, expectCode } from '../../support.js';

/** Every method of the catalog, called with valid arguments. */
function everyCall(catalog: Catalog): Record<string, () => Promise<unknown>> {
  const sha = shaOf('any');
  const key = { id: longIdOf('any'), filename: 'any.txt' };
  return {
    claimBlob: () => catalog.claimBlob(candidateOf('any'), T0),
    markBlobPresent: () => catalog.markBlobPresent(sha, T0),
    releaseBlob: () => catalog.releaseBlob(sha),
    getBlob: () => catalog.getBlob(sha),
    claimBlobForDeletion: () => catalog.claimBlobForDeletion(sha, T0),
    forgetBlob: () => catalog.forgetBlob(sha),
    markBlobLost: () => catalog.markBlobLost(sha),
    insertEntries: () => catalog.insertEntries([newEntry(key.id, key.filename, sha)]),
    transitionEntries: () => catalog.transitionEntries([key], 'pending', 'committed'),
    deleteEntries: () => catalog.deleteEntries([key], T0),
    getEntry: () => catalog.getEntry(key),
    listEntries: () => catalog.listEntries(key.id),
    setReplacement: () => catalog.setReplacement(key, null),
    updateAccess: () => catalog.updateAccess(key, { visibility: 'public', readers: [], writers: [], expiresAt: null }),
    scanEntries: () => collect(catalog.scanEntries()),
    scanBlobs: () => collect(catalog.scanBlobs()),
  };
}

/** What the durability case stores before reopening, and reads back after. */
async function snapshotOf(catalog: Catalog, keys: readonly EntryKey[], shas: readonly string[]): Promise<unknown> {
  return {
    entries: await Promise.all(keys.map(async (key) => ({ ...(await catalog.getEntry(key)) }))),
    lists: await Promise.all([...new Set(keys.map((key) => key.id))].map(async (id) => (await catalog.listEntries(id)).map((entry) => ({ ...entry })))),
    blobs: await Promise.all(shas.map(async (sha) => ({ ...(await catalog.getBlob(sha)) }))),
    scanned: (await collect(catalog.scanEntries())).length,
  };
}

/** The lifecycle family: close, and (for persistent catalogs) what survives a reopen. */
export const lifecycleCases: readonly CatalogConformanceCase[] = [
  {
    id: 'lifecycle/name',
    title: 'the catalog has a non-empty name for logs',
    async run({ catalog }) {
      assert.equal(typeof catalog.name, 'string');
      assert.notEqual(catalog.name, '');
    },
  },
  {
    id: 'lifecycle/close',
    title: 'after close every method rejects with UNAVAILABLE, and close itself may be called again',
    async run({ catalog }) {
      await presentBlob(catalog, 'any');
      await catalog.close();
      await catalog.close();
      for (const [method, call] of Object.entries(everyCall(catalog))) await expectCode(call, 'STOWAGE_UNAVAILABLE', method);
      await catalog.close();
    },
  },
  {
    id: 'lifecycle/reopen-keeps-data',
    title: 'entries, blobs, states, references, replacements, access and dates survive closing and reopening',
    needsReopen: true,
    async run(context) {
      const catalog = context.catalog;
      const sha = await presentBlob(catalog, 'kept', T0);
      const lost = await presentBlob(catalog, 'lost', T0);
      await catalog.claimBlob(candidateOf('writing'), at(5));
      const id = longIdOf('durable');
      const inserted = await catalog.insertEntries([
        newEntry(id, 'zeta.txt', sha, { position: 0, expiresAt: at(86_400_001) }),
        newEntry(id, 'alpha.txt', sha, { position: 1, visibility: 'public' }),
        newEntry(id, "'; DROP TABLE entries; --", lost, { position: 2 }),
        newEntry(id, 'café.txt'.normalize('NFD'), sha, { position: 3 }),
      ]);
      const keys = inserted.map(keyOf);
      await catalog.transitionEntries(keys.slice(0, 2), 'pending', 'committed');
      await catalog.setReplacement(keys[0] as EntryKey, keys[1] as EntryKey);
      await catalog.updateAccess(keys[1] as EntryKey, { visibility: 'private', readers: ['r1', 'r2'], writers: [], expiresAt: at(123) });
      await catalog.markBlobLost(lost);
      const shas = [sha, lost, shaOf('writing')];
      const before = await snapshotOf(catalog, keys, shas);
      const reopened = await context.reopen();
      assert.deepEqual(await snapshotOf(reopened, keys, shas), before);
      assert.equal((await blobOf(reopened, sha)).refs, 3);
      assert.equal((await reopened.claimBlob(candidateOf('writing'), at(6))).kind, 'wait', 'a writing claim survives');
    },
  },
  {
    id: 'lifecycle/reopen-after-rejections',
    title: 'rejected inserts and transitions leave nothing behind after a reopen, and deletions stay deleted',
    needsReopen: true,
    async run(context) {
      const catalog = context.catalog;
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('rejections');
      await catalog.insertEntries([newEntry(id, 'taken', sha), newEntry(id, 'deleted', sha, { position: 1 })]);
      await expectCode(() => catalog.insertEntries([newEntry(id, 'fresh', sha), newEntry(id, 'taken', sha)]), 'STOWAGE_ALREADY_EXISTS');
      await expectCode(() => catalog.transitionEntries([{ id, filename: 'taken' }, { id, filename: 'absent' }], 'pending', 'committed'), 'STOWAGE_NOT_FOUND');
      await catalog.deleteEntries([{ id, filename: 'deleted' }]);
      const reopened = await context.reopen();
      assert.deepEqual((await reopened.listEntries(id)).map((entry) => [entry.filename, entry.state]), [['taken', 'pending']]);
      assert.equal((await blobOf(reopened, sha)).refs, 1);
      assert.equal((await entryOf(reopened, { id, filename: 'taken' })).state, 'pending');
    },
  },
];
