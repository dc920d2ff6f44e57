import assert from 'node:assert/strict';
import type { EntryKey, NewEntry } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertUnchanged, candidateOf, longIdOf, newEntry, presentBlob, shaOf, T0 } from '../fixtures.js';
import { collect, expectCode } from '../../support.js';

/** Malformed long ids and SHA-256s: wrong case, length, alphabet or type. */
const BAD_HEX_64: readonly unknown[] = [
  'A'.repeat(64),
  `${'a'.repeat(63)}F`,
  'a'.repeat(63),
  'a'.repeat(65),
  `${'a'.repeat(63)}g`,
  ` ${'a'.repeat(63)}`,
  `${'a'.repeat(64)}\n`,
  '',
  '%',
  42,
  null,
  undefined,
];

/** Malformed filenames. */
const BAD_FILENAMES: readonly unknown[] = ['', 'a/b', '/', 'a\0b', '\uD800x', 'x\uDC00', 7, null, undefined];

/** Fields of a new entry, each with values that must be rejected. */
const BAD_FIELDS: Readonly<Record<string, readonly unknown[]>> = {
  position: [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null],
  size: [-1, 2.5, Number.NaN, '10', 2 ** 53, null],
  sha1: ['A'.repeat(40), 'a'.repeat(39), 'a'.repeat(64), 'z'.repeat(40), null],
  visibility: ['secret', 'PUBLIC', '', null],
  readers: ['bob', [1], [null], null, undefined],
  writers: ['alice', [{}], null, undefined],
  createdAt: [new Date(Number.NaN), '2026-01-01T00:00:00Z', 0, null, undefined],
  expiresAt: [new Date(Number.NaN), '2026-01-01T00:00:00Z', 0, undefined],
  backend: ['', 5, null],
  path: ['', null],
  contentType: [5, null, undefined],
  plannedPath: [null, undefined],
  author: [null, undefined],
  saltKeyId: [3, undefined],
};

const INVALID = 'STOWAGE_INVALID_ARGUMENT';

function bad<T>(value: unknown): T {
  return value as T;
}

async function rejectsEverywhere(calls: Record<string, () => Promise<unknown>>): Promise<void> {
  for (const [what, call] of Object.entries(calls)) await expectCode(call, INVALID, what);
}

