import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import { expectCode, patternBytes, readAll, readFile, writeFile } from '../support.js';

/** The read family: whole reads, missing paths, directories, empty files, isolation. */
export const readCases: readonly ConformanceCase[] = [
  {
    id: 'read/whole',
    name: 'a read yields the entry and exactly the file bytes',
    async run({ backend }) {
      const bytes = patternBytes(200_000, 11);
      await writeFile(backend, 'file.bin', bytes);
      const result = await backend.read('file.bin');
      assert.equal(result.entry.path, 'file.bin');
      assert.equal(result.entry.kind, 'file');
      assert.equal(result.entry.size, bytes.byteLength);
      assert.equal(result.offset, 0);
      assert.equal(result.length, bytes.byteLength);
      assert.ok((await readAll(result.stream)).equals(bytes));
    },
  },
  {
    id: 'read/missing',
    name: 'reading a missing file rejects with NOT_FOUND, also below a missing directory or a file',
    async run({ backend }) {
      await writeFile(backend, 'file', 'x');
      await expectCode(backend.read('missing'), 'STOWAGE_NOT_FOUND', 'missing file');
      await expectCode(backend.read('no/such/dir/file'), 'STOWAGE_NOT_FOUND', 'missing directory');
      await expectCode(backend.read('file/child'), 'STOWAGE_NOT_FOUND', 'below a file');
    },
  },
  {
    id: 'read/directory',
    name: 'reading a directory rejects with IS_A_DIRECTORY',
    async run({ backend }) {
      await writeFile(backend, 'dir/file', 'x');
      await backend.createDir('empty');
      await expectCode(backend.read('dir'), 'STOWAGE_IS_A_DIRECTORY');
      await expectCode(backend.read('empty'), 'STOWAGE_IS_A_DIRECTORY');
    },
  },
  {
    id: 'read/empty-file',
    name: 'reading an empty file yields no bytes',
    async run({ backend }) {
      await backend.write('empty', []);
      const result = await backend.read('empty');
      assert.equal(result.length, 0);
      assert.equal(result.entry.size, 0);
      assert.equal((await readAll(result.stream)).byteLength, 0);
    },
  },
  {
    id: 'read/concurrent',
    name: 'concurrent reads of one file are independent',
    async run({ backend }) {
      const bytes = patternBytes(1_500_000, 5);
      await writeFile(backend, 'shared.bin', bytes);
      const results = await Promise.all(Array.from({ length: 6 }, () => readFile(backend, 'shared.bin')));
      for (const result of results) assert.ok(result.equals(bytes));
    },
  },
  {
    id: 'read/overwrite-during-read',
    name: 'a read open while the file is overwritten yields one whole version',
    appliesTo: (capabilities) => capabilities.writeIsAtomic,
    async run({ backend }) {
      const before = patternBytes(3_000_000, 21);
      const after = patternBytes(1_000_000, 22);
      await writeFile(backend, 'changing.bin', before);
      const { stream } = await backend.read('changing.bin');
      const chunks: Buffer[] = [];
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done !== true) chunks.push(Buffer.from(first.value as Uint8Array));
      await writeFile(backend, 'changing.bin', after);
      for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
        chunks.push(Buffer.from(step.value as Uint8Array));
      }
      const seen = Buffer.concat(chunks);
      assert.ok(seen.equals(before) || seen.equals(after), 'the read yields the old or the new content entirely');
      assert.ok((await readFile(backend, 'changing.bin')).equals(after));
    },
  },
];
