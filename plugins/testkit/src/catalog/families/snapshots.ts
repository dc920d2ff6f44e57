import assert from 'node:assert/strict';
import type { CatalogEntry, NewEntry } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertDeepFrozen, at, blobOf, candidateOf, entryOf, longIdOf, newEntry, presentBlob, shaOf, T0 } from '../fixtures.js';
import { collect } from '../../support.js';

const ENTRY_FIELDS = [
  'author', 'backend', 'contentType', 'createdAt', 'expiresAt', 'filename', 'id', 'path', 'plannedPath', 'position',
  'readers', 'replacedBy', 'saltKeyId', 'sha1', 'sha256', 'size', 'state', 'visibility', 'writers',
];
const BLOB_FIELDS = ['backend', 'createdAt', 'path', 'refs', 'sha1', 'sha256', 'size', 'state', 'touchedAt'];

function assertPlain(value: object, fields: readonly string[], what: string): void {
  assert.equal(Object.getPrototypeOf(value), Object.prototype, `${what} is a plain object`);
  assert.deepEqual(Object.keys(value).sort(), [...fields].sort(), `${what} has exactly the documented fields`);
}

/** The snapshots family: frozen, unshared results; dates with milliseconds. */
export const snapshotCases: readonly CatalogConformanceCase[] = [
  {
    id: 'snapshots/frozen',
    title: 'every returned entry, blob, claim and list is a frozen plain snapshot with exactly the documented fields',
    async run({ catalog }) {
      const claim = await catalog.claimBlob(candidateOf('blob'), T0);
      assertDeepFrozen(claim, 'the write claim');
      const present = await catalog.markBlobPresent(shaOf('blob'), T0);
      const reuse = await catalog.claimBlob(candidateOf('blob'), at(1));
      const sha = shaOf('blob');
      const id = longIdOf('frozen');
      const inserted = await catalog.insertEntries([newEntry(id, 'a', sha), newEntry(id, 'b', sha, { position: 1 })]);
      const replaced = await catalog.setReplacement({ id, filename: 'a' }, { id, filename: 'b' });
      const updated = await catalog.updateAccess({ id, filename: 'b' }, { visibility: 'private', readers: ['r'], writers: ['w'], expiresAt: at(5) });
      const entries: [string, CatalogEntry][] = [
        ['an inserted entry', inserted[0] as CatalogEntry],
        ['setReplacement', replaced],
        ['updateAccess', updated],
        ['getEntry', await entryOf(catalog, { id, filename: 'a' })],
        ['listEntries', (await catalog.listEntries(id))[0] as CatalogEntry],
        ['scanEntries', (await collect(catalog.scanEntries()))[0] as CatalogEntry],
      ];
      const blobs = [
        ['markBlobPresent', present],
        ['getBlob', await blobOf(catalog, sha)],
        ['scanBlobs', (await collect(catalog.scanBlobs()))[0]],
      ] as const;
      assertDeepFrozen(reuse, 'the reuse claim');
      assertDeepFrozen(inserted, 'the insertEntries result');
      assertDeepFrozen(await catalog.listEntries(id), 'the listEntries result');
      for (const [what, entry] of entries) {
        assertDeepFrozen(entry, what);
        assertPlain(entry, ENTRY_FIELDS, what);
        assert.ok(entry.createdAt instanceof Date, `${what}: createdAt is a Date`);
      }
      for (const [what, blob] of blobs) {
        assert.ok(blob !== undefined, what);
        assertDeepFrozen(blob, what);
        assertPlain(blob, BLOB_FIELDS, what);
        assert.ok(blob.createdAt instanceof Date && blob.touchedAt instanceof Date, `${what}: dates are Dates`);
      }
      assert.ok(updated.expiresAt instanceof Date);
      const deleted = await catalog.deleteEntries([{ id, filename: 'a' }]);
      assertDeepFrozen(deleted, 'the deleteEntries result');
    },
  },
  {
    id: 'snapshots/results-unshared',
    title: 'changing a returned snapshot\'s dates does not change the catalog, and later changes do not change the snapshot',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob', T0);
      const key = { id: longIdOf('unshared'), filename: 'file.txt' };
      const [inserted] = await catalog.insertEntries([newEntry(key.id, key.filename, sha, { expiresAt: at(10) })]);
      assert.ok(inserted !== undefined);
      const got = await entryOf(catalog, key);
      const blob = await blobOf(catalog, sha);
      for (const date of [inserted.createdAt, got.createdAt, got.expiresAt, blob.createdAt, blob.touchedAt]) date?.setTime(0);
      const again = await entryOf(catalog, key);
      assert.deepEqual(again.createdAt, T0);
      assert.deepEqual(again.expiresAt, at(10));
      assert.deepEqual((await blobOf(catalog, sha)).touchedAt, T0);
      const snapshot = await entryOf(catalog, key);
      const blobSnapshot = await blobOf(catalog, sha);
      await catalog.transitionEntries([key], 'pending', 'committed');
      await catalog.updateAccess(key, { visibility: 'public', readers: ['x'], writers: [], expiresAt: null });
      await catalog.setReplacement(key, { id: key.id, filename: 'other' });
      await catalog.claimBlob(candidateOf('blob'), at(99));
      assert.equal(snapshot.state, 'pending');
      assert.equal(snapshot.visibility, 'private');
      assert.deepEqual(snapshot.readers, ['bob']);
      assert.deepEqual(snapshot.expiresAt, at(10));
      assert.equal(snapshot.replacedBy, null);
      assert.equal(blobSnapshot.refs, 1);
      assert.deepEqual(blobSnapshot.touchedAt, T0);
    },
  },
  {
    id: 'snapshots/arguments-unshared',
    title: 'changing an argument after the call does not change what the catalog stored',
    async run({ catalog }) {
      const now = new Date(T0.getTime());
      const candidate = { ...candidateOf('blob') };
      await catalog.claimBlob(candidate, now);
      now.setTime(0);
      candidate.path = 'moved';
      const sha = shaOf('blob');
      await catalog.markBlobPresent(sha, T0);
      assert.deepEqual((await blobOf(catalog, sha)).createdAt, T0);
      assert.equal((await blobOf(catalog, sha)).path, candidateOf('blob').path);

      const readers = ['bob'];
      const createdAt = new Date(T0.getTime());
      const expiresAt = new Date(at(60).getTime());
      const entry: { -readonly [K in keyof NewEntry]: NewEntry[K] } = { ...newEntry(longIdOf('args'), 'a.txt', sha), readers, createdAt, expiresAt };
      await catalog.insertEntries([entry]);
      readers.push('mallory');
      createdAt.setTime(0);
      expiresAt.setTime(0);
      entry.filename = 'b.txt';
      entry.size = 1;
      const key = { id: longIdOf('args'), filename: 'a.txt' };
      const stored = await entryOf(catalog, key);
      assert.deepEqual(stored.readers, ['bob']);
      assert.deepEqual(stored.createdAt, T0);
      assert.deepEqual(stored.expiresAt, at(60));
      assert.equal(stored.size, 42);

      const writers = ['w'];
      const expiry = new Date(at(120).getTime());
      await catalog.updateAccess(key, { visibility: 'public', readers: [], writers, expiresAt: expiry });
      writers.push('mallory');
      expiry.setTime(0);
      const replacement = { id: key.id, filename: 'next.txt' };
      await catalog.setReplacement(key, replacement);
      replacement.filename = 'changed.txt';
      const final = await entryOf(catalog, key);
      assert.deepEqual(final.writers, ['w']);
      assert.deepEqual(final.expiresAt, at(120));
      assert.deepEqual({ ...final.replacedBy }, { id: key.id, filename: 'next.txt' });
    },
  },
  {
    id: 'snapshots/dates-milliseconds',
    title: 'dates are returned as Date objects with their milliseconds, from 1970 to 2999',
    async run({ catalog }) {
      const instants = [new Date('1970-01-01T00:00:00.001Z'), T0, new Date('2999-12-31T23:59:59.999Z'), new Date('2026-01-01T00:00:00.000Z')];
      for (const [index, instant] of instants.entries()) {
        const label = `blob-${index}`;
        await catalog.claimBlob(candidateOf(label), instant);
        const present = await catalog.markBlobPresent(shaOf(label), new Date(instant.getTime() + 1));
        assert.equal(present.createdAt.getTime(), instant.getTime(), `blob createdAt ${instant.toISOString()}`);
        assert.equal(present.touchedAt.getTime(), instant.getTime() + 1, 'blob touchedAt');
        const key = { id: longIdOf(`dates-${index}`), filename: 'f' };
        await catalog.insertEntries([newEntry(key.id, key.filename, shaOf(label), { createdAt: instant, expiresAt: new Date(instant.getTime() + 7) })]);
        const entry = await entryOf(catalog, key);
        assert.ok(entry.createdAt instanceof Date);
        assert.equal(entry.createdAt.getTime(), instant.getTime(), `entry createdAt ${instant.toISOString()}`);
        assert.equal(entry.expiresAt?.getTime(), instant.getTime() + 7, 'entry expiresAt');
        assert.equal((await blobOf(catalog, shaOf(label))).touchedAt.getTime(), instant.getTime() + 1);
      }
    },
  },
];
