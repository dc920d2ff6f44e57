import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { collect, expectCode, patternBytes, writeFile } from '../support.js';

/** The stat family: files, directories, the root, missing paths, times and etags. */
export const statCases: readonly ConformanceCase[] = [
  {
    id: 'stat/file',
    name: 'stat of a file reports its path, kind and size',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/file.bin', patternBytes(12_345));
      await settle();
      const entry = await backend.stat('dir/file.bin');
      assert.equal(entry.path, 'dir/file.bin');
      assert.equal(entry.kind, 'file');
      assert.equal(entry.size, 12_345);
    },
  },
  {
    id: 'stat/missing',
    name: 'stat of a missing path rejects with NOT_FOUND, also below a file',
    async run({ backend }) {
      await writeFile(backend, 'file', 'x');
      await expectCode(backend.stat('missing'), 'STOWAGE_NOT_FOUND');
      await expectCode(backend.stat('missing/deeper'), 'STOWAGE_NOT_FOUND');
      await expectCode(backend.stat('file/child'), 'STOWAGE_NOT_FOUND');
    },
  },
  {
    id: 'stat/directory',
    name: 'stat of a created or implied directory reports a directory of size 0',
    async run({ backend, settle }) {
      await backend.createDir('made');
      await writeFile(backend, 'implied/by/file', 'x');
      await settle();
      for (const path of ['made', 'implied', 'implied/by']) {
        const entry = await backend.stat(path);
        assert.equal(entry.path, path);
        assert.equal(entry.kind, 'directory');
        assert.equal(entry.size, 0);
      }
    },
  },
  {
    id: 'stat/root',
    name: 'stat of the root reports a directory with the empty path',
    async run({ backend }) {
      for (const spelling of ['', '/', '//']) {
        const entry = await backend.stat(spelling);
        assert.equal(entry.path, '');
        assert.equal(entry.kind, 'directory');
      }
    },
  },
  {
    id: 'stat/modified-at',
    name: 'modifiedAt lies within the declared precision of the moment of the write',
    appliesTo: (capabilities) => capabilities.statHasModifiedAt,
    async run({ backend, settle }) {
      const precision = backend.capabilities.modifiedAtPrecisionMs;
      const before = Date.now();
      await writeFile(backend, 'timed', 'x');
      const after = Date.now();
      await settle();
      const modifiedAt = (await backend.stat('timed')).modifiedAt;
      assert.ok(modifiedAt instanceof Date, 'modifiedAt is a Date');
      const time = modifiedAt.getTime();
      assert.ok(time >= before - precision && time <= after + precision, `modifiedAt ${time} within [${before}, ${after}] ± ${precision}`);
    },
  },
  {
    id: 'stat/etag',
    name: 'the etag stays while the file is unchanged and changes whenever its content changes',
    appliesTo: (capabilities) => capabilities.statHasEtag,
    async run({ backend, settle }) {
      await writeFile(backend, 'tagged', 'version one');
      await settle();
      const first = (await backend.stat('tagged')).etag;
      assert.ok(typeof first === 'string' && first !== '', 'a non-empty etag');
      assert.equal((await backend.stat('tagged')).etag, first, 'unchanged file, same etag');
      await writeFile(backend, 'tagged', 'version two');
      await settle();
      const second = (await backend.stat('tagged')).etag;
      assert.notEqual(second, first, 'same size, new content, new etag');
      await writeFile(backend, 'tagged', 'version two');
      await settle();
      assert.notEqual((await backend.stat('tagged')).etag, undefined);
    },
  },
  {
    id: 'stat/list-agrees',
    name: 'list entries agree with stat on kind, size and etag',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/a', patternBytes(1000));
      await writeFile(backend, 'dir/b', patternBytes(2000));
      await backend.createDir('dir/sub');
      await settle();
      for (const entry of await collect(backend.list('dir'))) {
        const stat = await backend.stat(entry.path);
        assert.equal(entry.kind, stat.kind, `kind of ${entry.path}`);
        assert.equal(entry.size, stat.size, `size of ${entry.path}`);
        if (backend.capabilities.statHasEtag && entry.kind === 'file') {
          assert.equal(entry.etag, stat.etag, `etag of ${entry.path}`);
        }
      }
    },
  },
];
