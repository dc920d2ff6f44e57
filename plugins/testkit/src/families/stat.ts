import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { assertMissing, collect, expectCode, patternBytes, writeFile } from '../support.js';

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
    id: 'stat/modified-at-tracks-content',
    name: 'modifiedAt stays while the file is unchanged, moves with an overwrite, and listings report the same Date',
    appliesTo: (capabilities) => capabilities.statHasModifiedAt,
    async run({ backend, settle }) {
      const precision = backend.capabilities.modifiedAtPrecisionMs;
      await writeFile(backend, 'timed', 'first');
      await settle();
      const first = (await backend.stat('timed')).modifiedAt?.getTime();
      await new Promise((resolve) => setTimeout(resolve, precision + 60));
      assert.equal((await backend.stat('timed')).modifiedAt?.getTime(), first, 'modifiedAt is stable while unchanged');
      const before = Date.now();
      await writeFile(backend, 'timed', 'second');
      const after = Date.now();
      await settle();
      const second = (await backend.stat('timed')).modifiedAt;
      assert.ok(second instanceof Date, 'modifiedAt is a Date');
      const time = second.getTime();
      assert.ok(time >= before - precision && time <= after + precision, 'an overwrite moves modifiedAt to its own time');
      const listed = (await collect(backend.list(''))).find((entry) => entry.path === 'timed');
      assert.ok(listed?.modifiedAt instanceof Date, 'the listing reports modifiedAt as a Date');
      assert.ok(Math.abs(listed.modifiedAt.getTime() - time) <= precision, 'listing and stat agree on modifiedAt');
    },
  },
  {
    id: 'stat/fresh-after-change',
    name: 'stat sees copy, rename and recursive delete at once, also for paths it reported before',
    async run({ backend, settle }) {
      await writeFile(backend, 'src', 'abc');
      await writeFile(backend, 'dst', 'a longer old content');
      await writeFile(backend, 'moved', 'm');
      await writeFile(backend, 'tree/sub/leaf', 'x');
      for (const path of ['src', 'dst', 'moved', 'tree/sub', 'tree/sub/leaf']) await backend.stat(path);
      if (backend.copy !== undefined) {
        await backend.copy('src', 'dst');
        await settle();
        assert.equal((await backend.stat('dst')).size, 3, 'the size of a copy target');
      }
      if (backend.rename !== undefined) {
        await backend.rename('moved', 'moved-to');
        await settle();
        await assertMissing(backend, 'moved', 'a renamed-away source');
      }
      await backend.delete('tree', { recursive: true });
      await settle();
      await assertMissing(backend, 'tree/sub', 'a directory below a recursively deleted one');
      await assertMissing(backend, 'tree/sub/leaf', 'a file below a recursively deleted directory');
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
