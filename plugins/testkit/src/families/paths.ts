import assert from 'node:assert/strict';
import type { Backend } from '@stowage/core';
import type { ConformanceCase } from '../case.js';
import { assertContent, expectCode, listing, writeFile } from '../support.js';

/** Names that break naive backends: reserved on Windows or SMB, URL-special, Unicode, odd dots. */
export const SPECIAL_NAMES: readonly string[] = [
  'space name.txt',
  'percent%20encoded.txt',
  'question?.txt',
  'hash#.txt',
  'colon:name.txt',
  'star*.txt',
  'quote".txt',
  'angle<brackets>.txt',
  'pipe|.txt',
  'semi;colon,comma.txt',
  "apos'trophe.txt",
  'plus+amp&eq=.txt',
  'at@dollar$.txt',
  'tilde~1.txt',
  'CON',
  'nul.txt',
  'COM1.log',
  'LPT9',
  'trailing.',
  'trailing ',
  ' leading',
  '.hidden',
  '..double-dot-prefix',
  '...',
  'x::$DATA',
  'café.txt',
  'emoji 😀.txt',
  'ÅÄÖ åäö ß.txt',
  '中文名字.txt',
  'right-to-left \u202etxt.exe',
  'zero\u200bwidth.txt',
  'Ελληνικά/日本語.txt',
  'nested dir/with space/file name.txt',
];

const INVALID_PATHS: readonly string[] = [
  '..',
  '.',
  '../escape',
  'a/../b',
  'a/./b',
  'a/..',
  'back\\slash',
  'nul\0byte',
  'line\nfeed',
  'carriage\rreturn',
  'tab\there',
  'del\x7f',
  'c1\u0085control',
  'lone\ud800surrogate',
  'lone\udc00low',
  'trailing\ud800',
  'rev\udc00\ud800ersed',
  'c1\u0080',
  'c1\u009f',
  'x'.repeat(256),
  `${'é'.repeat(128)}`,
  'a/'.repeat(520),
];

async function assertRejectsEverywhere(backend: Backend, path: string): Promise<void> {
  const label = JSON.stringify(path);
  await expectCode(backend.stat(path), 'STOWAGE_INVALID_PATH', `stat ${label}`);
  await expectCode(backend.read(path), 'STOWAGE_INVALID_PATH', `read ${label}`);
  await expectCode(backend.write(path, [Buffer.from('x')]), 'STOWAGE_INVALID_PATH', `write ${label}`);
  await expectCode(backend.delete(path), 'STOWAGE_INVALID_PATH', `delete ${label}`);
  await expectCode(backend.createDir(path), 'STOWAGE_INVALID_PATH', `createDir ${label}`);
  await expectCode(async () => {
    for await (const _ of backend.list(path)) void _;
  }, 'STOWAGE_INVALID_PATH', `list ${label}`);
  if (backend.copy !== undefined) {
    await expectCode(backend.copy(path, 'target'), 'STOWAGE_INVALID_PATH', `copy from ${label}`);
    await expectCode(backend.copy('source', path), 'STOWAGE_INVALID_PATH', `copy to ${label}`);
  }
  if (backend.rename !== undefined) {
    await expectCode(backend.rename(path, 'target'), 'STOWAGE_INVALID_PATH', `rename from ${label}`);
    await expectCode(backend.rename('source', path), 'STOWAGE_INVALID_PATH', `rename to ${label}`);
  }
}

