import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ConformanceCase } from '../case.js';
import {
  assertContent,
  assertMissing,
  bytesOf,
  expectCode,
  listing,
  patternBytes,
  readFile,
  writeFile,
} from '../support.js';

async function* failingAfter(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
  throw new Error('source failed');
}

/** The write family: create, overwrite, empty, parents, source shapes, expectations, failures. */
export const writeCases: readonly ConformanceCase[] = [
  {
    id: 'write/new-file',
    name: 'a written file reads back with the same bytes, and write returns its entry',
    async run({ backend, settle }) {
      const bytes = patternBytes(100_000);
      const entry = await backend.write('new.bin', [bytes]);
      assert.equal(entry.path, 'new.bin');
      assert.equal(entry.kind, 'file');
      assert.equal(entry.size, bytes.byteLength);
      await settle();
      assert.equal((await backend.stat('new.bin')).size, bytes.byteLength);
      assert.ok((await readFile(backend, 'new.bin')).equals(bytes));
    },
  },
  {
    id: 'write/overwrite',
    name: 'writing over a file replaces its whole content, longer or shorter',
    async run({ backend, settle }) {
      await writeFile(backend, 'file.txt', 'a long first version of the content');
      await writeFile(backend, 'file.txt', 'short');
      await settle();
      await assertContent(backend, 'file.txt', 'short');
      await writeFile(backend, 'file.txt', 'a longer third version');
      await settle();
      await assertContent(backend, 'file.txt', 'a longer third version');
      assert.equal((await backend.stat('file.txt')).size, 22);
    },
  },
  {
    id: 'write/empty',
    name: 'an empty source stores an empty file',
    async run({ backend, settle }) {
      const entry = await backend.write('empty', []);
      assert.equal(entry.size, 0);
      await backend.write('empty-chunks', (async function* () {
        yield new Uint8Array(0);
        yield Buffer.alloc(0);
      })());
      await settle();
      for (const path of ['empty', 'empty-chunks']) {
        const stat = await backend.stat(path);
        assert.equal(stat.kind, 'file');
        assert.equal(stat.size, 0);
        assert.equal((await readFile(backend, path)).byteLength, 0);
      }
    },
  },
  {
    id: 'write/parents',
    name: 'missing parent directories are created',
    async run({ backend, settle }) {
      await writeFile(backend, 'a/b/c/file.txt', 'deep');
      await settle();
      assert.equal((await backend.stat('a')).kind, 'directory');
      assert.equal((await backend.stat('a/b/c')).kind, 'directory');
      assert.deepEqual(await listing(backend, '', true), ['a/', 'a/b/', 'a/b/c/', 'a/b/c/file.txt']);
    },
  },
  {
    id: 'write/source-shapes',
    name: 'arrays, generators, Readable streams and buffer views with offsets are all accepted',
    async run({ backend }) {
      const backing = Buffer.from('xxhello viewxx');
      const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, 10);
      await backend.write('array', [bytesOf('he'), new Uint8Array(0), bytesOf('llo')]);
      await backend.write('view', [view]);
      await backend.write('readable', Readable.from([bytesOf('from '), bytesOf('a stream')]));
      await backend.write('sync-generator', (function* () {
        yield bytesOf('sync ');
        yield bytesOf('generator');
      })());
      await assertContent(backend, 'array', 'hello');
      await assertContent(backend, 'view', 'hello view');
      await assertContent(backend, 'readable', 'from a stream');
      await assertContent(backend, 'sync-generator', 'sync generator');
    },
  },
  {
    id: 'write/size-short',
    name: 'a source shorter than the expected size is rejected with SIZE_MISMATCH and nothing is stored',
    async run({ backend, settle }) {
      await expectCode(backend.write('short', [bytesOf('12345')], { size: 6 }), 'STOWAGE_SIZE_MISMATCH');
      await writeFile(backend, 'existing', 'old');
      await expectCode(backend.write('existing', [bytesOf('12345')], { size: 10 }), 'STOWAGE_SIZE_MISMATCH');
      await settle();
      await assertMissing(backend, 'short');
      await assertContent(backend, 'existing', 'old');
    },
  },
  {
    id: 'write/size-long',
    name: 'a source longer than the expected size is rejected with SIZE_MISMATCH and the previous content is intact',
    async run({ backend, settle }) {
      await writeFile(backend, 'existing', 'old');
      await expectCode(backend.write('existing', [bytesOf('1234'), bytesOf('5678')], { size: 5 }), 'STOWAGE_SIZE_MISMATCH');
      await expectCode(backend.write('new', [bytesOf('1')], { size: 0 }), 'STOWAGE_SIZE_MISMATCH');
      await settle();
      await assertContent(backend, 'existing', 'old');
      await assertMissing(backend, 'new');
    },
  },
  {
    id: 'write/size-met-then-fails',
    name: 'a source that reaches its expected size and then throws or yields more commits nothing',
    async run({ backend, settle }) {
      async function* exactThenThrow(): AsyncGenerator<Uint8Array> {
        yield bytesOf('12345');
        throw new Error('late failure');
      }
      await writeFile(backend, 'existing', 'old');
      await expectCode(backend.write('existing', exactThenThrow(), { size: 5 }), 'STOWAGE_ABORTED', 'throw after size');
      await expectCode(backend.write('existing', [bytesOf('12345'), bytesOf('6')], { size: 5 }), 'STOWAGE_SIZE_MISMATCH', 'extra chunk');
      await expectCode(backend.write('new', exactThenThrow(), { size: 5 }), 'STOWAGE_ABORTED', 'new file');
      await settle();
      await assertContent(backend, 'existing', 'old');
      await assertMissing(backend, 'new');
    },
  },
  {
    id: 'write/non-byte-chunks',
    name: 'chunks that are not Uint8Arrays reject with TypeError and store nothing',
    async run({ backend }) {
      await assert.rejects(backend.write('strings', ['text'] as unknown as Uint8Array[]), TypeError, 'a string chunk');
      await assert.rejects(backend.write('numbers', [[1, 2, 3]] as unknown as Uint8Array[]), TypeError, 'an array chunk');
      await assertMissing(backend, 'strings');
      await assertMissing(backend, 'numbers');
    },
  },
  {
    id: 'write/expectations-met',
    name: 'a source matching its expected size and digests is stored',
    async run({ backend }) {
      const bytes = patternBytes(5000);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const sha1 = createHash('sha1').update(bytes).digest('hex').toUpperCase();
      await backend.write('a', [bytes], { size: 5000, digest: { algorithm: 'sha256', hex: sha256 } });
      await backend.write('b', [bytes], { digest: { algorithm: 'sha1', hex: sha1 } });
      await backend.write('empty', [], { size: 0 });
      await assertContent(backend, 'a', bytes);
      await assertContent(backend, 'b', bytes);
    },
  },
  {
    id: 'write/digest-mismatch',
    name: 'a digest mismatch is rejected with DIGEST_MISMATCH and the previous content is intact',
    async run({ backend, settle }) {
      await writeFile(backend, 'existing', 'old');
      const wrong = createHash('sha256').update('something else').digest('hex');
      await expectCode(
        backend.write('existing', [bytesOf('new')], { digest: { algorithm: 'sha256', hex: wrong } }),
        'STOWAGE_DIGEST_MISMATCH',
      );
      await expectCode(
        backend.write('new', [bytesOf('new')], { digest: { algorithm: 'sha1', hex: '0'.repeat(40) } }),
        'STOWAGE_DIGEST_MISMATCH',
      );
      await settle();
      await assertContent(backend, 'existing', 'old');
      await assertMissing(backend, 'new');
    },
  },
  {
    id: 'write/over-directory',
    name: 'writing where a directory is rejects with IS_A_DIRECTORY and keeps the directory',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/child', 'child');
      await backend.createDir('empty-dir');
      await expectCode(backend.write('dir', [bytesOf('x')]), 'STOWAGE_IS_A_DIRECTORY');
      await expectCode(backend.write('empty-dir', [bytesOf('x')]), 'STOWAGE_IS_A_DIRECTORY');
      await settle();
      assert.equal((await backend.stat('dir')).kind, 'directory');
      assert.equal((await backend.stat('empty-dir')).kind, 'directory');
      await assertContent(backend, 'dir/child', 'child');
    },
  },
  {
    id: 'write/below-file',
    name: 'writing below a file rejects with NOT_A_DIRECTORY and keeps the file',
    async run({ backend, settle }) {
      await writeFile(backend, 'file', 'a file');
      await expectCode(backend.write('file/child', [bytesOf('x')]), 'STOWAGE_NOT_A_DIRECTORY');
      await expectCode(backend.write('file/deeper/child', [bytesOf('x')]), 'STOWAGE_NOT_A_DIRECTORY');
      await settle();
      await assertContent(backend, 'file', 'a file');
    },
  },
  {
    id: 'write/failing-source',
    name: 'a source that throws is rejected with ABORTED and commits nothing',
    async run({ backend, settle }) {
      await writeFile(backend, 'existing', 'old');
      const aborted = await expectCode(backend.write('existing', failingAfter(bytesOf('partial'))), 'STOWAGE_ABORTED');
      assert.ok(aborted.cause instanceof Error, 'the source error is the cause');
      await expectCode(backend.write('new', failingAfter(patternBytes(300_000))), 'STOWAGE_ABORTED');
      await settle();
      await assertContent(backend, 'existing', 'old');
      await assertMissing(backend, 'new');
    },
  },
  {
    id: 'write/no-leftovers',
    name: 'failed writes leave no stray entries in listings, not even new parent directories',
    async run({ backend, settle }) {
      await writeFile(backend, 'dir/kept', 'kept');
      await expectCode(backend.write('dir/a', failingAfter(bytesOf('x'))), 'STOWAGE_ABORTED');
      await expectCode(backend.write('dir/b', [bytesOf('xy')], { size: 1 }), 'STOWAGE_SIZE_MISMATCH');
      await expectCode(
        backend.write('dir/c', [bytesOf('z')], { digest: { algorithm: 'sha256', hex: '0'.repeat(64) } }),
        'STOWAGE_DIGEST_MISMATCH',
      );
      await expectCode(backend.write('fresh/deeper/a', failingAfter(bytesOf('x'))), 'STOWAGE_ABORTED');
      await expectCode(backend.write('fresh/b', [bytesOf('xy')], { size: 5 }), 'STOWAGE_SIZE_MISMATCH');
      await settle();
      assert.deepEqual(await listing(backend, '', true), ['dir/', 'dir/kept'], 'no file, and no directory made for a failed write');
    },
  },
];
