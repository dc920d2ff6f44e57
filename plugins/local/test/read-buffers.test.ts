import fc from 'fast-check';
import t from 'tap';
import { ReadAheadBudget, ReadBufferPool } from '../src/read-buffers.js';

const KiB = 1024;
const MiB = 1024 * KiB;

t.test('pooled buffers own their memory, come in power-of-two classes and are reused', async (t) => {
  const pool = new ReadBufferPool(4 * MiB);
  const first = pool.take(300 * KiB);
  t.equal(first.pooled, true);
  t.equal(first.buffer.byteLength, 512 * KiB);
  t.equal(first.buffer.byteOffset, 0);
  t.equal(first.buffer.buffer.byteLength, 512 * KiB, 'not a slice of a shared allocation');
  pool.give(first.buffer);
  t.equal(pool.keptBytes, 512 * KiB);
  t.equal(pool.take(257 * KiB).buffer, first.buffer, 'the same class gets the kept buffer back');
  t.equal(pool.keptBytes, 0);
  t.not(pool.take(512 * KiB).buffer, first.buffer, 'an empty class allocates');
  t.equal(pool.take(1024 * KiB).buffer.byteLength, 1024 * KiB, 'another class is its own');
});

t.test('small reads are plain allocations, and the pool keeps no more than its bound', async (t) => {
  const pool = new ReadBufferPool(1 * MiB);
  const small = pool.take(100);
  t.equal(small.pooled, false);
  t.equal(small.buffer.byteLength, 100);
  const buffers = [pool.take(512 * KiB), pool.take(512 * KiB), pool.take(512 * KiB)];
  for (const { buffer } of buffers) pool.give(buffer);
  t.equal(pool.keptBytes, 1 * MiB, 'the third buffer was left to the collector');
});

t.test('a full pool makes room for the class coming back by dropping idle buffers of other classes', async (t) => {
  const pool = new ReadBufferPool(1 * MiB);
  const large = pool.take(1 * MiB).buffer;
  pool.give(large);
  t.equal(pool.keptBytes, 1 * MiB, 'the pool is full of 1 MiB buffers');
  // The budget has moved every stream to 256 KiB chunks: those must be recycled, not dropped.
  const chunks = [pool.take(256 * KiB).buffer, pool.take(256 * KiB).buffer];
  for (const chunk of chunks) pool.give(chunk);
  t.equal(pool.keptBytes, 512 * KiB, 'the idle 1 MiB buffer went to the collector instead');
  t.equal(pool.take(256 * KiB).buffer, chunks[1], 'the returning class is reused');
  t.equal(pool.take(256 * KiB).buffer, chunks[0]);
  t.not(pool.take(1 * MiB).buffer, large, 'the dropped class allocates again');
  const same = [pool.take(512 * KiB).buffer, pool.take(512 * KiB).buffer, pool.take(512 * KiB).buffer];
  for (const buffer of same) pool.give(buffer);
  t.equal(pool.keptBytes, 1 * MiB, 'a class never evicts itself: beyond the bound its own buffers are dropped');
});

t.test('the read-ahead budget lowers chunk sizes as streams open, within 64 KiB and the preference', async (t) => {
  const budget = new ReadAheadBudget(8 * MiB);
  t.equal(budget.chunkSize(1 * MiB), 1 * MiB, 'no stream open: the preference');
  const leaves = Array.from({ length: 32 }, () => budget.enter());
  t.equal(budget.openStreams, 32);
  t.equal(budget.chunkSize(1 * MiB), 256 * KiB);
  t.equal(budget.chunkSize(128 * KiB), 128 * KiB, 'never above the preference');
  const more = Array.from({ length: 1000 }, () => budget.enter());
  t.equal(budget.chunkSize(1 * MiB), 64 * KiB, 'never below 64 KiB');
  for (const leave of [...leaves, ...more]) {
    leave();
    leave();
  }
  t.equal(budget.openStreams, 0, 'leaving twice counts once');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 16, max: 20 }), (open, exponent) => {
      const sized = new ReadAheadBudget(8 * MiB);
      for (let i = 0; i < open; i++) sized.enter();
      const preferred = 2 ** exponent;
      const size = sized.chunkSize(preferred);
      const streams = Math.max(1, open);
      const fits = size * streams <= 8 * MiB || size <= 64 * KiB;
      const largest = size === preferred || 2 * size * streams > 8 * MiB;
      return size <= preferred && (size >= 64 * KiB || size === preferred) && fits && largest;
    }),
  );
});
