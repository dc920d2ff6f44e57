import fc from 'fast-check';
import t, { type Test } from 'tap';
import {
  assertBlobCandidate,
  assertBlobScan,
  assertDate,
  assertEntryAccess,
  assertEntryKey,
  assertEntryKeys,
  assertEntryScan,
  assertEntryState,
  assertFilename,
  assertLongId,
  assertSha1,
  assertSha256,
  BLOB_STATES,
  freezeBlob,
  freezeEntry,
  validateNewEntries,
  validateNewEntry,
  type BlobRecord,
  type CatalogEntry,
  type NewEntry,
} from '../../src/catalog/index.js';
import { isStowageError } from '../../src/stowage-error.js';

const HEX64 = 'ab'.repeat(32);
const HEX40 = 'cd'.repeat(20);

function entry(overrides: Record<string, unknown> = {}): NewEntry {
  return {
    id: HEX64,
    filename: 'file.txt',
    position: 0,
    backend: 'shard-a',
    path: 'ab/cd/abcd',
    size: 0,
    sha256: HEX64,
    sha1: HEX40,
    contentType: '',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    plannedPath: '',
    author: '',
    saltKeyId: '',
    visibility: 'public',
    readers: [],
    writers: [],
    expiresAt: null,
    ...overrides,
  } as NewEntry;
}

/** Asserts `check` throws STOWAGE_INVALID_ARGUMENT; `field` names the probe in the assertion. */
function rejects(t: Test, check: () => void, field?: string): void {
  try {
    check();
    t.fail(`expected STOWAGE_INVALID_ARGUMENT${field === undefined ? '' : ` for ${field}`}`);
  } catch (error) {
    t.ok(isStowageError(error, 'STOWAGE_INVALID_ARGUMENT'), `STOWAGE_INVALID_ARGUMENT${field === undefined ? '' : ` for ${field}`}`);
  }
}

t.test('assertLongId and assertSha256 accept exactly 64 lowercase hex characters', async (t) => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
  fc.assert(fc.property(hex, (id) => {
    assertLongId(id);
    assertSha256(id);
  }));
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }).filter((value) => !/^[0-9a-f]{64}$/.test(value)), (value) => {
      rejects(t, () => assertLongId(value));
      rejects(t, () => assertSha256(value));
    }),
    { numRuns: 50 },
  );
  for (const value of [HEX64.toUpperCase(), `${HEX64}\n`, HEX64.slice(1), 42, null, undefined, { id: HEX64 }]) {
    rejects(t, () => assertLongId(value), String(value));
    rejects(t, () => assertSha256(value), String(value));
  }
});

t.test('assertSha1 accepts exactly 40 lowercase hex characters', async (t) => {
  assertSha1(HEX40);
  for (const value of [HEX40.toUpperCase(), HEX64, HEX40.slice(1), `${HEX40.slice(1)}g`, 1, null]) rejects(t, () => assertSha1(value));
});

t.test('assertFilename refuses empty names, "/", NUL, unpaired surrogates and non-strings', async (t) => {
  for (const name of ['a', '.', '..', ' ', '%', 'x'.repeat(1000), '😀', 'e\u0301', '\\']) assertFilename(name);
  for (const name of ['', '/', 'a/b', 'a\0', '\uD800', 'a\uDC00b', '\uDC00\uD800', 5, null, undefined]) rejects(t, () => assertFilename(name), JSON.stringify(name));
});

t.test('assertEntryKey and assertEntryKeys check every key and refuse empty lists', async (t) => {
  assertEntryKey({ id: HEX64, filename: 'a' });
  assertEntryKeys([{ id: HEX64, filename: 'a' }, { id: HEX64, filename: 'b' }]);
  for (const key of [null, 'key', {}, { id: HEX64 }, { filename: 'a' }, { id: 'x', filename: 'a' }]) rejects(t, () => assertEntryKey(key));
  for (const keys of [[], null, {}, [{ id: HEX64, filename: 'a' }, null]]) rejects(t, () => assertEntryKeys(keys));
});

t.test('assertDate accepts valid Dates only', async (t) => {
  assertDate(new Date(0));
  for (const value of [new Date(Number.NaN), 0, '2026-01-01', null, undefined, { getTime: () => 0 }]) rejects(t, () => assertDate(value));
});

t.test('assertEntryState accepts the four entry states', async (t) => {
  for (const state of ['pending', 'committed', 'deleting', 'lost']) assertEntryState(state);
  for (const state of ['writing', 'PENDING', '', null]) rejects(t, () => assertEntryState(state));
});

t.test('assertEntryAccess checks visibility, readers, writers and expiry', async (t) => {
  const good = { visibility: 'private', readers: ['a'], writers: [], expiresAt: null };
  assertEntryAccess(good);
  assertEntryAccess({ ...good, expiresAt: new Date() });
  const bad = [
    null,
    { ...good, visibility: 'hidden' },
    { ...good, readers: 'a' },
    { ...good, readers: [1] },
    { ...good, writers: undefined },
    { ...good, expiresAt: undefined },
    { ...good, expiresAt: new Date(Number.NaN) },
  ];
  for (const access of bad) rejects(t, () => assertEntryAccess(access));
});

