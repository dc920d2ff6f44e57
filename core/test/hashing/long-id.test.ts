import { Readable } from 'node:stream';
import t from 'tap';
import type { CatalogEntry } from '../../src/catalog/entry.js';
import { computeLongId, isLongId, toIsoMillis, verifyLongId, type LongIdEntry } from '../../src/hashing/index.js';
import { pattern } from '../helpers/hashing.js';

const CREATED_AT = new Date('2026-11-30T12:34:56.789Z');
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const SALT = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const CONTENTS = [encode('first'), pattern(100_000), encode('')];
const PATHS = ['disk:aa/bb/1', 'disk:cc/dd/2', 'nas:ee/ff/3'];

async function entriesFor(contents: readonly Uint8Array[], author = 'dana'): Promise<LongIdEntry[]> {
  const id = await computeLongId({
    uploadedAt: toIsoMillis(CREATED_AT),
    files: contents.map((bytes, index) => ({ plannedPath: PATHS[index] as string, contents: bytes })),
    author,
    salt: SALT,
  });
  return contents.map((_, position) => ({ id, position, createdAt: CREATED_AT, plannedPath: PATHS[position] as string, author }));
}

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += size) yield bytes.subarray(offset, offset + size);
}

t.test('isLongId accepts exactly 64 lowercase hex characters', async (t) => {
  t.ok(isLongId('0123456789abcdef'.repeat(4)));
  t.notOk(isLongId('0123456789ABCDEF'.repeat(4)));
  t.notOk(isLongId('0'.repeat(63)));
  t.notOk(isLongId('0'.repeat(65)));
  t.notOk(isLongId(`${'0'.repeat(63)}g`));
  t.notOk(isLongId(`${'0'.repeat(64)}\n`));
  t.notOk(isLongId(42 as unknown as string));
});

t.test('toIsoMillis writes UTC with milliseconds and refuses invalid dates', async (t) => {
  t.equal(toIsoMillis(new Date(Date.UTC(2026, 10, 30, 12, 34, 56, 789))), '2026-11-30T12:34:56.789Z');
  t.equal(toIsoMillis(new Date(0)), '1970-01-01T00:00:00.000Z');
  t.throws(() => toIsoMillis(new Date('not a date')), { code: 'STOWAGE_INVALID_ARGUMENT' });
  t.throws(() => toIsoMillis(new Date(8.64e15 + 1)), { code: 'STOWAGE_INVALID_ARGUMENT' });
  t.throws(() => toIsoMillis('2026-11-30' as unknown as Date), TypeError);
});

t.test('computeLongId reads buffers and streams alike', async (t) => {
  const uploadedAt = toIsoMillis(CREATED_AT);
  const fromBuffers = await computeLongId({
    uploadedAt,
    files: CONTENTS.map((bytes, index) => ({ plannedPath: PATHS[index] as string, contents: bytes })),
    author: 'dana',
    salt: SALT,
  });
  const fromStreams = await computeLongId({
    uploadedAt,
    files: CONTENTS.map((bytes, index) => ({
      plannedPath: PATHS[index] as string,
      contents: index === 1 ? Readable.from([Buffer.from(bytes)]) : chunksOf(bytes, 7),
    })),
    author: 'dana',
    salt: SALT,
  });
  t.equal(fromStreams, fromBuffers);
  t.ok(isLongId(fromBuffers));
});

