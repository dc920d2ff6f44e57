import assert from 'node:assert/strict';
import { isStowageError, type BlobClaim } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertRefs, assertRefsInvariant, at, blobOf, candidateOf, keyOf, longIdOf, newEntry, presentBlob, shaOf, T0 } from '../fixtures.js';

/** Settles every promise and counts the outcomes: values by `label`, rejections by error code. */
async function tally<T>(promises: readonly Promise<T>[], label: (value: T) => string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const outcome of await Promise.allSettled(promises)) {
    let name: string;
    if (outcome.status === 'fulfilled') name = label(outcome.value);
    else if (isStowageError(outcome.reason)) name = outcome.reason.code;
    else throw outcome.reason;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The concurrency family: racing calls are serialized, each one whole. */
export const concurrencyCases: readonly CatalogConformanceCase[] = [
  {
    id: 'concurrency/claim-one-writer',
    title: '50 concurrent claims of one new blob: exactly one answers write, the others wait, and the row is the writer\'s',
    async run({ catalog }) {
      const claims = Array.from({ length: 50 }, (_, index) => catalog.claimBlob(candidateOf('race', { path: `candidate/${index}` }), at(index)));
      const answers = await Promise.all(claims);
      const writers = answers.flatMap((answer, index) => (answer.kind === 'write' ? [index] : []));
      assert.equal(writers.length, 1, 'exactly one writer');
      assert.equal(answers.filter((answer) => answer.kind === 'wait').length, 49, 'the others wait');
      const blob = await blobOf(catalog, shaOf('race'));
      assert.equal(blob.path, `candidate/${writers[0]}`);
      assert.equal(blob.state, 'writing');
    },
  },
  {
    id: 'concurrency/claim-present-reuses',
    title: '50 concurrent claims of a present blob all answer reuse and leave it present',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'shared');
      const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => catalog.claimBlob(candidateOf('shared', { path: `p/${index}` }), at(index + 1))));
      assert.ok(answers.every((answer) => answer.kind === 'reuse'));
      const blob = await blobOf(catalog, sha);
      assert.equal(blob.state, 'present');
      assert.equal(blob.path, candidateOf('shared').path);
    },
  },
  {
    id: 'concurrency/insert-refs',
    title: '50 concurrent inserts of distinct keys referencing one blob all succeed and leave refs at 50',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'popular');
      const inserts = Array.from({ length: 50 }, (_, index) => catalog.insertEntries([newEntry(longIdOf(`owner-${index % 7}`), `file-${index}`, sha, { position: index })]));
      await Promise.all(inserts);
      await assertRefs(catalog, sha, 50);
      await assertRefsInvariant(catalog);
    },
  },
  {
    id: 'concurrency/insert-same-key',
    title: '20 concurrent inserts of one key: exactly one succeeds, the others reject with ALREADY_EXISTS, refs 1',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('contested');
      const counts = await tally(Array.from({ length: 20 }, (_, index) => catalog.insertEntries([newEntry(id, 'same.txt', sha, { author: `a${index}` })])), () => 'ok');
      assert.deepEqual(Object.fromEntries(counts), { ok: 1, STOWAGE_ALREADY_EXISTS: 19 });
      await assertRefs(catalog, sha, 1);
    },
  },
  {
    id: 'concurrency/delete-refs',
    title: 'concurrent deletes remove each entry once: refs reach 0 and every entry is returned by exactly one call',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('deletes');
      const entries = await catalog.insertEntries(Array.from({ length: 25 }, (_, position) => newEntry(id, `f${position}`, sha, { position })));
      const deletes = [...entries, ...entries].map((entry) => catalog.deleteEntries([keyOf(entry)]));
      const returned = (await Promise.all(deletes)).flat().map((entry) => entry.filename).sort();
      assert.deepEqual(returned, entries.map((entry) => entry.filename).sort());
      await assertRefs(catalog, sha, 0);
    },
  },
  {
    id: 'concurrency/transition-once',
    title: '20 concurrent transitions of one pending entry: exactly one succeeds, the others reject with NOT_FOUND',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const key = { id: longIdOf('transition'), filename: 'x' };
      await catalog.insertEntries([newEntry(key.id, key.filename, sha)]);
      const counts = await tally(Array.from({ length: 20 }, () => catalog.transitionEntries([key], 'pending', 'committed')), () => 'ok');
      assert.deepEqual(Object.fromEntries(counts), { ok: 1, STOWAGE_NOT_FOUND: 19 });
    },
  },
  {
    id: 'concurrency/collector-vs-put',
    title: 'a collector and puts racing for an old unreferenced blob never both win: a reuse answer means the blob stays present',
    async run({ catalog }) {
      for (let round = 0; round < 10; round++) {
        const label = `contested-${round}`;
        const sha = await presentBlob(catalog, label, T0);
        const put = (): Promise<BlobClaim> => catalog.claimBlob(candidateOf(label), at(10_000));
        const collect = (): Promise<boolean> => catalog.claimBlobForDeletion(sha, at(5_000));
        // Odd rounds start the collector first, even rounds a put.
        const [first, deleted, second] =
          round % 2 === 1
            ? await Promise.all([Promise.resolve().then(put), collect(), put()])
            : await Promise.all([put(), collect(), put()]);
        const reused = first.kind === 'reuse' || second.kind === 'reuse';
        assert.ok(reused !== deleted, `round ${round}: either a put reuses the blob or the collector takes it`);
        assert.equal((await blobOf(catalog, sha)).state, deleted ? 'deleting' : 'present');
      }
    },
  },
  {
    id: 'concurrency/insert-vs-delete',
    title: 'inserts and deletes racing on one blob keep refs equal to the entries that exist',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('churn');
      await catalog.insertEntries(Array.from({ length: 20 }, (_, position) => newEntry(id, `old-${position}`, sha, { position })));
      const calls: Promise<unknown>[] = [];
      for (let index = 0; index < 20; index++) {
        calls.push(catalog.deleteEntries([{ id, filename: `old-${index}` }]));
        calls.push(catalog.insertEntries([newEntry(id, `new-${index}`, sha, { position: 20 + index })]));
      }
      await Promise.all(calls);
      await assertRefs(catalog, sha, 20);
      await assertRefsInvariant(catalog);
    },
  },
];
