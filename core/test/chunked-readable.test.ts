import t from 'tap';
import { chunkSizeFor, readableFromBuffer } from '../src/index.js';

t.test('larger reads get larger chunks', async (t) => {
  t.equal(chunkSizeFor(0), 64 * 1024);
  t.equal(chunkSizeFor(1024 * 1024 - 1), 64 * 1024);
  t.equal(chunkSizeFor(1024 * 1024), 256 * 1024);
  t.equal(chunkSizeFor(16 * 1024 * 1024), 1024 * 1024);
});

t.test('a buffer is streamed in chunks that together are the buffer', async (t) => {
  const bytes = Buffer.alloc(300_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251;
  const view = bytes.subarray(1000, 250_000);
  const chunks: Buffer[] = [];
  for await (const chunk of readableFromBuffer(view)) chunks.push(chunk as Buffer);
  t.equal(chunks.length, Math.ceil(view.length / (64 * 1024)));
  t.ok(Buffer.concat(chunks).equals(view));
  const empty: Buffer[] = [];
  for await (const chunk of readableFromBuffer(Buffer.alloc(0))) empty.push(chunk as Buffer);
  t.same(empty, []);
});
