import assert from 'node:assert/strict';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertRefs, assertUnchanged, at, blobOf, candidateOf, entryOf, keyOf, longIdOf, newEntry, presentBlob, shaOf, T0 } from '../fixtures.js';
import { expectCode } from '../../support.js';

/** The blob family: the claimBlob state machine and the collector's side of blob rows. */
export const blobCases: readonly CatalogConformanceCase[] = [
  {
    id: 'blobs/claim-absent',
    title: 'claiming an unknown blob inserts a writing row with no references at the candidate location and answers write',
    async run({ catalog }) {
      const candidate = candidateOf('fresh', { size: 1234 });
      const claim = await catalog.claimBlob(candidate, T0);
      assert.equal(claim.kind, 'write');
      const expected = { ...candidate, state: 'writing', refs: 0, createdAt: T0, touchedAt: T0 };
      assert.ok(claim.kind === 'write');
      assert.deepEqual({ ...claim.blob }, expected, 'the answer holds the new row');
      assert.deepEqual({ ...(await blobOf(catalog, candidate.sha256)) }, expected, 'getBlob holds the new row');
      assert.equal(await catalog.getBlob(shaOf('never-claimed')), undefined, 'an unknown blob has no row');
    },
  },
  {
    id: 'blobs/claim-writing-waits',
    title: 'claiming a blob that is being written answers wait and changes nothing',
    async run({ catalog }) {
      await catalog.claimBlob(candidateOf('busy'), T0);
      await assertUnchanged(catalog, [], [shaOf('busy')], async () => {
        const again = await catalog.claimBlob(candidateOf('busy', { backend: 'shard-b', path: 'elsewhere' }), at(5_000));
        assert.deepEqual(again, { kind: 'wait' });
      }, 'a second claim');
    },
  },
  {
    id: 'blobs/claim-present-reuses',
    title: 'claiming a present blob answers reuse with the stored location and moves touchedAt to now',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'stored', T0);
      const before = await blobOf(catalog, sha);
      const claim = await catalog.claimBlob(candidateOf('stored', { backend: 'shard-b', path: 'other/place' }), at(60_000));
      assert.equal(claim.kind, 'reuse');
      assert.ok(claim.kind === 'reuse');
      const expected = { ...before, touchedAt: at(60_000) };
      assert.deepEqual({ ...claim.blob }, expected, 'the stored location, not the candidate\'s');
      assert.deepEqual({ ...(await blobOf(catalog, sha)) }, expected, 'only touchedAt changed');
    },
  },
  {
    id: 'blobs/claim-deleting-waits',
    title: 'claiming a blob the collector is deleting answers wait and changes nothing',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'doomed', T0);
      assert.equal(await catalog.claimBlobForDeletion(sha, at(1)), true);
      await assertUnchanged(catalog, [], [sha], async () => {
        assert.deepEqual(await catalog.claimBlob(candidateOf('doomed'), at(10_000)), { kind: 'wait' });
      }, 'claiming a deleting blob');
      assert.equal((await blobOf(catalog, sha)).state, 'deleting');
    },
  },
  {
    id: 'blobs/claim-lost-rewrites',
    title: 'claiming a lost blob resets it to writing at the candidate location, keeping its references, and answers write',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'damaged', T0);
      const key = { id: longIdOf('lost-owner'), filename: 'a.bin' };
      await catalog.insertEntries([newEntry(key.id, key.filename, sha)]);
      assert.equal(await catalog.markBlobLost(sha), 1);
      const candidate = candidateOf('damaged', { backend: 'shard-b', path: 'fresh/copy' });
      const claim = await catalog.claimBlob(candidate, at(1_000));
      assert.equal(claim.kind, 'write');
      assert.ok(claim.kind === 'write');
      for (const blob of [claim.blob, await blobOf(catalog, sha)]) {
        assert.equal(blob.state, 'writing');
        assert.equal(blob.backend, 'shard-b');
        assert.equal(blob.path, 'fresh/copy');
        assert.equal(blob.refs, 1, 'the lost entry still references the blob');
        assert.deepEqual(blob.touchedAt, at(1_000));
      }
      const present = await catalog.markBlobPresent(sha, at(2_000));
      assert.equal(present.state, 'present');
      assert.equal(present.path, 'fresh/copy');
      assert.equal((await entryOf(catalog, key)).state, 'lost', 'a lost entry stays lost');
    },
  },
  {
    id: 'blobs/mark-present',
    title: 'markBlobPresent turns a writing blob present, and is NOT_FOUND for an absent, present, deleting or lost blob',
    async run({ catalog }) {
      await expectCode(() => catalog.markBlobPresent(shaOf('absent'), T0), 'STOWAGE_NOT_FOUND', 'absent');
      await catalog.claimBlob(candidateOf('b'), T0);
      const present = await catalog.markBlobPresent(shaOf('b'), at(500));
      assert.deepEqual({ ...present }, { ...candidateOf('b'), state: 'present', refs: 0, createdAt: T0, touchedAt: at(500) });
      assert.deepEqual({ ...(await blobOf(catalog, shaOf('b'))) }, { ...present });
      await expectCode(() => catalog.markBlobPresent(shaOf('b'), at(600)), 'STOWAGE_NOT_FOUND', 'present');
      assert.equal(await catalog.claimBlobForDeletion(shaOf('b'), at(10_000)), true);
      await expectCode(() => catalog.markBlobPresent(shaOf('b'), at(700)), 'STOWAGE_NOT_FOUND', 'deleting');
      await presentBlob(catalog, 'c');
      await catalog.markBlobLost(shaOf('c'));
      await expectCode(() => catalog.markBlobPresent(shaOf('c'), at(800)), 'STOWAGE_NOT_FOUND', 'lost');
      assert.equal((await blobOf(catalog, shaOf('b'))).state, 'deleting');
      assert.equal((await blobOf(catalog, shaOf('c'))).state, 'lost');
    },
  },
  {
    id: 'blobs/release-writing',
    title: 'releasing an unreferenced writing claim removes the row, so the next claim answers write',
    async run({ catalog }) {
      await catalog.claimBlob(candidateOf('failed'), T0);
      await catalog.releaseBlob(shaOf('failed'));
      assert.equal(await catalog.getBlob(shaOf('failed')), undefined);
      assert.equal((await catalog.claimBlob(candidateOf('failed'), at(1))).kind, 'write');
    },
  },
  {
    id: 'blobs/release-idempotent',
    title: 'releasing a blob that is absent, present, deleting or lost changes nothing, also twice',
    async run({ catalog }) {
      const present = await presentBlob(catalog, 'present');
      const deleting = await presentBlob(catalog, 'deleting');
      await catalog.claimBlobForDeletion(deleting, at(1));
      const lost = await presentBlob(catalog, 'lost');
      await catalog.markBlobLost(lost);
      const absent = shaOf('absent');
      await assertUnchanged(catalog, [], [present, deleting, lost, absent], async () => {
        for (const sha of [present, deleting, lost, absent, present, absent]) await catalog.releaseBlob(sha);
      }, 'releasing blobs that are not being written');
      await catalog.claimBlob(candidateOf('twice'), T0);
      await catalog.releaseBlob(shaOf('twice'));
      await catalog.releaseBlob(shaOf('twice'));
      assert.equal(await catalog.getBlob(shaOf('twice')), undefined);
    },
  },
  {
    id: 'blobs/release-keeps-referenced',
    title: 'releasing a writing claim on a blob that still has references keeps the row and its references',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'referenced');
      const key = { id: longIdOf('keeper'), filename: 'kept.txt' };
      await catalog.insertEntries([newEntry(key.id, key.filename, sha)]);
      await catalog.markBlobLost(sha);
      assert.equal((await catalog.claimBlob(candidateOf('referenced'), at(1))).kind, 'write');
      await catalog.releaseBlob(sha);
      await assertRefs(catalog, sha, 1, 'the lost entry still references the kept row');
      assert.equal((await entryOf(catalog, key)).state, 'lost');
    },
  },
  {
    id: 'blobs/release-referenced-not-stuck',
    title: 'after releasing a failed rewrite of a lost blob, the next put with good bytes may claim it (write, not wait forever)',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'again');
      await catalog.insertEntries([newEntry(longIdOf('again'), 'x', sha)]);
      await catalog.markBlobLost(sha);
      await catalog.claimBlob(candidateOf('again'), at(1));
      await catalog.releaseBlob(sha);
      assert.notEqual((await blobOf(catalog, sha)).state, 'writing', 'nobody is writing the blob any more');
      assert.equal((await catalog.claimBlob(candidateOf('again'), at(2))).kind, 'write');
    },
  },
  {
    id: 'blobs/deletion-claim',
    title: 'claimBlobForDeletion takes only a present blob without references touched before the cutoff',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'old', T0);
      await assertUnchanged(catalog, [], [sha], async () => {
        assert.equal(await catalog.claimBlobForDeletion(sha, T0), false, 'touchedAt equal to the cutoff');
        assert.equal(await catalog.claimBlobForDeletion(sha, at(-1)), false, 'touched after the cutoff');
      }, 'refused deletion claims');
      assert.equal(await catalog.claimBlobForDeletion(sha, at(1)), true);
      assert.equal((await blobOf(catalog, sha)).state, 'deleting');
      assert.equal(await catalog.claimBlobForDeletion(sha, at(1)), false, 'already deleting');

      const referenced = await presentBlob(catalog, 'referenced', T0);
      await catalog.insertEntries([newEntry(longIdOf('r'), 'r', referenced)]);
      const writing = shaOf('writing');
      await catalog.claimBlob(candidateOf('writing'), T0);
      const lost = await presentBlob(catalog, 'lost', T0);
      await catalog.markBlobLost(lost);
      const absent = shaOf('absent');
      await assertUnchanged(catalog, [], [referenced, writing, lost, absent], async () => {
        for (const other of [referenced, writing, lost, absent]) assert.equal(await catalog.claimBlobForDeletion(other, at(1_000_000)), false);
      }, 'refused deletion claims');
    },
  },
  {
    id: 'blobs/deletion-claim-after-reuse',
    title: 'a reuse claim restarts the grace period: the collector cannot take a blob a put is about to reference',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'popular', T0);
      assert.equal((await catalog.claimBlob(candidateOf('popular'), at(10_000))).kind, 'reuse');
      assert.equal(await catalog.claimBlobForDeletion(sha, at(5_000)), false);
      assert.equal(await catalog.claimBlobForDeletion(sha, at(10_001)), true);
    },
  },
  {
    id: 'blobs/forget',
    title: 'forgetBlob removes a deleting row, is idempotent for an absent one, and is NOT_FOUND for writing, present or lost rows',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'gone');
      await catalog.claimBlobForDeletion(sha, at(1));
      await catalog.forgetBlob(sha);
      assert.equal(await catalog.getBlob(sha), undefined);
      await catalog.forgetBlob(sha);
      await catalog.forgetBlob(shaOf('never'));
      const present = await presentBlob(catalog, 'present');
      await catalog.claimBlob(candidateOf('writing'), T0);
      const lost = await presentBlob(catalog, 'lost');
      await catalog.markBlobLost(lost);
      for (const other of [present, shaOf('writing'), lost]) {
        await assertUnchanged(catalog, [], [other], async () => {
          await expectCode(() => catalog.forgetBlob(other), 'STOWAGE_NOT_FOUND');
        }, 'forgetting a row that is not deleting');
      }
    },
  },
  {
    id: 'blobs/mark-lost',
    title: 'markBlobLost marks the blob and every entry referencing it lost, counting the entries it changed',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'corrupt');
      const other = await presentBlob(catalog, 'healthy');
      const id = longIdOf('mixed');
      const inserted = await catalog.insertEntries([
        newEntry(id, 'pending', sha, { position: 0 }),
        newEntry(id, 'committed', sha, { position: 1 }),
        newEntry(id, 'deleting', sha, { position: 2 }),
        newEntry(id, 'healthy', other, { position: 3 }),
        newEntry(longIdOf('elsewhere'), 'same-blob', sha),
      ]);
      await catalog.transitionEntries([{ id, filename: 'committed' }, { id, filename: 'deleting' }], 'pending', 'committed');
      await catalog.transitionEntries([{ id, filename: 'deleting' }], 'committed', 'deleting');
      assert.equal(await catalog.markBlobLost(sha), 4);
      assert.equal((await blobOf(catalog, sha)).state, 'lost');
      await assertRefs(catalog, sha, 4, 'lost entries still count');
      for (const entry of inserted) {
        assert.equal((await entryOf(catalog, keyOf(entry))).state, entry.sha256 === sha ? 'lost' : 'pending', entry.filename);
      }
      assert.equal((await blobOf(catalog, other)).state, 'present');
      assert.equal(await catalog.markBlobLost(sha), 0, 'nothing changes the second time');
      await expectCode(() => catalog.markBlobLost(shaOf('absent')), 'STOWAGE_NOT_FOUND');
    },
  },
];
