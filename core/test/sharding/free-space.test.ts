import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { StowageError } from '../../src/index.js';
import { createShardRouter } from '../../src/sharding/index.js';
import { chiSquare, keys, memoryShards, placeAll, tally } from './helpers/shards.js';

/** A freeBytes function answering from `state.bytes` and counting its calls. */
function gauge(bytes: number): { state: { bytes: number | (() => never); calls: number }; freeBytes: () => Promise<number> } {
  const state = { bytes: bytes as number | (() => never), calls: 0 };
  return {
    state,
    freeBytes: async () => {
      state.calls += 1;
      return typeof state.bytes === 'function' ? state.bytes() : state.bytes;
    },
  };
}

t.test('free-space weighs shards by their free bytes (1:3 over 20,000 keys, chi-square p = 0.001)', async (t) => {
  const small = gauge(1_000_000_000);
  const large = gauge(3_000_000_000);
  const router = createShardRouter({
    shards: memoryShards(['small', 'large'], [{ freeBytes: small.freeBytes }, { freeBytes: large.freeBytes }]),
    strategy: 'free-space',
  });
  const observed = tally(await placeAll(router, keys(20_000)), ['small', 'large']);
  // One degree of freedom: 10.83 at p = 0.001.
  const statistic = chiSquare(observed, [5000, 15_000]);
  t.ok(statistic < 10.83, `chi-square ${statistic.toFixed(2)} for ${observed.join(':')}`);
});

t.test('the static weight does not count under free-space, only the free bytes', async (t) => {
  const router = createShardRouter({
    shards: memoryShards(['a', 'b'], [{ freeBytes: gauge(100).freeBytes, weight: 50 }, { freeBytes: gauge(100).freeBytes }]),
    strategy: 'free-space',
  });
  const observed = tally(await placeAll(router, keys(4000)), ['a', 'b']);
  t.ok(chiSquare(observed, [2000, 2000]) < 10.83, observed.join(':'));
});

t.test('a full shard is skipped, ranked last, and all full is INSUFFICIENT_STORAGE', async (t) => {
  const full = gauge(0);
  const roomy = gauge(5000);
  const router = createShardRouter({
    shards: memoryShards(['full', 'roomy'], [{ freeBytes: full.freeBytes }, { freeBytes: roomy.freeBytes }]),
    strategy: 'free-space',
    freeSpaceTtlMs: 0,
  });
  t.same(new Set(await placeAll(router, keys(300))), new Set(['roomy']));
  t.same((await router.rank('any')).map((shard) => shard.name), ['roomy', 'full']);
  roomy.state.bytes = 0;
  await t.rejects(router.place('any'), { code: 'STOWAGE_INSUFFICIENT_STORAGE' });
  t.equal((await router.rank('any')).length, 2, 'rank still lists every active shard');
});

t.test('when every shard is full, the ranking of full shards follows the static rendezvous order', async (t) => {
  const shards = memoryShards(['a', 'b', 'c'], [{ freeBytes: gauge(0).freeBytes }, { freeBytes: gauge(0).freeBytes }, { freeBytes: gauge(0).freeBytes }]);
  const byFreeSpace = createShardRouter({ shards, strategy: 'free-space' });
  const byWeight = createShardRouter({ shards });
  for (const key of keys(50)) t.same(await byFreeSpace.rank(key), await byWeight.rank(key), key);
});

t.test('a shard whose freeBytes fails or answers nonsense is skipped; when none is usable, UNAVAILABLE', async (t) => {
  const broken = gauge(0);
  broken.state.bytes = () => {
    throw new Error('the share is gone');
  };
  const nonsense = gauge(Number.NaN);
  const healthy = gauge(1000);
  const router = createShardRouter({
    shards: memoryShards(['broken', 'nonsense', 'healthy'], [
      { freeBytes: broken.freeBytes },
      { freeBytes: nonsense.freeBytes },
      { freeBytes: healthy.freeBytes },
    ]),
    strategy: 'free-space',
    freeSpaceTtlMs: 0,
  });
  t.same(new Set(await placeAll(router, keys(200))), new Set(['healthy']));
  healthy.state.bytes = 0;
  const error = await router.place('k').catch((caught: unknown) => caught);
  t.match(error, { code: 'STOWAGE_UNAVAILABLE', retryable: true }, 'full plus unknown is UNAVAILABLE, not INSUFFICIENT_STORAGE');
  t.ok((error as StowageError).cause instanceof StowageError, 'the cause is the first shard failure');
  nonsense.state.bytes = -5;
  await t.rejects(router.place('k'), { code: 'STOWAGE_UNAVAILABLE' }, 'a negative figure is a failure too');
});

t.test('a StowageError from freeBytes is kept as the cause', async (t) => {
  const failing = gauge(0);
  failing.state.bytes = () => {
    throw new StowageError('STOWAGE_TIMEOUT', 'statfs hung');
  };
  const router = createShardRouter({ shards: memoryShards(['a'], [{ freeBytes: failing.freeBytes }]), strategy: 'free-space' });
  const error = (await router.place('k').catch((caught: unknown) => caught)) as StowageError;
  t.equal(error.code, 'STOWAGE_UNAVAILABLE');
  t.match(error.cause, { code: 'STOWAGE_TIMEOUT' });
});

t.test('free bytes are asked once per TTL, and concurrent placements share one call', async (t) => {
  const a = gauge(100);
  const b = gauge(100);
  const router = createShardRouter({
    shards: memoryShards(['a', 'b'], [{ freeBytes: a.freeBytes }, { freeBytes: b.freeBytes }]),
    strategy: 'free-space',
    freeSpaceTtlMs: 3_600_000,
  });
  await Promise.all(keys(50).map((key) => router.place(key)));
  await placeAll(router, keys(50, 'later'));
  t.same([a.state.calls, b.state.calls], [1, 1]);
  a.state.bytes = 0;
  t.same(new Set(await placeAll(router, keys(100))), new Set(['a', 'b']), 'the cached figure is still used');
});

t.test('a failure is cached like an answer', async (t) => {
  const failing = gauge(0);
  failing.state.bytes = () => {
    throw new Error('down');
  };
  const healthy = gauge(10);
  const router = createShardRouter({
    shards: memoryShards(['failing', 'healthy'], [{ freeBytes: failing.freeBytes }, { freeBytes: healthy.freeBytes }]),
    strategy: 'free-space',
    freeSpaceTtlMs: 3_600_000,
  });
  await placeAll(router, keys(20));
  t.equal(failing.state.calls, 1);
});

t.test('after the TTL the figure is asked again, and placement follows it', async (t) => {
  const a = gauge(100);
  const b = gauge(100);
  const router = createShardRouter({
    shards: memoryShards(['a', 'b'], [{ freeBytes: a.freeBytes }, { freeBytes: b.freeBytes }]),
    strategy: 'free-space',
    freeSpaceTtlMs: 1,
  });
  await router.place('k');
  a.state.bytes = 0;
  await sleep(20);
  t.same(new Set(await placeAll(router, keys(100))), new Set(['b']), 'the new figure is used');
  t.ok(a.state.calls >= 2);
});

t.test('a TTL of 0 asks on every placement', async (t) => {
  const a = gauge(100);
  const router = createShardRouter({ shards: memoryShards(['a'], [{ freeBytes: a.freeBytes }]), strategy: 'free-space', freeSpaceTtlMs: 0 });
  await placeAll(router, keys(5));
  t.equal(a.state.calls, 5);
});
