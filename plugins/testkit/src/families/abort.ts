import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import { isStowageError, type Backend } from '@stowage/core';
import type { ConformanceCase } from '../case.js';
import {
  assertContent,
  assertMissing,
  bytesOf,
  closed,
  collect,
  expectCode,
  listing,
  patternBytes,
  quiesce,
  readAll,
  within,
  withoutLeaks,
  writeFile,
} from '../support.js';

/** Waits for the first chunk without switching the stream to flowing mode. */
async function firstChunk(stream: Readable): Promise<void> {
  const step = await stream[Symbol.asyncIterator]().next();
  assert.notEqual(step.done, true, 'the stream has data');
}

/** A source that yields `first`, then waits until `signal` aborts, then ends. */
async function* stalling(first: Uint8Array, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  yield first;
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
}

async function largeFile(backend: Backend): Promise<void> {
  await writeFile(backend, 'large.bin', patternBytes(4 * 1024 * 1024, 71));
}

/** The abort family: aborted and destroyed reads and writes release everything, commit nothing. */
export const abortCases: readonly ConformanceCase[] = [
  {
    id: 'abort/read-already-aborted',
    name: 'a read with an already aborted signal rejects with ABORTED',
    async run(context) {
      const { backend } = context;
      await writeFile(backend, 'file', 'x');
      await withoutLeaks(context, async () => {
        await expectCode(backend.read('file', { signal: AbortSignal.abort() }), 'STOWAGE_ABORTED');
      });
    },
  },
  {
    id: 'abort/read-mid-stream',
    name: 'aborting a read mid-stream errors the stream with ABORTED and releases its resources',
    async run(context) {
      const { backend } = context;
      await largeFile(backend);
      await withoutLeaks(context, async () => {
        const controller = new AbortController();
        const { stream } = await backend.read('large.bin', { signal: controller.signal });
        const done = closed(stream);
        await firstChunk(stream);
        controller.abort();
        const error = await within(done, 5000, 'the stream did not close within 5 s of the abort');
        assert.ok(isStowageError(error, 'STOWAGE_ABORTED'), `the stream fails with STOWAGE_ABORTED, got ${String(error)}`);
      });
    },
  },
  {
    id: 'abort/read-destroyed',
    name: 'destroying a read stream early releases its resources',
    async run(context) {
      const { backend } = context;
      await largeFile(backend);
      await withoutLeaks(context, async () => {
        const unread = await backend.read('large.bin');
        const unreadClosed = closed(unread.stream);
        unread.stream.destroy();
        await unreadClosed;
        const partly = await backend.read('large.bin', { range: { offset: 10, length: 3_000_000 } });
        const partlyClosed = closed(partly.stream);
        await firstChunk(partly.stream);
        partly.stream.destroy();
        await partlyClosed;
      });
    },
  },
  {
    id: 'abort/write-mid-stream',
    name: 'aborting a write mid-stream rejects with ABORTED, commits nothing and releases its resources',
    async run(context) {
      const { backend, settle } = context;
      await writeFile(backend, 'existing', 'old');
      await withoutLeaks(context, async () => {
        for (const path of ['existing', 'new']) {
          const controller = new AbortController();
          async function* source(): AsyncGenerator<Uint8Array> {
            for (let i = 0; i < 64; i++) {
              if (i === 3) controller.abort();
              yield patternBytes(64 * 1024, i + 1);
            }
          }
          await expectCode(backend.write(path, source(), { signal: controller.signal }), 'STOWAGE_ABORTED', path);
        }
      });
      await settle();
      await assertContent(backend, 'existing', 'old');
      await assertMissing(backend, 'new');
      assert.deepEqual(await listing(backend, '', true), ['existing']);
    },
  },
  {
    id: 'abort/write-stalled-source',
    name: 'aborting a write whose source has stalled rejects promptly and commits nothing',
    async run(context) {
      const { backend, settle } = context;
      await withoutLeaks(context, async () => {
        const controller = new AbortController();
        const pending = backend.write('stalled', stalling(bytesOf('begun'), controller.signal), { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await expectCode(pending, 'STOWAGE_ABORTED');
      });
      await settle();
      await assertMissing(backend, 'stalled');
      assert.deepEqual(await listing(backend, '', true), []);
    },
  },
  {
    id: 'abort/write-stalled-stream',
    name: 'aborting a write whose Readable source went silent rejects promptly and destroys the source',
    async run(context) {
      const { backend, settle } = context;
      await withoutLeaks(context, async () => {
        const source = new Readable({ read() {} });
        source.push(bytesOf('the first chunk, then silence'));
        const controller = new AbortController();
        const pending = backend.write('silent', source, { signal: controller.signal });
        setTimeout(() => controller.abort(), 50);
        await within(expectCode(pending, 'STOWAGE_ABORTED'), 2000, 'the write did not reject within 2 s of the abort');
        await quiesce();
        assert.ok(source.destroyed, 'the source is released (destroyed), so its socket does not stay open');
      });
      await settle();
      await assertMissing(backend, 'silent');
    },
  },
  {
    id: 'abort/calls-already-aborted',
    name: 'every other operation rejects an already aborted signal with ABORTED and changes nothing',
    async run({ backend, settle }) {
      await writeFile(backend, 'file', 'x');
      await backend.createDir('dir');
      const signal = AbortSignal.abort();
      await expectCode(backend.stat('file', { signal }), 'STOWAGE_ABORTED', 'stat');
      await expectCode(backend.delete('file', { signal }), 'STOWAGE_ABORTED', 'delete');
      await expectCode(backend.delete('dir', { signal, recursive: true }), 'STOWAGE_ABORTED', 'recursive delete');
      await expectCode(backend.createDir('made', { signal }), 'STOWAGE_ABORTED', 'createDir');
      if (backend.copy !== undefined) await expectCode(backend.copy('file', 'copied', { signal }), 'STOWAGE_ABORTED', 'copy');
      if (backend.rename !== undefined) await expectCode(backend.rename('file', 'moved', { signal }), 'STOWAGE_ABORTED', 'rename');
      if (backend.link !== undefined) await expectCode(backend.link('file', { signal }), 'STOWAGE_ABORTED', 'link');
      if (backend.localPath !== undefined) await expectCode(backend.localPath('file', { signal }), 'STOWAGE_ABORTED', 'localPath');
      await settle();
      assert.deepEqual(await listing(backend, '', true), ['dir/', 'file']);
    },
  },
  {
    id: 'abort/write-already-aborted',
    name: 'a write with an already aborted signal rejects with ABORTED and creates nothing',
    async run(context) {
      const { backend, settle } = context;
      await withoutLeaks(context, async () => {
        await expectCode(backend.write('never', [bytesOf('x')], { signal: AbortSignal.abort() }), 'STOWAGE_ABORTED');
      });
      await settle();
      await assertMissing(backend, 'never');
    },
  },
  {
    id: 'abort/short-source',
    name: 'a source that ends short of its expected size never commits, even over an existing file',
    async run(context) {
      const { backend, settle } = context;
      await writeFile(backend, 'existing', 'old content');
      await withoutLeaks(context, async () => {
        async function* short(): AsyncGenerator<Uint8Array> {
          yield patternBytes(100_000, 1);
          yield patternBytes(100_000, 2);
        }
        await expectCode(backend.write('existing', short(), { size: 1_000_000 }), 'STOWAGE_SIZE_MISMATCH');
        await expectCode(backend.write('new', short(), { size: 1_000_000 }), 'STOWAGE_SIZE_MISMATCH');
      });
      await settle();
      await assertContent(backend, 'existing', 'old content');
      await assertMissing(backend, 'new');
    },
  },
  {
    id: 'abort/list-mid-iteration',
    name: 'aborting a listing mid-iteration rejects its next step with ABORTED',
    async run({ backend }) {
      for (let i = 0; i < 20; i++) await writeFile(backend, `many/${String(i)}`, 'x');
      const controller = new AbortController();
      const iterator = backend.list('many', { signal: controller.signal })[Symbol.asyncIterator]();
      assert.notEqual((await iterator.next()).done, true);
      controller.abort();
      await expectCode(async () => {
        for (let step = await iterator.next(); step.done !== true; step = await iterator.next());
      }, 'STOWAGE_ABORTED');
    },
  },
  {
    id: 'abort/listeners-released',
    name: 'finished operations remove the abort listeners they added to a long-lived signal',
    async run({ backend }) {
      const signal = new AbortController().signal;
      await backend.write('f', [bytesOf('x')], { signal });
      await backend.stat('f', { signal });
      await readAll((await backend.read('f', { signal })).stream);
      await readAll((await backend.read('f', { signal, range: { offset: 0, length: 1 } })).stream);
      await collect(backend.list('', { signal }));
      await backend.createDir('d', { signal });
      await backend.delete('d', { signal });
      if (backend.copy !== undefined) await backend.copy('f', 'g', { signal });
      if (backend.rename !== undefined) await backend.rename('f', 'h', { signal });
      await quiesce();
      assert.equal(getEventListeners(signal, 'abort').length, 0, 'abort listeners left on the signal');
    },
  },
  {
    id: 'abort/list-already-aborted',
    name: 'a listing with an already aborted signal rejects with ABORTED',
    async run({ backend }) {
      await writeFile(backend, 'file', 'x');
      await expectCode(collect(backend.list('', { signal: AbortSignal.abort() })), 'STOWAGE_ABORTED');
    },
  },
];
