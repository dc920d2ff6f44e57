import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { assertContent, expectCode, listing, writeFile } from '../support.js';

/** The createDir family: creation, idempotence, parents, conflicts with files. */
export const createDirCases: readonly ConformanceCase[] = [
  {
    id: 'createDir/new',
    name: 'a created directory stats as a directory and is listed in its parent',
    async run({ backend, settle }) {
      await backend.createDir('made');
      await settle();
      assert.equal((await backend.stat('made')).kind, 'directory');
      assert.deepEqual(await listing(backend, ''), ['made/']);
    },
  },
  {
    id: 'createDir/idempotent',
    name: 'creating an existing directory, an implied one or the root succeeds and changes nothing',
    async run({ backend, settle }) {
      await writeFile(backend, 'implied/file', 'x');
      await backend.createDir('made');
      await backend.createDir('made');
      await backend.createDir('implied');
      await backend.createDir('');
      await backend.createDir('/');
      await settle();
      assert.deepEqual(await listing(backend, '', true), ['implied/', 'implied/file', 'made/']);
      await assertContent(backend, 'implied/file', 'x');
    },
  },
  {
    id: 'createDir/nested',
    name: 'creating a nested directory creates its parents',
    async run({ backend, settle }) {
      await backend.createDir('a/b/c');
      await settle();
      assert.deepEqual(await listing(backend, '', true), ['a/', 'a/b/', 'a/b/c/']);
    },
  },
  {
    id: 'createDir/file-in-the-way',
    name: 'creating a directory at or below a file rejects with NOT_A_DIRECTORY and keeps the file',
    async run({ backend, settle }) {
      await writeFile(backend, 'file', 'keep me');
      await expectCode(backend.createDir('file'), 'STOWAGE_NOT_A_DIRECTORY', 'at a file');
      await expectCode(backend.createDir('file/sub'), 'STOWAGE_NOT_A_DIRECTORY', 'below a file');
      await settle();
      await assertContent(backend, 'file', 'keep me');
    },
  },
];