t.test('computeLongId rejects an empty file list, bad times, bad strings and bad contents', async (t) => {
  const uploadedAt = toIsoMillis(CREATED_AT);
  const file = { plannedPath: 'disk:x', contents: encode('x') };
  await t.rejects(computeLongId({ uploadedAt, files: [], author: '', salt: SALT }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(computeLongId({ uploadedAt: '2026-11-30', files: [file], author: '', salt: SALT }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(computeLongId({ uploadedAt, files: [{ ...file, plannedPath: '\ud800' }], author: '', salt: SALT }), {
    code: 'STOWAGE_INVALID_ARGUMENT',
  });
  await t.rejects(computeLongId({ uploadedAt, files: [file], author: '', salt: 5 as unknown as string }), TypeError);
  const notContents = { plannedPath: 'disk:x', contents: 'text' as unknown as Uint8Array };
  await t.rejects(computeLongId({ uploadedAt, files: [notContents], author: '', salt: SALT }), TypeError);
  const nullContents = { plannedPath: 'disk:x', contents: null as unknown as Uint8Array };
  await t.rejects(computeLongId({ uploadedAt, files: [nullContents], author: '', salt: SALT }), TypeError);
  const badChunks = { plannedPath: 'disk:x', contents: Readable.from(['text'], { objectMode: true }) };
  await t.rejects(computeLongId({ uploadedAt, files: [badChunks], author: '', salt: SALT }), TypeError);
  const failing = {
    plannedPath: 'disk:x',
    contents: (async function* () {
      yield encode('a');
      throw new RangeError('the stream broke');
    })(),
  };
  await t.rejects(computeLongId({ uploadedAt, files: [failing], author: '', salt: SALT }), RangeError);
});

t.test('verifyLongId confirms the entries of an id from their bytes', async (t) => {
  const entries = await entriesFor(CONTENTS);
  t.equal(await verifyLongId(entries, CONTENTS, SALT), true);
  t.equal(await verifyLongId([...entries].reverse(), CONTENTS, SALT), true, 'entries are taken by position');
  t.equal(await verifyLongId(entries, CONTENTS.map((bytes) => chunksOf(bytes, 1000)), SALT), true, 'streams');
  const single = await entriesFor([encode('only')]);
  t.equal(await verifyLongId(single, [encode('only')], SALT), true);
  const catalogRow = { ...(single[0] as LongIdEntry), filename: 'only.txt', state: 'committed' } as unknown as CatalogEntry;
  t.equal(await verifyLongId([catalogRow], [encode('only')], SALT), true, 'accepts catalog rows');
});

t.test('verifyLongId answers false for a changed byte, author, salt, time, path or file order', async (t) => {
  const entries = await entriesFor(CONTENTS);
  const changed = pattern(100_000);
  changed[50_000] = 1 ^ (changed[50_000] as number);
  t.equal(await verifyLongId(entries, [CONTENTS[0], changed, CONTENTS[2]] as Uint8Array[], SALT), false, 'byte');
  t.equal(await verifyLongId(entries.map((e) => ({ ...e, author: 'eve' })), CONTENTS, SALT), false, 'author');
  t.equal(await verifyLongId(entries, CONTENTS, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 9])), false, 'salt');
  t.equal(await verifyLongId(entries, CONTENTS, 'a string salt'), false, 'salt as a string');
  const later = new Date(CREATED_AT.getTime() + 1);
  t.equal(await verifyLongId(entries.map((e) => ({ ...e, createdAt: later })), CONTENTS, SALT), false, 'time');
  t.equal(await verifyLongId(entries.map((e) => ({ ...e, plannedPath: `${e.plannedPath}x` })), CONTENTS, SALT), false, 'path');
  const swapped = [CONTENTS[1], CONTENTS[0], CONTENTS[2]] as Uint8Array[];
  t.equal(await verifyLongId(entries, swapped, SALT), false, 'contents swapped');
  const repositioned = entries.map((e) => ({ ...e, position: e.position === 0 ? 1 : e.position === 1 ? 0 : e.position }));
  t.equal(await verifyLongId(repositioned, CONTENTS, SALT), false, 'positions swapped');
  t.equal(await verifyLongId(entries.map((e) => ({ ...e, id: 'not-an-id' })), CONTENTS, SALT), false, 'malformed id');
  const otherId = 'f'.repeat(64);
  t.equal(await verifyLongId(entries.map((e) => ({ ...e, id: otherId })), CONTENTS, SALT), false, 'other id');
});

t.test('verifyLongId refuses inconsistent input with STOWAGE_INVALID_ARGUMENT', async (t) => {
  const entries = await entriesFor(CONTENTS);
  const [first, second, third] = entries as [LongIdEntry, LongIdEntry, LongIdEntry];
  const code = { code: 'STOWAGE_INVALID_ARGUMENT' };
  await t.rejects(verifyLongId([], [], SALT), code, 'no entries');
  await t.rejects(verifyLongId([first, { ...second, id: 'a'.repeat(64) }], CONTENTS.slice(0, 2), SALT), code, 'two ids');
  const later = new Date(CREATED_AT.getTime() + 1);
  await t.rejects(verifyLongId([first, { ...second, createdAt: later }], CONTENTS.slice(0, 2), SALT), code, 'two times');
  await t.rejects(verifyLongId([first, { ...second, author: 'eve' }], CONTENTS.slice(0, 2), SALT), code, 'two authors');
  await t.rejects(verifyLongId(entries, CONTENTS.slice(0, 2), SALT), code, 'fewer contents');
  await t.rejects(verifyLongId([first, second], CONTENTS, SALT), code, 'more contents');
  await t.rejects(verifyLongId([first, { ...third, position: 0 }], CONTENTS.slice(0, 2), SALT), code, 'shared position');
  await t.rejects(verifyLongId([{ ...first, createdAt: new Date(Number.NaN) }], [encode('x')], SALT), code, 'invalid date');
});