/** The arguments family: malformed arguments are STOWAGE_INVALID_ARGUMENT and change nothing. */
export const argumentCases: readonly CatalogConformanceCase[] = [
  {
    id: 'arguments/long-ids',
    title: 'an id that is not 64 lowercase hex is rejected by every method taking a key',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const good = { id: longIdOf('good'), filename: 'f' };
      await catalog.insertEntries([newEntry(good.id, good.filename, sha)]);
      for (const id of BAD_HEX_64) {
        const key = bad<EntryKey>({ id, filename: 'f' });
        await assertUnchanged(catalog, [good], [sha], () => rejectsEverywhere({
          getEntry: () => catalog.getEntry(key),
          listEntries: () => catalog.listEntries(bad(id)),
          insertEntries: () => catalog.insertEntries([newEntry(bad(id), 'f', sha)]),
          transitionEntries: () => catalog.transitionEntries([good, key], 'pending', 'committed'),
          deleteEntries: () => catalog.deleteEntries([good, key]),
          setReplacement: () => catalog.setReplacement(key, null),
          'setReplacement(replacement)': () => catalog.setReplacement(good, key),
          updateAccess: () => catalog.updateAccess(key, { visibility: 'public', readers: [], writers: [], expiresAt: null }),
        }), `the id ${JSON.stringify(id)}`);
      }
      for (const key of [null, undefined, 'f', {}]) await expectCode(() => catalog.getEntry(bad(key)), INVALID, `the key ${JSON.stringify(key)}`);
    },
  },
  {
    id: 'arguments/filenames',
    title: 'an empty filename, one with "/" or NUL, malformed Unicode or a non-string is rejected',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('filenames');
      for (const filename of BAD_FILENAMES) {
        const key = bad<EntryKey>({ id, filename });
        await rejectsEverywhere({
          insertEntries: () => catalog.insertEntries([newEntry(id, 'ok', sha), newEntry(id, bad(filename), sha, { position: 1 })]),
          getEntry: () => catalog.getEntry(key),
          deleteEntries: () => catalog.deleteEntries([key]),
          transitionEntries: () => catalog.transitionEntries([key], 'pending', 'committed'),
        });
      }
      assert.deepEqual(await catalog.listEntries(id), [], 'no rejected batch left an entry');
    },
  },
  {
    id: 'arguments/entry-fields',
    title: 'a new entry with a field of the wrong type or range is rejected and its whole batch is not inserted',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('fields');
      const sha256s = { sha256: BAD_HEX_64.filter((value) => value !== undefined) };
      for (const [field, values] of Object.entries({ ...BAD_FIELDS, ...sha256s })) {
        for (const value of values) {
          const broken = bad<NewEntry>({ ...newEntry(id, 'bad', sha, { position: 1 }), [field]: value });
          await expectCode(() => catalog.insertEntries([newEntry(id, 'ok', sha), broken]), INVALID, `${field}: ${String(value)}`);
        }
      }
      for (const entries of [[], null, undefined, 'entries', [null], [{}]]) await expectCode(() => catalog.insertEntries(bad(entries)), INVALID, `insertEntries(${JSON.stringify(entries)})`);
      assert.deepEqual(await catalog.listEntries(id), []);
      assert.equal((await catalog.getBlob(sha))?.refs, 0);
    },
  },
  {
    id: 'arguments/lists-and-states',
    title: 'empty or non-array key lists and unknown states are rejected',
    async run({ catalog }) {
      const key = { id: longIdOf('x'), filename: 'x' };
      await rejectsEverywhere({
        'transitionEntries([])': () => catalog.transitionEntries([], 'pending', 'committed'),
        'deleteEntries([])': () => catalog.deleteEntries([]),
        'deleteEntries(key)': () => catalog.deleteEntries(bad(key)),
        'deleteEntries(now)': () => catalog.deleteEntries([key], new Date(Number.NaN)),
        'deleteEntries(now string)': () => catalog.deleteEntries([key], bad('2026-01-01')),
        'transitionEntries(from)': () => catalog.transitionEntries([key], bad('gone'), 'committed'),
        'transitionEntries(to)': () => catalog.transitionEntries([key], 'pending', bad('Committed')),
      });
    },
  },
  {
    id: 'arguments/blobs',
    title: 'malformed SHA-256s, candidates and dates are rejected by every blob method and change nothing',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const calls = (value: unknown): Record<string, () => Promise<unknown>> => ({
        claimBlob: () => catalog.claimBlob({ ...candidateOf('other'), sha256: bad(value) }, T0),
        markBlobPresent: () => catalog.markBlobPresent(bad(value), T0),
        releaseBlob: () => catalog.releaseBlob(bad(value)),
        getBlob: () => catalog.getBlob(bad(value)),
        claimBlobForDeletion: () => catalog.claimBlobForDeletion(bad(value), T0),
        forgetBlob: () => catalog.forgetBlob(bad(value)),
        markBlobLost: () => catalog.markBlobLost(bad(value)),
      });
      await assertUnchanged(catalog, [], [sha, shaOf('other')], async () => {
        for (const value of BAD_HEX_64) await rejectsEverywhere(calls(value));
        await rejectsEverywhere({
          'claimBlob(sha1)': () => catalog.claimBlob({ ...candidateOf('other'), sha1: 'B'.repeat(40) }, T0),
          'claimBlob(size)': () => catalog.claimBlob({ ...candidateOf('other'), size: -1 }, T0),
          'claimBlob(size fraction)': () => catalog.claimBlob({ ...candidateOf('other'), size: 0.5 }, T0),
          'claimBlob(backend)': () => catalog.claimBlob({ ...candidateOf('other'), backend: '' }, T0),
          'claimBlob(path)': () => catalog.claimBlob({ ...candidateOf('other'), path: bad(null) }, T0),
          'claimBlob(candidate)': () => catalog.claimBlob(bad(null), T0),
          'claimBlob(now)': () => catalog.claimBlob(candidateOf('other'), new Date(Number.NaN)),
          'claimBlob(now string)': () => catalog.claimBlob(candidateOf('other'), bad('2026-01-01')),
          'markBlobPresent(now)': () => catalog.markBlobPresent(sha, bad(undefined)),
          'claimBlobForDeletion(cutoff)': () => catalog.claimBlobForDeletion(sha, new Date(Number.NaN)),
        });
      }, 'rejected blob calls');
    },
  },
  {
    id: 'arguments/access-and-replacement',
    title: 'malformed access or replacement is rejected and leaves the entry unchanged',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const key = { id: longIdOf('access'), filename: 'f' };
      await catalog.insertEntries([newEntry(key.id, key.filename, sha)]);
      const access = { visibility: 'public', readers: [], writers: [], expiresAt: null };
      await assertUnchanged(catalog, [key], [sha], () => rejectsEverywhere({
        visibility: () => catalog.updateAccess(key, bad({ ...access, visibility: 'everyone' })),
        readers: () => catalog.updateAccess(key, bad({ ...access, readers: 'bob' })),
        writers: () => catalog.updateAccess(key, bad({ ...access, writers: [1] })),
        expiresAt: () => catalog.updateAccess(key, bad({ ...access, expiresAt: new Date(Number.NaN) })),
        'expiresAt missing': () => catalog.updateAccess(key, bad({ ...access, expiresAt: undefined })),
        access: () => catalog.updateAccess(key, bad(null)),
        replacement: () => catalog.setReplacement(key, bad({ id: key.id, filename: 'a/b' })),
        'replacement string': () => catalog.setReplacement(key, bad('elsewhere')),
      }), 'rejected updates');
    },
  },
  {
    id: 'arguments/scan-filters',
    title: 'malformed scan filters are rejected when the scan is iterated',
    async run({ catalog }) {
      await presentBlob(catalog, 'blob');
      const entryFilters: unknown[] = [
        { states: ['gone'] }, { states: 'pending' }, { expiredBefore: new Date(Number.NaN) }, { createdBefore: '2026-01-01' },
        { backend: 5 }, { sha256: 'A'.repeat(64) }, 'filter',
      ];
      for (const filter of entryFilters) await expectCode(() => collect(catalog.scanEntries(bad(filter))), INVALID, `scanEntries(${JSON.stringify(filter)})`);
      const blobFilters: unknown[] = [{ states: ['gone'] }, { states: 'present' }, { unreferencedBefore: 'yesterday' }, { unreferencedBefore: new Date(Number.NaN) }];
      for (const filter of blobFilters) await expectCode(() => collect(catalog.scanBlobs(bad(filter))), INVALID, `scanBlobs(${JSON.stringify(filter)})`);
    },
  },
];
