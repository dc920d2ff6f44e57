import { createHash } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import { createShardRouter, rendezvousHash, rendezvousScore } from '../../src/sharding/index.js';
import { rankShards, sha256HexStreaming } from '../../src/sharding/rendezvous.js';
import { chiSquare, keys, memoryShards, placeAll, tally } from './helpers/shards.js';

/** The chi-square value a fair placement exceeds with probability 0.001, for 2 degrees of freedom. */
const CHI_SQUARE_2DF_P001 = 13.816;

t.test('the rendezvous hash is the top 53 of the first 64 bits of SHA-256 over name NUL key, in (0, 1)', async (t) => {
  const digest = createHash('sha256').update('alpha\0media/42').digest();
  const bits = digest.readBigUInt64BE(0) >> 11n;
  t.equal(rendezvousHash('alpha', 'media/42'), (Number(bits) + 0.5) / 2 ** 53);
  for (const key of keys(1000)) {
    const hash = rendezvousHash('beta', key);
    t.ok(hash > 0 && hash < 1, `${key} hashes into (0, 1)`);
  }
});

t.test('property: the fast hash path and the streaming fallback agree on every key', async (t) => {
  await fc.assert(
    fc.property(fc.string(), fc.string({ unit: 'grapheme' }), (name, key) => {
      const digest = Buffer.from(sha256HexStreaming(`${name}\0${key}`), 'hex');
      const expected = (Number(digest.readBigUInt64BE(0) >> 11n) + 0.5) / 2 ** 53;
      if (rendezvousHash(name, key) !== expected) t.fail(`${JSON.stringify(name)} / ${JSON.stringify(key)}`);
    }),
    { numRuns: 500 },
  );
});

t.test('the weighted score is -weight / ln(h), and 0 for a weight of 0', async (t) => {
  t.equal(rendezvousScore(2, Math.exp(-1)), 2);
  t.equal(rendezvousScore(0, 0.5), 0);
  t.ok(rendezvousScore(3, 0.5) > rendezvousScore(1, 0.5));
});

t.test('shards whose scores tie (weights so large the score overflows) are ordered by name', async (t) => {
  const huge = Number.MAX_VALUE;
  const shards = ['c', 'a', 'b'].map((name) => ({ name, weight: huge }));
  let tied = 0;
  for (const key of keys(20)) {
    const ranked = rankShards(shards, key).map((shard) => shard.name);
    const overflowing = shards.filter((shard) => rendezvousScore(huge, rendezvousHash(shard.name, key)) === Number.POSITIVE_INFINITY);
    if (overflowing.length === 3) {
      tied += 1;
      t.same(ranked, ['a', 'b', 'c'], key);
    }
    t.equal(ranked.length, 3);
  }
  t.ok(tied > 0, 'some keys tie on every shard');
});

t.test('placement is deterministic: the same key and shard set give the same shard, whatever the order of the shards', async (t) => {
  const shards = memoryShards(['a', 'b', 'c'], [{ weight: 1 }, { weight: 2 }, { weight: 3 }]);
  const first = createShardRouter({ shards });
  const again = createShardRouter({ shards });
  const reversed = createShardRouter({ shards: [...shards].reverse() });
  const sample = keys(2000);
  const placed = await placeAll(first, sample);
  t.same(await placeAll(first, sample), placed, 'the same router');
  t.same(await placeAll(again, sample), placed, 'another router over the same shards');
  t.same(await placeAll(reversed, sample), placed, 'the shards listed in another order');
});

t.test('30,000 keys spread over shards weighted 1:2:3 in proportion (chi-square, p = 0.001)', async (t) => {
  const names = ['a', 'b', 'c'];
  const router = createShardRouter({ shards: memoryShards(names, [{ weight: 1 }, { weight: 2 }, { weight: 3 }]) });
  const observed = tally(await placeAll(router, keys(30_000)), names);
  const statistic = chiSquare(observed, [5000, 10_000, 15_000]);
  t.ok(statistic < CHI_SQUARE_2DF_P001, `chi-square ${statistic.toFixed(2)} for ${observed.join(':')}`);
});

t.test('30,000 keys spread evenly over three shards of equal weight (chi-square, p = 0.001)', async (t) => {
  const names = ['east', 'west', 'north'];
  const router = createShardRouter({ shards: memoryShards(names) });
  const observed = tally(await placeAll(router, keys(30_000, 'blob')), names);
  const statistic = chiSquare(observed, [10_000, 10_000, 10_000]);
  t.ok(statistic < CHI_SQUARE_2DF_P001, `chi-square ${statistic.toFixed(2)} for ${observed.join(':')}`);
});

t.test('adding a fourth shard moves about a quarter of the keys, and only onto the new shard', async (t) => {
  const shards = memoryShards(['a', 'b', 'c', 'd']);
  const sample = keys(30_000);
  const before = await placeAll(createShardRouter({ shards: shards.slice(0, 3) }), sample);
  const after = await placeAll(createShardRouter({ shards }), sample);
  const moved = sample.filter((_, i) => before[i] !== after[i]);
  t.ok(moved.every((key) => after[sample.indexOf(key)] === 'd'), 'every moved key went to the new shard');
  const fraction = moved.length / sample.length;
  t.ok(fraction > 0.23 && fraction < 0.27, `moved fraction ${fraction.toFixed(4)} is about 1/4`);
});

