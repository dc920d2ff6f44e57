import { createHash } from 'node:crypto';
import t from 'tap';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { ForwardingBackend } from '../../src/forwarding-backend.js';
import { createStowage } from '../../src/create-stowage.js';
import { SmallBlobCache } from '../../src/media/read/small-blob-cache.js';
import type { ReadOptions, ReadResult } from '../../src/backend.js';
import { bytesOf as readAll, mediaFixture, TEST_SALT } from '../helpers/media-fixture.js';

/** A memory backend that counts reads. */
class CountingBackend extends ForwardingBackend {
  reads = 0;
  constructor() {
    super(createMemoryBackend({ name: 'counting' }));
  }
  override read(path: string, options?: ReadOptions): Promise<ReadResult> {
    this.reads += 1;
    return this.inner.read(path, options);
  }
}

const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

t.test('SmallBlobCache: verified admission, LRU eviction by bytes, size bounds', async (t) => {
  const cache = new SmallBlobCache(10, 6);
  const a = Buffer.from('aaaa');
  const b = Buffer.from('bbbb');
  const c = Buffer.from('cccc');
  t.notOk(cache.admit(sha(a), b), 'bytes that do not hash to the key are refused');
  t.equal(cache.get(sha(a)), undefined);
  t.ok(cache.admit(sha(a), a));
  t.ok(cache.admit(sha(b), b));
  t.same(cache.get(sha(a)), a, 'a is now the most recently used');
  t.ok(cache.admit(sha(c), c));
  t.equal(cache.size, 8, 'b was evicted to stay within 10 bytes');
  t.equal(cache.get(sha(b)), undefined);
  t.same(cache.get(sha(c)), c);
  t.ok(cache.admit(sha(a), a), 'admitting a cached blob again changes nothing');
  t.equal(cache.size, 8);
  t.notOk(cache.accepts(7), 'over maxBlobBytes');
  t.ok(cache.admit(sha(Buffer.alloc(7)), Buffer.alloc(7)), 'verified but too large: not cached');
  t.equal(cache.size, 8);
  t.notOk(new SmallBlobCache(0, 64).accepts(1), 'maxBytes 0 turns it off');
});

t.test('small blobs are read from their backend once, then served from memory, ranges included', async (t) => {
  const backend = new CountingBackend();
  const stowage = createStowage({ backends: backend, salt: TEST_SALT });
  t.teardown(() => stowage.close());
  const put = await stowage.put({ filename: 'small.txt', source: [Buffer.from('0123456789')] }, { visibility: 'public' });
  const key = { id: put.id, filename: 'small.txt' };
  for (let round = 0; round < 3; round += 1) {
    const opened = await stowage.open(key);
    t.equal(opened.kind, 'content');
    if (opened.kind === 'content') t.equal((await readAll(opened.stream)).toString(), '0123456789');
  }
  t.equal(backend.reads, 1, 'one backend read for three opens');
  const ranged = await stowage.open(key, { range: { offset: 3, length: 4 } });
  t.ok(ranged.kind === 'content' && ranged.offset === 3 && ranged.length === 4);
  if (ranged.kind === 'content') t.equal((await readAll(ranged.stream)).toString(), '3456');
  const big = await stowage.put({ filename: 'big.bin', source: [Buffer.alloc(100 * 1024, 1)] }, { visibility: 'public' });
  for (let round = 0; round < 2; round += 1) {
    const opened = await stowage.open({ id: big.id, filename: 'big.bin' });
    if (opened.kind === 'content') await readAll(opened.stream);
  }
  t.equal(backend.reads, 3, 'blobs over 64 KiB stream from the backend every time');
});

t.test('a result from memory is frozen, holds the bytes, and makes its stream once, when first asked', async (t) => {
  const stowage = createStowage({ backends: createMemoryBackend(), salt: TEST_SALT });
  t.teardown(() => stowage.close());
  const put = await stowage.put({ filename: 'small.txt', source: [Buffer.from('0123456789')] }, { visibility: 'public' });
  const opened = await stowage.open({ id: put.id, filename: 'small.txt' }, { range: { offset: 2, length: 5 } });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.ok(Object.isFrozen(opened));
  t.same(
    { kind: opened.kind, filename: opened.entry.filename, offset: opened.offset, length: opened.length, etag: opened.cache.etag },
    { kind: 'content', filename: 'small.txt', offset: 2, length: 5, etag: `"${opened.entry.sha256}"` },
  );
  t.equal(Buffer.from(opened.bytes ?? []).toString(), '23456', 'the range, held in memory');
  t.throws(() => {
    (opened as { offset: number }).offset = 0;
  }, TypeError);
  const stream = opened.stream;
  t.equal(opened.stream, stream, 'the same stream on every read of the property');
  t.equal((await readAll(stream)).toString(), '23456');
});

t.test('D27: a small blob that rotted on disk is LOST on its first read, never served', async (t) => {
  const fixture = mediaFixture();
  const put = await fixture.stowage.put({ filename: 'rot.txt', source: [Buffer.from('original bytes')] }, { visibility: 'public' });
  const entry = await fixture.catalog.getEntry({ id: put.id, filename: 'rot.txt' });
  const backend = fixture.backends['default'];
  if (entry === undefined || backend === undefined) throw new Error('fixture broken');
  await backend.write(entry.path, [Buffer.from('flipped bytes!')]);
  await t.rejects(fixture.stowage.open({ id: put.id, filename: 'rot.txt' }), { code: 'STOWAGE_LOST' });
  await backend.delete(entry.path);
  await t.rejects(fixture.stowage.open({ id: put.id, filename: 'rot.txt' }), { code: 'STOWAGE_LOST' }, 'a missing small blob too');
});

t.test('the cache can be turned off or sized, and bad options are refused', async (t) => {
  const backend = new CountingBackend();
  const stowage = createStowage({ backends: backend, salt: TEST_SALT, smallBlobCache: false });
  t.teardown(() => stowage.close());
  const put = await stowage.put({ filename: 'a.txt', source: [Buffer.from('x')] }, { visibility: 'public' });
  for (let round = 0; round < 2; round += 1) {
    const opened = await stowage.open({ id: put.id, filename: 'a.txt' });
    if (opened.kind === 'content') await readAll(opened.stream);
  }
  t.equal(backend.reads, 2, 'off: every open reads the backend');
  for (const smallBlobCache of [{ maxBytes: -1 }, { maxBlobBytes: 1.5 }, 'yes']) {
    t.throws(() => createStowage({ backends: createMemoryBackend(), salt: TEST_SALT, smallBlobCache: smallBlobCache as never }), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});