/** The paths family: special and Unicode names, case, NFC, equivalent spellings, invalid paths. */
export const pathCases: readonly ConformanceCase[] = [
  {
    id: 'paths/special-names',
    name: 'files with special and Unicode names round-trip through write, stat, read and list',
    async run({ backend, settle }) {
      for (const name of SPECIAL_NAMES) await writeFile(backend, name, `content of ${name}`);
      await settle();
      for (const name of SPECIAL_NAMES) {
        const entry = await backend.stat(name);
        assert.equal(entry.path, name, `stat path of ${JSON.stringify(name)}`);
        assert.equal(entry.kind, 'file');
        await assertContent(backend, name, `content of ${name}`);
      }
      const files = (await listing(backend, '', true)).filter((path) => !path.endsWith('/'));
      assert.deepEqual(files, [...SPECIAL_NAMES].sort());
    },
  },
  {
    id: 'paths/case-sensitive',
    name: 'names that differ only in case are distinct files',
    async run({ backend, settle }) {
      await writeFile(backend, 'Case.txt', 'upper first');
      await writeFile(backend, 'case.txt', 'lower');
      await writeFile(backend, 'CASE.TXT', 'all upper');
      await writeFile(backend, 'dir/File', 'in dir');
      await writeFile(backend, 'DIR/file', 'in DIR');
      await settle();
      await assertContent(backend, 'Case.txt', 'upper first');
      await assertContent(backend, 'case.txt', 'lower');
      await assertContent(backend, 'CASE.TXT', 'all upper');
      await assertContent(backend, 'dir/File', 'in dir');
      await assertContent(backend, 'DIR/file', 'in DIR');
      assert.deepEqual(await listing(backend, ''), ['CASE.TXT', 'Case.txt', 'DIR/', 'case.txt', 'dir/']);
    },
  },
  {
    id: 'paths/nfc',
    name: 'NFC and NFD spellings of a name address the same file, listed in NFC',
    async run({ backend, settle }) {
      const nfd = 'cafe\u0301/re\u0301sume\u0301.txt';
      const nfc = nfd.normalize('NFC');
      await writeFile(backend, nfd, 'first');
      await settle();
      assert.equal((await backend.stat(nfc)).path, nfc);
      await assertContent(backend, nfc, 'first');
      await writeFile(backend, nfc, 'second');
      await settle();
      await assertContent(backend, nfd, 'second');
      assert.deepEqual(await listing(backend, '', true), ['café/', nfc]);
    },
  },
  {
    id: 'paths/equivalent-spellings',
    name: 'leading, trailing and repeated slashes address the same path',
    async run({ backend, settle }) {
      const entry = await backend.write('/dir//sub///file.txt/', [Buffer.from('x')]);
      assert.equal(entry.path, 'dir/sub/file.txt');
      await settle();
      assert.equal((await backend.stat('dir/sub/file.txt')).path, 'dir/sub/file.txt');
      assert.equal((await backend.stat('//dir/sub/')).path, 'dir/sub');
      assert.deepEqual(await listing(backend, '/dir/'), ['dir/sub/']);
    },
  },
  {
    id: 'paths/invalid',
    name: 'every operation rejects invalid paths with INVALID_PATH and stores nothing',
    async run({ backend, settle }) {
      await writeFile(backend, 'source', 'unchanged');
      for (const path of INVALID_PATHS) await assertRejectsEverywhere(backend, path);
      await settle();
      assert.deepEqual(await listing(backend, '', true), ['source']);
      await assertContent(backend, 'source', 'unchanged');
    },
  },
  {
    id: 'paths/longest-segment',
    name: 'a 255-byte segment and a 1024-byte path are accepted',
    async run({ backend }) {
      const segment = `${'é'.repeat(127)}x`;
      await writeFile(backend, segment, 'long segment');
      await assertContent(backend, segment, 'long segment');
      const deep = Array.from({ length: 8 }, (_, i) => `${String(i)}${'d'.repeat(126)}`).join('/');
      assert.equal(Buffer.byteLength(deep), 1023);
      await writeFile(backend, deep, 'long path');
      await assertContent(backend, deep, 'long path');
    },
  },
  {
    id: 'paths/root',
    name: 'the root cannot be read, written or deleted, not even recursively',
    async run({ backend }) {
      await expectCode(backend.read(''), 'STOWAGE_INVALID_PATH', 'read root');
      await expectCode(backend.write('/', [Buffer.from('x')]), 'STOWAGE_INVALID_PATH', 'write root');
      await expectCode(backend.delete('//'), 'STOWAGE_INVALID_PATH', 'delete root');
      await writeFile(backend, 'keep/me', 'x');
      await expectCode(backend.delete('', { recursive: true }), 'STOWAGE_INVALID_PATH', 'recursive delete of the root');
      await expectCode(backend.delete('/', { recursive: true }), 'STOWAGE_INVALID_PATH', 'recursive delete of "/"');
      assert.deepEqual(await listing(backend, '', true), ['keep/', 'keep/me'], 'nothing was deleted');
    },
  },
];
