import fc from 'fast-check';
import t from 'tap';
import { chunkSizeFor, readableFromBuffer } from '../src/index.js';

t.test('a body up to 1 MiB is one chunk (at least 64 KiB), a larger one 1 MiB chunks', async (t) => {
  t.equal(chunkSizeFor(0), 64 * 1024);
  t.equal(chunkSizeFor(64 * 1024), 64 * 1024);
  t.equal(chunkSizeFor(64 * 1024 + 1), 128 * 1024);
  t.equal(chunkSizeFor(300_000), 512 * 1024);
  t.equal(chunkSizeFor(1024 * 1024 - 1), 1024 * 1024);
  t.equal(chunkSizeFor(1024 * 1024), 1024 * 1024);
  t.equal(chunkSizeFor(100 * 1024 * 1024), 1024 * 1024);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (length) => {
      const size = chunkSizeFor(length);
      const powerOfTwo = Number.isInteger(Math.log2(size));
      const bounded = size >= 64 * 1024 && size <= 1024 * 1024;
      const holdsAll = size >= length || size === 1024 * 1024;
      const smallest = size === 64 * 1024 || size / 2 < length;
      return powerOfTwo && bounded && holdsAll && smallest;
    }),
  );
});

t.test('a buffer is streamed in chunks that together are the buffer', async (t) => {
  const bytes = Buffer.alloc(2_600_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  const view = bytes.subarray(1000, 2_500_000);
  const chunks: Buffer[] = [];
  for await (const chunk of readableFromBuffer(view)) chunks.push(chunk as Buffer);
  t.equal(chunks.length, Math.ceil(view.length / chunkSizeFor(view.length)));
  t.ok(Buffer.concat(chunks).equals(view));
  const empty: Buffer[] = [];
  for await (const chunk of readableFromBuffer(Buffer.alloc(0))) empty.push(chunk as Buffer);
  t.same(empty, []);
});