t.test('assertBlobCandidate checks every field', async (t) => {
  const good = { sha256: HEX64, sha1: HEX40, size: 0, backend: 'b', path: 'p' };
  assertBlobCandidate(good);
  const bad = [null, 'c', { ...good, sha256: 'x' }, { ...good, sha1: 'x' }, { ...good, size: -1 }, { ...good, size: 1.5 }, { ...good, backend: '' }, { ...good, path: 3 }];
  for (const candidate of bad) rejects(t, () => assertBlobCandidate(candidate));
});

t.test('validateNewEntry checks the type and range of every field', async (t) => {
  validateNewEntry(entry());
  validateNewEntry(entry({ position: 7, size: Number.MAX_SAFE_INTEGER, expiresAt: new Date(), readers: ['r'], writers: ['w'] }));
  const bad: Record<string, unknown[]> = {
    id: ['X', null],
    filename: ['', 'a/b'],
    position: [-1, 0.5, Number.NaN, '0', Number.MAX_SAFE_INTEGER + 1],
    size: [-1, 0.5, Number.POSITIVE_INFINITY, null],
    sha256: [HEX64.toUpperCase(), HEX40],
    sha1: [HEX64, HEX40.toUpperCase()],
    backend: ['', 1],
    path: ['', undefined],
    contentType: [null, 1],
    plannedPath: [undefined],
    author: [null],
    saltKeyId: [0],
    createdAt: [new Date(Number.NaN), '2026-01-01'],
    visibility: ['everyone'],
    readers: [[null]],
    writers: ['w'],
    expiresAt: [undefined, 0],
  };
  for (const [field, values] of Object.entries(bad)) {
    for (const value of values) rejects(t, () => validateNewEntry(entry({ [field]: value })), `${field} = ${String(value)}`);
  }
  rejects(t, () => validateNewEntry(null));
});

t.test('validateNewEntries refuses an empty or non-array list and checks every entry', async (t) => {
  validateNewEntries([entry(), entry({ filename: 'b' })]);
  for (const entries of [[], null, 'entries', [entry(), entry({ size: -1 })]]) rejects(t, () => validateNewEntries(entries));
});

t.test('assertEntryScan and assertBlobScan accept undefined and valid filters only', async (t) => {
  assertEntryScan(undefined);
  assertEntryScan({});
  assertEntryScan({ states: ['lost'], expiredBefore: new Date(), createdBefore: new Date(), backend: 'b', sha256: HEX64 });
  for (const filter of [null, 'f', { states: 'lost' }, { states: ['gone'] }, { expiredBefore: 1 }, { createdBefore: new Date(Number.NaN) }, { backend: '' }, { sha256: 'x' }]) {
    rejects(t, () => assertEntryScan(filter), JSON.stringify(filter));
  }
  assertBlobScan(undefined);
  assertBlobScan({ states: [...BLOB_STATES], unreferencedBefore: new Date() });
  for (const filter of [null, { states: ['pending'] }, { states: 'present' }, { unreferencedBefore: 'now' }]) rejects(t, () => assertBlobScan(filter));
});

t.test('freezeEntry returns a deep-frozen copy with exactly the entry fields and fresh dates', async (t) => {
  const readers = ['r'];
  const replacedBy = { id: HEX64, filename: 'next' };
  const source = { ...entry({ readers, expiresAt: new Date(5) }), state: 'committed', replacedBy, extra: 'dropped' } as CatalogEntry;
  const frozen = freezeEntry(source);
  t.ok(Object.isFrozen(frozen) && Object.isFrozen(frozen.readers) && Object.isFrozen(frozen.writers) && Object.isFrozen(frozen.replacedBy));
  t.notOk('extra' in frozen);
  t.not(frozen.createdAt, source.createdAt);
  t.not(frozen.expiresAt, source.expiresAt);
  t.not(frozen.readers, readers);
  t.not(frozen.replacedBy, replacedBy);
  const { extra: _dropped, ...expected } = source as CatalogEntry & { extra: string };
  t.same(frozen, expected);
  readers.push('x');
  source.createdAt.setTime(0);
  replacedBy.filename = 'changed';
  t.same(frozen.readers, ['r']);
  t.equal(frozen.createdAt.getTime(), new Date('2026-01-02T03:04:05.678Z').getTime());
  t.equal(frozen.replacedBy?.filename, 'next');
  t.equal(freezeEntry({ ...frozen, replacedBy: null }).expiresAt?.getTime(), 5);
  t.equal(freezeEntry({ ...frozen, expiresAt: null }).expiresAt, null);
});

t.test('freezeBlob returns a frozen copy with fresh dates', async (t) => {
  const source: BlobRecord = { sha256: HEX64, sha1: HEX40, size: 3, backend: 'b', path: 'p', state: 'present', refs: 2, createdAt: new Date(1), touchedAt: new Date(2) };
  const frozen = freezeBlob(source);
  t.ok(Object.isFrozen(frozen));
  t.same(frozen, source);
  t.not(frozen.createdAt, source.createdAt);
  t.not(frozen.touchedAt, source.touchedAt);
});
