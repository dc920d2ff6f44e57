import assert from 'node:assert/strict';
import type { EntryKey, EntryState } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import {
  assertRefs,
  assertRefsInvariant,
  assertUnchanged,
  at,
  blobOf,
  candidateOf,
  entryOf,
  filenamesOf,
  keyOf,
  longIdOf,
  newEntry,
  presentBlob,
  shaOf,
  T0,
} from '../fixtures.js';
import { expectCode } from '../../support.js';

/** The entries family: insert, transition, delete, get and list, and the references they hold. */
export const entryCases: readonly CatalogConformanceCase[] = [
  {
    id: 'entries/insert',
    title: 'inserted entries are pending, not replaced, hold every given field, and add one reference each',
    async run({ catalog }) {
      const one = await presentBlob(catalog, 'one');
      const two = await presentBlob(catalog, 'two');
      const id = longIdOf('insert');
      const given = [
        newEntry(id, 'a.txt', one, { position: 0, expiresAt: at(86_400_000), visibility: 'public', readers: [], writers: ['w1', 'w2'] }),
        newEntry(id, 'b.txt', one, { position: 1, size: 0, author: '', contentType: 'application/octet-stream' }),
        newEntry(id, 'c.txt', two, { position: 2, backend: 'shard-b', path: 'p/q' }),
      ];
      const inserted = await catalog.insertEntries(given);
      assert.equal(inserted.length, 3);
      for (const [index, entry] of given.entries()) {
        const expected = { ...entry, state: 'pending', replacedBy: null };
        assert.deepEqual({ ...inserted[index] }, expected, `the answer for ${entry.filename}`);
        assert.deepEqual({ ...(await entryOf(catalog, keyOf(entry))) }, expected, `getEntry of ${entry.filename}`);
      }
      await assertRefs(catalog, one, 2);
      await assertRefs(catalog, two, 1);
      await assertRefsInvariant(catalog);
    },
  },
  {
    id: 'entries/insert-taken-key',
    title: 'inserting a list with one taken key rejects with ALREADY_EXISTS and inserts none of it',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('taken');
      await catalog.insertEntries([newEntry(id, 'taken.txt', sha, { author: 'first' })]);
      const fresh = [newEntry(id, 'new-1.txt', sha), newEntry(longIdOf('other'), 'new-2.txt', sha)];
      const keys = [...fresh.map(keyOf), { id, filename: 'taken.txt' }];
      await assertUnchanged(catalog, keys, [sha], async () => {
        await expectCode(() => catalog.insertEntries([...fresh, newEntry(id, 'taken.txt', sha, { author: 'second' })]), 'STOWAGE_ALREADY_EXISTS');
      }, 'a rejected insert');
      assert.equal((await entryOf(catalog, { id, filename: 'taken.txt' })).author, 'first');
      await assertRefs(catalog, sha, 1);
    },
  },
  {
    id: 'entries/insert-same-key-twice',
    title: 'inserting the same key twice in one list rejects with ALREADY_EXISTS and inserts nothing',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('twice');
      const list = [newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 }), newEntry(id, 'a', sha, { position: 2 })];
      await expectCode(() => catalog.insertEntries(list), 'STOWAGE_ALREADY_EXISTS');
      assert.deepEqual(await catalog.listEntries(id), []);
      await assertRefs(catalog, sha, 0);
    },
  },
  {
    id: 'entries/insert-needs-present-blob',
    title: 'inserting entries naming a blob that is absent, writing, deleting or lost rejects with NOT_FOUND and inserts none of them',
    async run({ catalog }) {
      const good = await presentBlob(catalog, 'good');
      await catalog.claimBlob(candidateOf('writing'), T0);
      const deleting = await presentBlob(catalog, 'deleting');
      await catalog.claimBlobForDeletion(deleting, at(1));
      const lost = await presentBlob(catalog, 'lost');
      await catalog.markBlobLost(lost);
      const id = longIdOf('needs-blob');
      for (const bad of [shaOf('absent'), shaOf('writing'), deleting, lost]) {
        const list = [newEntry(id, 'ok.txt', good), newEntry(id, 'bad.txt', bad, { position: 1 })];
        await assertUnchanged(catalog, list.map(keyOf), [good, bad], async () => {
          await expectCode(() => catalog.insertEntries(list), 'STOWAGE_NOT_FOUND');
        }, `an insert naming a blob that is not present`);
        assert.equal(await catalog.getEntry({ id, filename: 'ok.txt' }), undefined);
      }
      await assertRefs(catalog, good, 0);
    },
  },
  {
    id: 'entries/refs-every-state',
    title: 'pending, committed, deleting and lost entries all count as references, and deleting each removes one',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'shared');
      const id = longIdOf('states');
      const states: EntryState[] = ['pending', 'committed', 'deleting', 'lost'];
      await catalog.insertEntries(states.map((state, position) => newEntry(id, state, sha, { position })));
      await catalog.transitionEntries([{ id, filename: 'committed' }, { id, filename: 'deleting' }, { id, filename: 'lost' }], 'pending', 'committed');
      await catalog.transitionEntries([{ id, filename: 'deleting' }], 'committed', 'deleting');
      await catalog.transitionEntries([{ id, filename: 'lost' }], 'committed', 'lost');
      assert.deepEqual((await catalog.listEntries(id)).map((entry) => entry.state), states);
      await assertRefs(catalog, sha, 4);
      for (const [index, state] of states.entries()) {
        const deleted = await catalog.deleteEntries([{ id, filename: state }]);
        assert.deepEqual(deleted.map((entry) => entry.state), [state]);
        await assertRefs(catalog, sha, 3 - index, `after deleting the ${state} entry`);
      }
    },
  },
  {
    id: 'entries/delete',
    title: 'deleting entries returns them as they were, removes their references, and skips absent keys',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('delete');
      const inserted = await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 }), newEntry(id, 'c', sha, { position: 2 })]);
      await catalog.transitionEntries([{ id, filename: 'a' }], 'pending', 'committed');
      const deleted = await catalog.deleteEntries([{ id, filename: 'a' }, { id, filename: 'missing' }, { id: longIdOf('nowhere'), filename: 'a' }, { id, filename: 'b' }]);
      assert.deepEqual(
        deleted.map((entry) => ({ ...entry })).sort((x, y) => x.position - y.position),
        [{ ...inserted[0], state: 'committed' }, { ...inserted[1] }],
      );
      assert.equal(await catalog.getEntry({ id, filename: 'a' }), undefined);
      assert.equal(await catalog.getEntry({ id, filename: 'b' }), undefined);
      assert.deepEqual(filenamesOf(await catalog.listEntries(id)), ['c']);
      await assertRefs(catalog, sha, 1);
      assert.deepEqual(await catalog.deleteEntries([{ id, filename: 'a' }]), [], 'deleting again deletes nothing');
      await assertRefs(catalog, sha, 1);
    },
  },
  {
    id: 'entries/delete-touches-at-zero',
    title: 'removing the last reference sets the blob\'s touchedAt to the time of that call, and not before',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob', T0);
      const id = longIdOf('touch');
      await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 })]);
      await catalog.deleteEntries([{ id, filename: 'a' }]);
      assert.deepEqual((await blobOf(catalog, sha)).touchedAt, T0, 'one reference is left');
      const before = Date.now();
      await catalog.deleteEntries([{ id, filename: 'b' }]);
      const after = Date.now();
      const touched = (await blobOf(catalog, sha)).touchedAt.getTime();
      assert.ok(touched >= before && touched <= after, `touchedAt ${touched} within the call [${before}, ${after}]`);
      assert.equal(await catalog.claimBlobForDeletion(sha, new Date(touched)), false, 'the grace period starts at the last release');
      assert.equal(await catalog.claimBlobForDeletion(sha, new Date(touched + 1)), true);
    },
  },
  {
    id: 'entries/delete-touches-at-given-now',
    title: 'removing the last reference with an explicit now sets the blob\'s touchedAt to exactly that instant',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob', T0);
      const id = longIdOf('touch-now');
      await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 })]);
      await catalog.deleteEntries([{ id, filename: 'a' }], at(500));
      assert.deepEqual((await blobOf(catalog, sha)).touchedAt, T0, 'one reference is left');
      await catalog.deleteEntries([{ id, filename: 'b' }], at(777));
      assert.deepEqual((await blobOf(catalog, sha)).touchedAt, at(777));
      assert.equal(await catalog.claimBlobForDeletion(sha, at(777)), false);
      assert.equal(await catalog.claimBlobForDeletion(sha, at(778)), true);
    },
  },
  {
    id: 'entries/transition',
    title: 'transitionEntries moves every listed entry from one state to another',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('transition');
      await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 }), newEntry(id, 'c', sha, { position: 2 })]);
      await catalog.transitionEntries([{ id, filename: 'a' }, { id, filename: 'b' }], 'pending', 'committed');
      assert.deepEqual((await catalog.listEntries(id)).map((entry) => entry.state), ['committed', 'committed', 'pending']);
      await catalog.transitionEntries([{ id, filename: 'b' }], 'committed', 'deleting');
      assert.equal((await entryOf(catalog, { id, filename: 'b' })).state, 'deleting');
      await assertRefs(catalog, sha, 3, 'transitions keep references');
    },
  },
  {
    id: 'entries/transition-all-or-none',
    title: 'transitionEntries with one entry absent or in another state rejects with NOT_FOUND and moves none',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('all-or-none');
      await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 }), newEntry(id, 'c', sha, { position: 2 })]);
      await catalog.transitionEntries([{ id, filename: 'c' }], 'pending', 'committed');
      const keys: EntryKey[] = ['a', 'b', 'c'].map((filename) => ({ id, filename }));
      await assertUnchanged(catalog, keys, [sha], async () => {
        await expectCode(() => catalog.transitionEntries(keys, 'pending', 'committed'), 'STOWAGE_NOT_FOUND', 'one in another state');
        await expectCode(() => catalog.transitionEntries([keys[0] as EntryKey, { id, filename: 'missing' }], 'pending', 'committed'), 'STOWAGE_NOT_FOUND', 'one absent');
        await expectCode(() => catalog.transitionEntries([{ id: longIdOf('nowhere'), filename: 'a' }], 'pending', 'committed'), 'STOWAGE_NOT_FOUND', 'unknown id');
      }, 'rejected transitions');
    },
  },
  {
    id: 'entries/get-and-list-every-state',
    title: 'getEntry and listEntries return entries whatever their state',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('every-state');
      await catalog.insertEntries([newEntry(id, 'p', sha), newEntry(id, 'c', sha, { position: 1 }), newEntry(id, 'd', sha, { position: 2 })]);
      await catalog.transitionEntries([{ id, filename: 'c' }, { id, filename: 'd' }], 'pending', 'committed');
      await catalog.transitionEntries([{ id, filename: 'd' }], 'committed', 'deleting');
      assert.deepEqual((await catalog.listEntries(id)).map((entry) => [entry.filename, entry.state]), [['p', 'pending'], ['c', 'committed'], ['d', 'deleting']]);
      assert.equal((await entryOf(catalog, { id, filename: 'd' })).state, 'deleting');
      await catalog.markBlobLost(sha);
      assert.deepEqual((await catalog.listEntries(id)).map((entry) => entry.state), ['lost', 'lost', 'lost']);
      assert.equal(await catalog.getEntry({ id, filename: 'missing' }), undefined);
      assert.deepEqual(await catalog.listEntries(longIdOf('unknown')), []);
    },
  },
  {
    id: 'entries/list-position-order',
    title: 'listEntries returns the entries of one id in position order, whatever the insertion order and the filenames',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('order');
      const byPosition = ['zeta.txt', 'Alpha.txt', 'mid.txt', 'beta.txt', '0.txt', 'émile.txt', '10.txt', '9.txt', 'a.txt', 'B.txt', 'y', '_'];
      const order = [7, 2, 11, 0, 9, 4, 1, 10, 3, 8, 6, 5];
      for (const chunk of [order.slice(0, 5), order.slice(5)]) {
        await catalog.insertEntries(chunk.map((position) => newEntry(id, byPosition[position] as string, sha, { position })));
      }
      await catalog.insertEntries([newEntry(longIdOf('neighbour'), 'aaa', sha)]);
      const listed = await catalog.listEntries(id);
      assert.deepEqual(filenamesOf(listed), byPosition);
      assert.deepEqual(listed.map((entry) => entry.position), byPosition.map((_, position) => position));
    },
  },
  {
    id: 'entries/many',
    title: 'one insert of 1,100 entries is stored completely, listed in order and deleted in one call',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('many');
      const entries = Array.from({ length: 1_100 }, (_, position) => newEntry(id, `file-${1_100 - position}.dat`, sha, { position }));
      assert.equal((await catalog.insertEntries(entries)).length, 1_100);
      const listed = await catalog.listEntries(id);
      assert.deepEqual(filenamesOf(listed), entries.map((entry) => entry.filename));
      await assertRefs(catalog, sha, 1_100);
      assert.equal((await catalog.deleteEntries(entries.map(keyOf))).length, 1_100);
      assert.deepEqual(await catalog.listEntries(id), []);
      await assertRefs(catalog, sha, 0);
    },
  },
  {
    id: 'entries/set-replacement',
    title: 'setReplacement records and clears the replacement of an existing entry, and is NOT_FOUND for an absent one',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const key = { id: longIdOf('old'), filename: 'report.pdf' };
      const [inserted] = await catalog.insertEntries([newEntry(key.id, key.filename, sha)]);
      const replacement = { id: longIdOf('new'), filename: 'report v2.pdf' };
      const replaced = await catalog.setReplacement(key, replacement);
      assert.deepEqual({ ...replaced.replacedBy }, replacement);
      assert.deepEqual({ ...replaced, replacedBy: null }, { ...inserted }, 'nothing else changed');
      assert.deepEqual({ ...(await entryOf(catalog, key)).replacedBy }, replacement);
      const cleared = await catalog.setReplacement(key, null);
      assert.equal(cleared.replacedBy, null);
      assert.equal((await entryOf(catalog, key)).replacedBy, null);
      await expectCode(() => catalog.setReplacement({ id: key.id, filename: 'absent.pdf' }, replacement), 'STOWAGE_NOT_FOUND');
    },
  },
  {
    id: 'entries/update-access',
    title: 'updateAccess replaces visibility, readers, writers and expiry of an existing entry, and is NOT_FOUND for an absent one',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const key = { id: longIdOf('access'), filename: 'secret.txt' };
      const [inserted] = await catalog.insertEntries([newEntry(key.id, key.filename, sha)]);
      const access = { visibility: 'public' as const, readers: ['r1', 'r2', ''], writers: [], expiresAt: at(3_600_123) };
      const updated = await catalog.updateAccess(key, access);
      const expected = { ...inserted, ...access };
      assert.deepEqual({ ...updated }, expected);
      assert.deepEqual({ ...(await entryOf(catalog, key)) }, expected);
      const again = await catalog.updateAccess(key, { visibility: 'private', readers: [], writers: ['w'], expiresAt: null });
      assert.equal(again.expiresAt, null);
      assert.deepEqual({ ...(await entryOf(catalog, key)) }, { ...inserted, visibility: 'private', readers: [], writers: ['w'], expiresAt: null });
      await expectCode(() => catalog.updateAccess({ id: key.id, filename: 'absent.txt' }, access), 'STOWAGE_NOT_FOUND');
    },
  },
];
