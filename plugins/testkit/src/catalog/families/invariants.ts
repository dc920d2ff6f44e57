import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENTRY_STATES, isStowageError, type BlobState, type Catalog, type EntryKey, type EntryState, type StowageErrorCode } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertRefsInvariant, at, candidateOf, longIdOf, newEntry, shaOf } from '../fixtures.js';

/** One step of a random history; indexes pick from small pools so that steps collide often. */
type Step =
  | { readonly op: 'insert'; readonly keys: readonly number[]; readonly blob: number }
  | { readonly op: 'delete'; readonly keys: readonly number[] }
  | { readonly op: 'transition'; readonly keys: readonly number[]; readonly from: EntryState; readonly to: EntryState }
  | { readonly op: 'store' | 'lose' | 'collect' | 'abandon'; readonly blob: number };

const KEYS = 6;
const FAR_FUTURE = new Date('2999-01-01T00:00:00.000Z');
const BLOBS = 3;
const key = fc.integer({ min: 0, max: KEYS - 1 });
const blob = fc.integer({ min: 0, max: BLOBS - 1 });
const state = fc.constantFrom(...ENTRY_STATES);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), keys: fc.array(key, { minLength: 1, maxLength: 3 }), blob }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), keys: fc.array(key, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('transition' as const), keys: fc.uniqueArray(key, { minLength: 1, maxLength: 2 }), from: state, to: state }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('store' as const), blob }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('lose' as const, 'collect' as const, 'abandon' as const), blob }) },
);
/** Histories start by storing two of the blobs, so that most inserts can succeed. */
const history = fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }).map((steps): Step[] => [
  { op: 'store', blob: 0 },
  { op: 'store', blob: 1 },
  ...steps,
]);

/** What the catalog should hold, kept by the simplest possible rules. */
interface Model {
  readonly entries: Map<number, { sha: string; state: EntryState }>;
  readonly blobs: Map<string, BlobState>;
}

async function outcomeOf(action: () => Promise<unknown>): Promise<'ok' | StowageErrorCode> {
  try {
    await action();
    return 'ok';
  } catch (error) {
    if (isStowageError(error)) return error.code;
    throw error;
  }
}

