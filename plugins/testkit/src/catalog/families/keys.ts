import assert from 'node:assert/strict';
import type { Catalog, EntryKey } from '@stowage/core';
import type { CatalogConformanceCase } from '../catalog-case.js';
import { assertRefs, entryOf, filenamesOf, longIdOf, newEntry, presentBlob } from '../fixtures.js';
import { collect, expectCode } from '../../support.js';

/**
 * Filenames shaped like query injections and pattern syntax of SQL (`LIKE`, `GLOB`), NoSQL
 * selectors, regular expressions and shells: each must be stored and found exactly.
 */
export const HOSTILE_FILENAMES: readonly string[] = Object.freeze([
  "'; DROP TABLE entries; --",
  "' OR '1'='1",
  '" OR ""="',
  '{"$gt":""}',
  '{"$ne":null}',
  '$where',
  '%',
  '_',
  '\\',
  '%%',
  '\\%',
  'a%',
  '%.txt',
  '_bc.txt',
  'ab_.txt',
  '*',
  '?',
  '[abc].txt',
  '.*',
  '^abc.txt$',
  '.',
  '..',
  ' ',
  'abc.txt ',
  ' abc.txt',
  '$(rm -rf ~)',
  '`id`',
  'null',
  'undefined',
  '0',
  '__proto__',
  'constructor',
  'line\nbreak',
  'tab\there',
  'semi;colon',
]);

/** Unicode filenames that must round-trip exactly, 255-byte names included. */
export const UNICODE_FILENAMES: readonly string[] = Object.freeze([
  'résumé.pdf',
  '日本語のファイル.txt',
  'файл.txt',
  'ملف.txt',
  'קובץ.txt',
  '😀🚀.png',
  '👩‍👩‍👧‍👦 family.jpg',
  'e\u0301\u0301 stacked marks',
  '\u200Bzero width',
  '\uFEFFbom',
  '\u{10FFFF}last plane',
  'x'.repeat(255),
  `${'é'.repeat(127)}x`,
  `${'😀'.repeat(63)}abc`,
]);

async function insertNames(catalog: Catalog, id: string, names: readonly string[], sha: string): Promise<EntryKey[]> {
  await catalog.insertEntries(names.map((filename, position) => newEntry(id, filename, sha, { position })));
  return names.map((filename) => ({ id, filename }));
}

async function assertAbsent(catalog: Catalog, keys: readonly EntryKey[]): Promise<void> {
  for (const key of keys) assert.equal(await catalog.getEntry(key), undefined, `${JSON.stringify(key.filename)} in ${key.id.slice(0, 8)} should not resolve`);
}