t.test('a heavier new shard takes its weighted share: weight 3 among 1+1+1+3 takes about half', async (t) => {
  const shards = memoryShards(['a', 'b', 'c', 'heavy'], [{}, {}, {}, { weight: 3 }]);
  const sample = keys(30_000);
  const before = await placeAll(createShardRouter({ shards: shards.slice(0, 3) }), sample);
  const after = await placeAll(createShardRouter({ shards }), sample);
  const moved = sample.filter((_, i) => before[i] !== after[i]);
  t.ok(moved.every((key) => after[sample.indexOf(key)] === 'heavy'));
  const fraction = moved.length / sample.length;
  t.ok(fraction > 0.48 && fraction < 0.52, `moved fraction ${fraction.toFixed(4)} is about 1/2`);
});

t.test('removing or deactivating a shard moves only the keys it held, and both move them alike', async (t) => {
  const shards = memoryShards(['a', 'b', 'c', 'd']);
  const sample = keys(20_000);
  const before = await placeAll(createShardRouter({ shards }), sample);
  const removed = await placeAll(createShardRouter({ shards: shards.filter((shard) => shard.name !== 'b') }), sample);
  const deactivated = await placeAll(
    createShardRouter({ shards: shards.map((shard) => (shard.name === 'b' ? { ...shard, active: false } : shard)) }),
    sample,
  );
  sample.forEach((key, i) => {
    if (before[i] !== 'b' && removed[i] !== before[i]) t.fail(`${key} moved off ${before[i]!} though b was removed`);
  });
  t.notOk(removed.includes('b'), 'nothing is placed on a removed shard');
  t.same(deactivated, removed, 'deactivating places like removing');
  t.ok(before.filter((name) => name === 'b').length > 4000, 'the removed shard held its share');
});

t.test('changing one weight moves keys only between that shard and the others, in the direction of the change', async (t) => {
  const shards = memoryShards(['a', 'b', 'c']);
  const sample = keys(10_000);
  const before = await placeAll(createShardRouter({ shards }), sample);
  const heavier = shards.map((shard) => (shard.name === 'a' ? { ...shard, weight: 2 } : shard));
  const after = await placeAll(createShardRouter({ shards: heavier }), sample);
  sample.forEach((key, i) => {
    if (before[i] !== after[i] && after[i] !== 'a') t.fail(`${key} moved to ${after[i]!}, not to the heavier shard`);
  });
  t.ok(after.filter((name) => name === 'a').length > before.filter((name) => name === 'a').length);
});

t.test('inactive shards are never chosen and not ranked; with none active, place is UNAVAILABLE and rank empty', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b', 'c'], [{ active: false }, {}, { active: false }]) });
  t.same(new Set(await placeAll(router, keys(500))), new Set(['b']));
  t.same((await router.rank('x')).map((shard) => shard.name), ['b']);
  const dormant = createShardRouter({ shards: memoryShards(['a'], [{ active: false }]) });
  await t.rejects(dormant.place('x'), { code: 'STOWAGE_UNAVAILABLE' });
  t.same(await dormant.rank('x'), []);
  t.equal(dormant.shard('a').name, 'a', 'an inactive shard is still found by name');
});

t.test('a placement key that is not a string is a TypeError', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a']) });
  await t.rejects(router.place(7 as unknown as string), TypeError);
  await t.rejects(router.rank(undefined as unknown as string), TypeError);
});

const shardSets = fc
  .uniqueArray(fc.stringMatching(/^[a-z0-9._-]{1,8}$/).filter((name) => name !== '.' && name !== '..'), { minLength: 1, maxLength: 6 })
  .chain((names) =>
    fc.tuple(
      fc.constant(names),
      fc.array(fc.record({ active: fc.boolean(), weight: fc.double({ min: 0.01, max: 100, noNaN: true }) }), {
        minLength: names.length,
        maxLength: names.length,
      }),
    ),
  );

t.test('property: place is rank[0], and rank is a permutation of the active shards', async (t) => {
  await fc.assert(
    fc.asyncProperty(shardSets, fc.string(), async ([names, settings], key) => {
      const router = createShardRouter({ shards: memoryShards(names, settings) });
      const active = router.shards.filter((shard) => shard.active);
      const ranked = await router.rank(key);
      t.same([...ranked].sort((x, y) => (x.name < y.name ? -1 : 1)), [...active].sort((x, y) => (x.name < y.name ? -1 : 1)));
      if (active.length === 0) {
        await t.rejects(router.place(key), { code: 'STOWAGE_UNAVAILABLE' });
      } else {
        t.equal(await router.place(key), ranked[0]);
      }
    }),
    { numRuns: 200 },
  );
});

t.test('property: adding an active shard moves keys only onto it', async (t) => {
  await fc.assert(
    fc.asyncProperty(shardSets, fc.array(fc.string(), { minLength: 1, maxLength: 20 }), async ([names, settings], sample) => {
      const shards = memoryShards(names, settings);
      const added = { ...memoryShards(['added'])[0]!, weight: 1 };
      const before = createShardRouter({ shards });
      const after = createShardRouter({ shards: [...shards, added] });
      for (const key of sample) {
        const target = (await after.place(key)).name;
        if (target === 'added') continue;
        t.equal(target, (await before.place(key)).name, `${JSON.stringify(key)} stays`);
      }
    }),
    { numRuns: 100 },
  );
});
