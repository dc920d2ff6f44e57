import { truncateSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { isStowageError } from '@stowage/core';
import { closed, openFileDescriptors, patternBytes } from '@stowage/testkit';
import { nodeFileSystem, type FileHandleLike } from '../src/file-system.js';
import { FileRangeReadable } from '../src/range-readable.js';
import { readAheadBudget, readBufferPool } from '../src/read-buffers.js';

const CHUNK_WRITTEN = Symbol.for('@stowage/core.chunk-written');
const MiB = 1024 * 1024;
const CONTEXT = { backend: 'local', operation: 'read' } as const;
const fds = (): number => openFileDescriptors() ?? 0;

type Recycling = FileRangeReadable & { [CHUNK_WRITTEN](chunk: Uint8Array): void };

/** The handle of `path`, as Node gives it (with a descriptor) or wrapped without one. */
async function openHandle(path: string, withDescriptor: boolean): Promise<FileHandleLike> {
  const handle = await nodeFileSystem.open(path, constants.O_RDONLY);
  if (withDescriptor) return handle;
  return {
    read: (buffer, offset, length, position) => handle.read(buffer, offset, length, position),
    write: (buffer, offset, length, position) => handle.write(buffer, offset, length, position),
    sync: () => handle.sync(),
    stat: () => handle.stat(),
    chmod: (mode) => handle.chmod(mode),
    close: () => handle.close(),
  };
}

/** Every chunk the stream emits, in flowing mode, as emitted; `onChunk` runs on each. */
function chunksOf(stream: FileRangeReadable, onChunk: (chunk: Buffer) => void = () => undefined): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      onChunk(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(chunks));
  });
}

t.test('exactly the requested range, through the descriptor and through handle.read', async (t) => {
  const dir = t.testdir();
  const bytes = patternBytes(3 * MiB + 123);
  const path = join(dir, 'file');
  writeFileSync(path, bytes);
  const before = fds();
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: bytes.length }),
      fc.integer({ min: 0, max: bytes.length }),
      fc.boolean(),
      async (offset, wanted, withDescriptor) => {
        const length = Math.min(wanted, bytes.length - offset);
        const stream = new FileRangeReadable(await openHandle(path, withDescriptor), offset, length, CONTEXT);
        const received = Buffer.concat(await chunksOf(stream));
        await closed(stream);
        return received.equals(bytes.subarray(offset, offset + length));
      },
    ),
    { numRuns: 40 },
  );
  t.equal(fds(), before, 'every descriptor was closed');
  t.equal(readAheadBudget.openStreams, 0, 'every stream left the read-ahead budget');
});

t.test('chunks handed back through CHUNK_WRITTEN are reused by later reads; others are ignored', async (t) => {
  const dir = t.testdir();
  const bytes = patternBytes(3 * MiB);
  const path = join(dir, 'file');
  writeFileSync(path, bytes);
  const first = new FileRangeReadable(await openHandle(path, true), 0, bytes.length, CONTEXT) as Recycling;
  const memories = new Set<ArrayBufferLike>();
  const kept = readBufferPool.keptBytes;
  const firstChunks = await chunksOf(first, (chunk) => {
    first[CHUNK_WRITTEN](chunk.subarray(1));
    first[CHUNK_WRITTEN](Buffer.from(chunk));
    t.equal(readBufferPool.keptBytes, kept, 'a part or a copy of a chunk is not a chunk');
  });
  t.ok(Buffer.concat(firstChunks).equals(bytes));
  await closed(first);
  for (const chunk of firstChunks) {
    memories.add(chunk.buffer);
    first[CHUNK_WRITTEN](chunk);
    first[CHUNK_WRITTEN](chunk);
  }
  t.ok(readBufferPool.keptBytes > kept, 'handed-back chunks are kept, even after the stream closed');
  t.ok(readBufferPool.keptBytes - kept <= 3 * MiB, 'each at most once');
  const second = new FileRangeReadable(await openHandle(path, false), 0, bytes.length, CONTEXT);
  const secondChunks = await chunksOf(second);
  t.ok(Buffer.concat(secondChunks).equals(bytes), 'a reused buffer holds the new bytes');
  t.ok(
    secondChunks.some((chunk) => memories.has(chunk.buffer)),
    'the second stream reads into buffers the first handed back',
  );
});

for (const withDescriptor of [true, false]) {
  const how = withDescriptor ? 'through the descriptor' : 'through handle.read';
  t.test(`destroying a stream mid-read closes the file once the read is done (${how})`, async (t) => {
    const dir = t.testdir();
    const path = join(dir, 'file');
    writeFileSync(path, patternBytes(2 * MiB));
    const before = fds();
    const stream = new FileRangeReadable(await openHandle(path, withDescriptor), 0, 2 * MiB, CONTEXT);
    stream.read(0);
    stream.destroy();
    t.equal(await closed(stream), undefined);
    t.equal(fds(), before);
  });

  t.test(`a file shorter than promised fails the stream with IO (${how})`, async (t) => {
    const dir = t.testdir();
    const path = join(dir, 'file');
    writeFileSync(path, patternBytes(2 * MiB));
    const stream = new FileRangeReadable(await openHandle(path, withDescriptor), 0, 2 * MiB, CONTEXT);
    truncateSync(path, 1000);
    stream.resume();
    const error = await closed(stream);
    t.ok(isStowageError(error, 'STOWAGE_IO'), `got ${String(error)}`);
  });
}

t.test('a failing read fails the stream with the mapped error and closes the file', async (t) => {
  const dir = t.testdir();
  const path = join(dir, 'file');
  writeFileSync(path, patternBytes(MiB));
  const handle = await openHandle(path, false);
  const before = fds();
  let closes = 0;
  const failing: FileHandleLike = {
    ...handle,
    read: () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' })),
    close: () => {
      closes++;
      return handle.close();
    },
  };
  const stream = new FileRangeReadable(failing, 0, MiB, CONTEXT);
  stream.resume();
  const error = await closed(stream);
  t.ok(isStowageError(error, 'STOWAGE_IO'), `got ${String(error)}`);
  t.equal(closes, 1);
  t.equal(fds(), before - 1);
});
