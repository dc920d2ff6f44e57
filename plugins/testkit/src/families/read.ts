import assert from 'node:assert/strict';
import type { ConformanceCase } from '../case.js';
import type { ReadRange } from '@stowage/core';
import { expectCode, patternBytes, readAll, readFile, withoutLeaks, writeFile } from '../support.js';

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
    async run(context) {
      const { backend } = context;
      await writeFile(backend, 'file', 'x');
      await withoutLeaks(context, async () => {
        await expectCode(backend.read('missing'), 'STOWAGE_NOT_FOUND', 'missing file');
        await expectCode(backend.read('no/such/dir/file'), 'STOWAGE_NOT_FOUND', 'missing directory');
        await expectCode(backend.read('file/child'), 'STOWAGE_NOT_FOUND', 'below a file');
      });
    },
  },
  {
    id: 'read/directory',
    name: 'reading a directory rejects with IS_A_DIRECTORY',
    async run(context) {
      const { backend } = context;
      await writeFile(backend, 'dir/file', 'x');
      await backend.createDir('empty');
      await withoutLeaks(context, async () => {
        await expectCode(backend.read('dir'), 'STOWAGE_IS_A_DIRECTORY');
        await expectCode(backend.read('empty'), 'STOWAGE_IS_A_DIRECTORY');
      });
    },
  },
  {
    id: 'read/entry-agrees',
    name: 'the entry of a read agrees with stat (normalized path, whole size, etag), ranged or not',
    async run({ backend }) {
      await writeFile(backend, 'dir/file.bin', patternBytes(10_000));
      const stat = await backend.stat('dir/file.bin');
      const reads: Array<[string, ReadRange | undefined]> = [
        ['/dir//file.bin', undefined],
        ['dir/file.bin/', { offset: 100, length: 10 }],
        ['dir/file.bin', { suffix: 5 }],
      ];
      for (const [spelling, range] of reads) {
        const result = await backend.read(spelling, range === undefined ? {} : { range });
        await readAll(result.stream);
        const label = `${spelling} ${JSON.stringify(range)}`;
        assert.equal(result.entry.path, 'dir/file.bin', `entry.path of ${label}`);
        assert.equal(result.entry.size, 10_000, `entry.size of ${label} is the file size`);
        if (backend.capabilities.statHasEtag) assert.equal(result.entry.etag, stat.etag, `entry.etag of ${label}`);
      }
    },
  },
  {
    id: 'read/over-4-mib',
    name: 'a whole read of a file over 4 MiB carries every byte, whatever largeBytes is',
    async run({ backend }) {
      const bytes = patternBytes(4 * 1024 * 1024 + 70_000, 3);
      await writeFile(backend, 'big.bin', bytes);
      const got = await readAll((await backend.read('big.bin')).stream);
      assert.equal(got.byteLength, bytes.byteLength);
      assert.ok(got.equals(bytes));
    },
  },
  {
    id: 'read/no-short-clean-end',
    name: 'a read open while its file shrinks either fails or carries exactly `length` bytes',
    async run({ backend }) {
      await writeFile(backend, 'changing.bin', patternBytes(3_000_000, 21));
      const result = await backend.read('changing.bin');
      const iterator = result.stream[Symbol.asyncIterator]();
      let received = 0;
      const first = await iterator.next();
      if (first.done !== true) received += (first.value as Uint8Array).byteLength;
      await writeFile(backend, 'changing.bin', patternBytes(100_000, 22));
      try {
        for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) {
          received += (step.value as Uint8Array).byteLength;
        }
      } catch {
        return; // failing is a correct outcome; ending cleanly short is not
      }
      assert.equal(received, result.length, 'a clean end comes after exactly `length` bytes');
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
