import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { assertContent, assertMissing, expectCode, listing, writeFile } from '../support.js';

/** The delete family: files, idempotence, directories, recursion. */
export const deleteCases: readonly ConformanceCase[] = [
  {
    id: 'delete/file',
    name: 'deleting a file removes it and leaves its siblings',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/gone', 'gone');
      await writeFile(backend, 'dir/kept', 'kept');
      await backend.delete('dir/gone');
      await settle();
      await assertMissing(backend, 'dir/gone');
      await expectCode(backend.read('dir/gone'), 'STOWAGE_NOT_FOUND');
      await assertContent(backend, 'dir/kept', 'kept');
      assert.deepEqual(await listing(backend, 'dir'), ['dir/kept']);
    },
  },
  {
    id: 'delete/not-by-prefix',
    name: 'deleting a file leaves siblings whose names start with its name',
    async run({ backend, settle }) {
      for (const path of ['dir/gone', 'dir/gone.bak', 'dir/gone-2', 'dir/gonezo/x']) await writeFile(backend, path, path);
      await backend.delete('dir/gone');
      await settle();
      assert.deepEqual(await listing(backend, 'dir', true), ['dir/gone-2', 'dir/gone.bak', 'dir/gonezo/', 'dir/gonezo/x']);
    },
  },
  {
    id: 'delete/keeps-parent',
    name: 'deleting or moving away the last file of a directory keeps the directory',
    async run({ backend, settle }) {
      await writeFile(backend, 'parent/only', 'x');
      await backend.delete('parent/only');
      if (backend.rename !== undefined) {
        await writeFile(backend, 'from/only', 'x');
        await backend.rename('from/only', 'to');
      }
      await settle();
      assert.equal((await backend.stat('parent')).kind, 'directory');
      if (backend.rename !== undefined) assert.equal((await backend.stat('from')).kind, 'directory');
    },
  },
  {
    id: 'delete/idempotent',
    name: 'deleting a missing path succeeds, also twice, in a missing directory and below a file',
    async run({ backend }) {
      await writeFile(backend, 'file', 'x');
      await backend.delete('never-existed');
      await backend.delete('no/such/dir/file');
      await backend.delete('file/child');
      await backend.delete('file');
      await backend.delete('file');
      await assertMissing(backend, 'file');
    },
  },
  {
    id: 'delete/concurrent',
    name: 'concurrent deletes of one file all succeed',
    async run({ backend, settle }) {
      await writeFile(backend, 'target', 'x');
      await Promise.all(Array.from({ length: 8 }, () => backend.delete('target')));
      await settle();
      await assertMissing(backend, 'target');
    },
  },
  {
    id: 'delete/empty-directory',
    name: 'deleting an empty directory removes it',
    async run({ backend, settle }) {
      await backend.createDir('parent/empty');
      await backend.delete('parent/empty');
      await settle();
      await assertMissing(backend, 'parent/empty');
      assert.equal((await backend.stat('parent')).kind, 'directory');
    },
  },
  {
    id: 'delete/non-empty-directory',
    name: 'deleting a non-empty directory without recursive rejects with DIRECTORY_NOT_EMPTY and removes nothing',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/file', 'x');
      await backend.createDir('dir2/sub');
      await expectCode(backend.delete('dir'), 'STOWAGE_DIRECTORY_NOT_EMPTY');
      await expectCode(backend.delete('dir2'), 'STOWAGE_DIRECTORY_NOT_EMPTY');
      await settle();
      await assertContent(backend, 'dir/file', 'x');
      assert.equal((await backend.stat('dir2/sub')).kind, 'directory');
    },
  },
  {
    id: 'delete/recursive',
    name: 'a recursive delete removes the directory and everything below it, and nothing else',
    async run({ backend, settle }) {
      await writeFile(backend, 'tree/a', 'a');
      await writeFile(backend, 'tree/sub/b', 'b');
      await backend.createDir('tree/sub/empty');
      await writeFile(backend, 'tree-sibling/c', 'c');
      await writeFile(backend, 'treefile', 'd');
      await backend.delete('tree', { recursive: true });
      await settle();
      await assertMissing(backend, 'tree');
      await assertMissing(backend, 'tree/sub/b');
      assert.deepEqual(await listing(backend, '', true), ['tree-sibling/', 'tree-sibling/c', 'treefile']);
      await backend.delete('treefile', { recursive: true });
      await assertMissing(backend, 'treefile');
    },
  },
];