/** The keys family: exact matching of ids and filenames. */
export const keyCases: readonly CatalogConformanceCase[] = [
  {
    id: 'keys/sibling-not-resolved',
    title: '/id/def.txt does not resolve when only /id/abc.txt exists, nor do prefixes, extensions or other ids',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('sibling');
      await insertNames(catalog, id, ['abc.txt'], sha);
      await assertAbsent(catalog, [
        'def.txt', 'ABC.txt', 'abc.TXT', 'abc', 'abc.tx', 'abc.txtx', 'abc.txt.bak', 'bc.txt', 'xabc.txt', 'abc.txt ', ' abc.txt', 'abc.txt\n',
      ].map((filename) => ({ id, filename })));
      const otherId = longIdOf('sibling-other');
      await assertAbsent(catalog, [{ id: otherId, filename: 'abc.txt' }, { id: `${id.slice(0, 63)}${id.endsWith('0') ? '1' : '0'}`, filename: 'abc.txt' }]);
      assert.deepEqual(await catalog.listEntries(otherId), []);
      assert.equal((await entryOf(catalog, { id, filename: 'abc.txt' })).filename, 'abc.txt');
    },
  },
  {
    id: 'keys/case-sensitive',
    title: 'filenames that differ only in case are different entries',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('case');
      const names = ['Report.PDF', 'report.pdf', 'REPORT.PDF', 'straße', 'STRASSE', 'strasse', 'ǅ', 'ǆ'];
      await insertNames(catalog, id, names.slice(0, 1), sha);
      await assertAbsent(catalog, names.slice(1).map((filename) => ({ id, filename })));
      await catalog.insertEntries(names.slice(1).map((filename, index) => newEntry(id, filename, sha, { position: index + 1 })));
      for (const name of names) assert.equal((await entryOf(catalog, { id, filename: name })).filename, name);
      assert.deepEqual(filenamesOf(await catalog.listEntries(id)).sort(), [...names].sort());
      await catalog.deleteEntries([{ id, filename: 'report.pdf' }]);
      assert.equal((await entryOf(catalog, { id, filename: 'Report.PDF' })).filename, 'Report.PDF', 'deleting one spelling keeps the others');
      await assertRefs(catalog, sha, names.length - 1);
    },
  },
  {
    id: 'keys/nfc-nfd-distinct',
    title: 'filenames that differ only in Unicode normalization are different entries, stored exactly as given',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('normalization');
      const nfc = 'café.txt'.normalize('NFC');
      const nfd = 'café.txt'.normalize('NFD');
      assert.notEqual(nfc, nfd);
      await insertNames(catalog, id, [nfc], sha);
      assert.equal(await catalog.getEntry({ id, filename: nfd }), undefined, 'the NFD spelling does not resolve to the NFC entry');
      await catalog.insertEntries([newEntry(id, nfd, sha, { position: 1, author: 'nfd' })]);
      assert.equal((await entryOf(catalog, { id, filename: nfd })).author, 'nfd');
      assert.equal((await entryOf(catalog, { id, filename: nfc })).author, 'alice');
      assert.deepEqual(filenamesOf(await catalog.listEntries(id)), [nfc, nfd], 'each spelling is returned unchanged');
    },
  },
  {
    id: 'keys/hostile-filenames',
    title: 'injection-shaped and wildcard filenames are stored and found exactly',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('hostile');
      await insertNames(catalog, id, ['abc.txt', ...HOSTILE_FILENAMES], sha);
      for (const filename of HOSTILE_FILENAMES) {
        const entry = await entryOf(catalog, { id, filename });
        assert.equal(entry.filename, filename);
      }
      assert.deepEqual(filenamesOf(await catalog.listEntries(id)), ['abc.txt', ...HOSTILE_FILENAMES]);
      await assertRefs(catalog, sha, HOSTILE_FILENAMES.length + 1, 'no row was dropped or doubled');
    },
  },
  {
    id: 'keys/wildcards-match-nothing',
    title: 'wildcard and injection-shaped filenames never resolve, transition or delete other entries',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('wildcards');
      const real = ['abc.txt', 'xbc.txt', 'Abc.txt', 'a\\b'];
      await insertNames(catalog, id, real, sha);
      const probes = HOSTILE_FILENAMES.filter((name) => !real.includes(name));
      await assertAbsent(catalog, probes.map((filename) => ({ id, filename })));
      for (const filename of probes) {
        await expectCode(() => catalog.transitionEntries([{ id, filename }], 'pending', 'committed'), 'STOWAGE_NOT_FOUND', `transitioning ${JSON.stringify(filename)}`);
        await expectCode(() => catalog.setReplacement({ id, filename }, null), 'STOWAGE_NOT_FOUND', `replacing ${JSON.stringify(filename)}`);
      }
      assert.deepEqual(await catalog.deleteEntries(probes.map((filename) => ({ id, filename }))), [], 'deleting the probes deletes nothing');
      assert.deepEqual(filenamesOf(await catalog.listEntries(id)), real);
      assert.ok((await catalog.listEntries(id)).every((entry) => entry.state === 'pending'));
      await assertRefs(catalog, sha, real.length);
    },
  },
  {
    id: 'keys/unicode',
    title: 'Unicode filenames (astral, RTL, combining, zero-width, 255-byte) round-trip exactly and stay distinct',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const id = longIdOf('unicode');
      assert.ok(UNICODE_FILENAMES.some((name) => Buffer.byteLength(name) === 255));
      await insertNames(catalog, id, UNICODE_FILENAMES, sha);
      for (const filename of UNICODE_FILENAMES) assert.equal((await entryOf(catalog, { id, filename })).filename, filename);
      assert.deepEqual(filenamesOf(await catalog.listEntries(id)), UNICODE_FILENAMES);
      assert.deepEqual(filenamesOf(await collect(catalog.scanEntries({ sha256: sha }))).sort(), [...UNICODE_FILENAMES].sort());
      await assertAbsent(catalog, [{ id, filename: 'x'.repeat(254) }, { id, filename: 'x'.repeat(256) }, { id, filename: 'e\u0301 stacked marks' }]);
    },
  },
  {
    id: 'keys/same-filename-other-ids',
    title: 'the same filename under different ids names different entries',
    async run({ catalog }) {
      const sha = await presentBlob(catalog, 'blob');
      const ids = ['a', 'b', 'c'].map(longIdOf);
      for (const [index, id] of ids.entries()) await catalog.insertEntries([newEntry(id, 'index.html', sha, { size: index })]);
      for (const [index, id] of ids.entries()) assert.equal((await entryOf(catalog, { id, filename: 'index.html' })).size, index);
      await catalog.deleteEntries([{ id: ids[1] as string, filename: 'index.html' }]);
      assert.deepEqual(await Promise.all(ids.map(async (id) => (await catalog.listEntries(id)).length)), [1, 0, 1]);
    },
  },
];
