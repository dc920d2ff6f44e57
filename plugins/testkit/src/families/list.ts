import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { collect, expectCode, inParallel, listing, writeFile } from '../support.js';

/** The list family: children, recursion, the root, missing directories, files, pagination. */
export const listCases: readonly ConformanceCase[] = [
  {
    id: 'list/children',
    name: 'a listing yields the immediate children with their kinds and full paths',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/a.txt', 'a');
      await writeFile(backend, 'dir/b.txt', 'b');
      await writeFile(backend, 'dir/sub/deep.txt', 'deep');
      await writeFile(backend, 'other/x', 'x');
      // Siblings sharing the prefix: a listing filtered by string prefix would show them.
      await writeFile(backend, 'dir2/x', 'x');
      await writeFile(backend, 'dir-x/y', 'y');
      await writeFile(backend, 'dir.txt', 'z');
      await settle();
      assert.deepEqual(await listing(backend, 'dir'), ['dir/a.txt', 'dir/b.txt', 'dir/sub/']);
    },
  },
  {
    id: 'list/recursive',
    name: 'a recursive listing yields every file and directory below the path',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/a.txt', 'a');
      await writeFile(backend, 'dir/sub/deep.txt', 'deep');
      await writeFile(backend, 'dir/sub/deeper/deepest.txt', 'deepest');
      await backend.createDir('dir/empty');
      await writeFile(backend, 'other/x', 'x');
      await writeFile(backend, 'dir2/x', 'x');
      await writeFile(backend, 'dir-x/sub/y', 'y');
      await writeFile(backend, 'dir.txt', 'z');
      await settle();
      assert.deepEqual(await listing(backend, 'dir', true), [
        'dir/a.txt',
        'dir/empty/',
        'dir/sub/',
        'dir/sub/deep.txt',
        'dir/sub/deeper/',
        'dir/sub/deeper/deepest.txt',
      ]);
    },
  },
  {
    id: 'list/root',
    name: 'the root lists like any directory',
    async run({ backend, settle }) {
      assert.deepEqual(await listing(backend, ''), [], 'a fresh backend is empty');
      await writeFile(backend, 'top.txt', 'top');
      await writeFile(backend, 'dir/inner.txt', 'inner');
      await settle();
      assert.deepEqual(await listing(backend, ''), ['dir/', 'top.txt']);
      assert.deepEqual(await listing(backend, '/', true), ['dir/', 'dir/inner.txt', 'top.txt']);
    },
  },
  {
    id: 'list/missing',
    name: 'listing a directory that does not exist yields nothing',
    async run({ backend }) {
      assert.deepEqual(await listing(backend, 'no/such/dir'), []);
      assert.deepEqual(await listing(backend, 'no/such/dir', true), []);
    },
  },
  {
    id: 'list/below-file',
    name: 'listing a path below a file yields nothing: it does not exist',
    async run({ backend }) {
      await writeFile(backend, 'file.txt', 'x');
      assert.deepEqual(await listing(backend, 'file.txt/child'), []);
      assert.deepEqual(await listing(backend, 'file.txt/child/deeper', true), []);
    },
  },
  {
    id: 'list/no-duplicates',
    name: 'a subdirectory with several entries is listed once in every listing',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/sub/a', 'a');
      await writeFile(backend, 'dir/sub/b', 'b');
      await writeFile(backend, 'dir/sub/c/d', 'd');
      await writeFile(backend, 'dir/x', 'x');
      await settle();
      assert.deepEqual(await listing(backend, 'dir'), ['dir/sub/', 'dir/x']);
      assert.deepEqual(await listing(backend, ''), ['dir/']);
      assert.equal((await listing(backend, '', true)).length, 7);
    },
  },
  {
    id: 'list/fresh-after-change',
    name: 'a listing taken again after delete, copy and rename reflects them',
    async run({ backend, settle }) {
      for (const name of ['a', 'b', 'c']) await writeFile(backend, `d/${name}`, name);
      await backend.createDir('d/e');
      await settle();
      assert.deepEqual(await listing(backend, 'd'), ['d/a', 'd/b', 'd/c', 'd/e/']);
      await listing(backend, '', true);
      await backend.delete('d/a');
      await backend.delete('d/e');
      const expected = ['d/b', 'd/c'];
      if (backend.copy !== undefined) {
        await backend.copy('d/b', 'd/f');
        expected.push('d/f');
      }
      if (backend.rename !== undefined) {
        await backend.rename('d/c', 'd/g');
        expected.splice(expected.indexOf('d/c'), 1, 'd/g');
      }
      await settle();
      assert.deepEqual(await listing(backend, 'd'), [...expected].sort());
      assert.deepEqual(await listing(backend, '', true), ['d/', ...expected].sort());
    },
  },
  {
    id: 'list/file',
    name: 'listing a file rejects with NOT_A_DIRECTORY',
    async run({ backend, settle }) {
      await writeFile(backend, 'file.txt', 'x');
      await settle();
      await expectCode(collect(backend.list('file.txt')), 'STOWAGE_NOT_A_DIRECTORY');
      await expectCode(collect(backend.list('file.txt', { recursive: true })), 'STOWAGE_NOT_A_DIRECTORY');
    },
  },
  {
    id: 'list/empty-directory',
    name: 'an empty directory is listed in its parent and lists nothing itself',
    async run({ backend, settle }) {
      await backend.createDir('parent/empty');
      await settle();
      assert.deepEqual(await listing(backend, 'parent'), ['parent/empty/']);
      assert.deepEqual(await listing(backend, 'parent/empty'), []);
    },
  },
  {
    id: 'list/sizes',
    name: 'listed files carry their size, directories size 0',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/three', 'abc');
      await backend.write('dir/empty', []);
      await backend.createDir('dir/sub');
      await settle();
      const sizes = Object.fromEntries((await collect(backend.list('dir'))).map((entry) => [entry.path, entry.size]));
      assert.deepEqual(sizes, { 'dir/three': 3, 'dir/empty': 0, 'dir/sub': 0 });
    },
  },
  {
    id: 'list/pagination',
    name: 'a listing continues past 1,000 entries without repeating any',
    async run({ backend, settle }) {
      const names = Array.from({ length: 1050 }, (_, i) => `many/file-${String(i).padStart(4, '0')}.txt`);
      await inParallel(names, 16, (name) => writeFile(backend, name, name));
      await settle();
      const listed = await listing(backend, 'many');
      assert.equal(listed.length, 1050, 'entry count');
      assert.equal(new Set(listed).size, 1050, 'no repeats');
      assert.deepEqual(listed, names);
      assert.equal((await listing(backend, '', true)).length, 1051, 'recursive count');
    },
  },
];