/** Applies `step` to the catalog and the model, asserting the catalog answers as the model predicts. */
async function apply(catalog: Catalog, model: Model, keyAt: (index: number) => EntryKey, shaAt: (index: number) => string, labelAt: (index: number) => string, step: Step): Promise<void> {
  const refs = (sha: string): number => [...model.entries.values()].filter((entry) => entry.sha === sha).length;
  switch (step.op) {
    case 'insert': {
      const sha = shaAt(step.blob);
      const taken = step.keys.some((index, position) => model.entries.has(index) || step.keys.indexOf(index) !== position);
      const missing = model.blobs.get(sha) !== 'present';
      const expected = [...(taken ? ['STOWAGE_ALREADY_EXISTS'] : []), ...(missing ? ['STOWAGE_NOT_FOUND'] : [])];
      const got = await outcomeOf(() => catalog.insertEntries(step.keys.map((index, position) => newEntry(keyAt(index).id, keyAt(index).filename, sha, { position }))));
      assert.ok(expected.length === 0 ? got === 'ok' : expected.includes(got), `insert ${JSON.stringify(step)}: expected ${expected.join(' or ') || 'ok'}, got ${got}`);
      if (got === 'ok') for (const index of step.keys) model.entries.set(index, { sha, state: 'pending' });
      return;
    }
    case 'delete': {
      const deleted = await catalog.deleteEntries(step.keys.map(keyAt));
      const expected = new Set(step.keys.filter((index) => model.entries.has(index)));
      assert.equal(deleted.length, expected.size, `delete ${JSON.stringify(step)}: entries returned`);
      for (const index of expected) model.entries.delete(index);
      return;
    }
    case 'transition': {
      const movable = step.keys.every((index) => model.entries.get(index)?.state === step.from);
      const got = await outcomeOf(() => catalog.transitionEntries(step.keys.map(keyAt), step.from, step.to));
      assert.equal(got, movable ? 'ok' : 'STOWAGE_NOT_FOUND', `transition ${JSON.stringify(step)}`);
      if (movable) for (const index of step.keys) (model.entries.get(index) as { state: EntryState }).state = step.to;
      return;
    }
    case 'store':
    case 'abandon': {
      const sha = shaAt(step.blob);
      const before = model.blobs.get(sha);
      // Releasing a failed rewrite of a referenced lost blob is left to the blobs family.
      if (step.op === 'abandon' && before === 'lost' && refs(sha) > 0) return;
      const claim = await catalog.claimBlob(candidateOf(labelAt(step.blob)), at(0));
      const expected = before === undefined || before === 'lost' ? 'write' : before === 'present' ? 'reuse' : 'wait';
      assert.equal(claim.kind, expected, `${step.op} ${JSON.stringify(step)} from ${before ?? 'absent'}`);
      if (claim.kind !== 'write') return;
      if (step.op === 'store') {
        await catalog.markBlobPresent(sha, at(0));
        model.blobs.set(sha, 'present');
      } else {
        await catalog.releaseBlob(sha);
        model.blobs.delete(sha);
      }
      return;
    }
    case 'lose': {
      const sha = shaAt(step.blob);
      const got = await outcomeOf(() => catalog.markBlobLost(sha));
      assert.equal(got, model.blobs.has(sha) ? 'ok' : 'STOWAGE_NOT_FOUND', `lose ${JSON.stringify(step)}`);
      if (got !== 'ok') return;
      model.blobs.set(sha, 'lost');
      for (const entry of model.entries.values()) if (entry.sha === sha) entry.state = 'lost';
      return;
    }
    case 'collect': {
      const sha = shaAt(step.blob);
      const collectable = model.blobs.get(sha) === 'present' && refs(sha) === 0;
      // Far in the future: touchedAt is either a claim's `now` or the wall-clock time of a delete.
      assert.equal(await catalog.claimBlobForDeletion(sha, FAR_FUTURE), collectable, `collect ${JSON.stringify(step)}`);
      if (!collectable) return;
      await catalog.forgetBlob(sha);
      model.blobs.delete(sha);
      return;
    }
  }
}

async function assertMatches(catalog: Catalog, model: Model, keyAt: (index: number) => EntryKey, shaAt: (index: number) => string): Promise<void> {
  for (let index = 0; index < KEYS; index++) {
    const entry = await catalog.getEntry(keyAt(index));
    const expected = model.entries.get(index);
    assert.deepEqual(entry === undefined ? undefined : { sha: entry.sha256, state: entry.state }, expected, `entry ${index}`);
  }
  for (let index = 0; index < BLOBS; index++) {
    const sha = shaAt(index);
    const row = await catalog.getBlob(sha);
    assert.equal(row?.state, model.blobs.get(sha), `state of blob ${index}`);
    if (row !== undefined) assert.equal(row.refs, [...model.entries.values()].filter((entry) => entry.sha === sha).length, `refs of blob ${index}`);
  }
}

/** The invariants family: random histories checked against a model and invariant I9. */
export const invariantCases: readonly CatalogConformanceCase[] = [
  {
    id: 'invariants/random-histories',
    title: 'random histories of inserts, deletes, transitions, claims, losses and collections keep refs equal to the referencing entries (I9)',
    async run({ catalog }) {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(history, async (steps) => {
          const prefix = `history-${run++}`;
          const keyAt = (index: number): EntryKey => ({ id: longIdOf(`${prefix}-${index % 2}`), filename: `file-${index >> 1}` });
          const labelAt = (index: number): string => `${prefix}-blob-${index}`;
          const shaAt = (index: number): string => shaOf(labelAt(index));
          const model: Model = { entries: new Map(), blobs: new Map() };
          for (const each of steps) await apply(catalog, model, keyAt, shaAt, labelAt, each);
          await assertMatches(catalog, model, keyAt, shaAt);
        }),
        { numRuns: 60 },
      );
      await assertRefsInvariant(catalog);
    },
  },
];
