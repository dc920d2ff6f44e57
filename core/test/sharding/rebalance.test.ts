import t from 'tap';
import { createShardRouter, type Placement, type RebalanceMove, type ShardDescriptor } from '../../src/sharding/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';
import { createMemoryBackend } from '../../src/index.js';
import { keys } from './helpers/shards.js';

/** Shards over recording backends, so a test can prove no backend was called. */
function recordedShards(names: readonly string[]): { shards: ShardDescriptor[]; backends: ScriptedBackend[] } {
  const backends = names.map((name) => new ScriptedBackend(createMemoryBackend({ name })));
  return { shards: names.map((name, i) => ({ name, backend: backends[i]! })), backends };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

async function placementsOf(shards: ShardDescriptor[], count: number): Promise<Placement[]> {
  const router = createShardRouter({ shards });
  return Promise.all(keys(count).map(async (key, i) => ({ key, shard: (await router.place(key)).name, size: 100 + i })));
}

t.test('after a shard is added, the dry run yields exactly the placements that would move, and touches no backend', async (t) => {
  const { shards, backends } = recordedShards(['a', 'b', 'c', 'd']);
  const placements = await placementsOf(shards.slice(0, 3), 3000);
  const router = createShardRouter({ shards });
  const expected: RebalanceMove[] = [];
  for (const placement of placements) {
    const to = (await router.place(placement.key)).name;
    if (to !== placement.shard) expected.push({ key: placement.key, from: placement.shard, to, size: placement.size });
  }
  const moves = await collect(router.rebalance(placements));
  t.same(moves, expected);
  t.ok(moves.length > 600 && moves.every((move) => move.to === 'd'), `${moves.length} moves, all onto the new shard`);
  t.same(backends.map((backend) => backend.calls), [[], [], [], []], 'no backend was called');
});

t.test('after a shard is deactivated, every placement on it moves and no other', async (t) => {
  const { shards, backends } = recordedShards(['a', 'b', 'c']);
  const placements = await placementsOf(shards, 2000);
  const router = createShardRouter({ shards: shards.map((shard) => (shard.name === 'b' ? { ...shard, active: false } : shard)) });
  const moves = await collect(router.rebalance(placements));
  t.same(
    moves.map((move) => move.key),
    placements.filter((placement) => placement.shard === 'b').map((placement) => placement.key),
  );
  t.ok(moves.every((move) => move.from === 'b' && move.to !== 'b'));
  t.same(backends.map((backend) => backend.calls.length), [0, 0, 0]);
});

t.test('an unchanged shard set moves nothing; async iterables are accepted', async (t) => {
  const { shards } = recordedShards(['a', 'b']);
  const placements = await placementsOf(shards, 500);
  async function* stream(): AsyncGenerator<Placement> {
    yield* placements;
  }
  const router = createShardRouter({ shards });
  t.same(await collect(router.rebalance(stream())), []);
  const plan = await router.planRebalance(stream());
  t.match(plan, { examined: 500, moves: 0, bytes: 0, routes: [] });
});

t.test('the plan sums moves and bytes per route and per shard', async (t) => {
  const { shards } = recordedShards(['a', 'b', 'c']);
  const router = createShardRouter({ shards: shards.map((shard) => (shard.name === 'c' ? { ...shard, active: false } : shard)) });
  const sample = keys(400);
  const placements: Placement[] = sample.map((key, i) => ({ key, shard: ['a', 'b', 'c'][i % 3]!, size: i }));
  const moves = await collect(router.rebalance(placements));
  const plan = await router.planRebalance(placements);
  t.equal(plan.examined, 400);
  t.equal(plan.examinedBytes, placements.reduce((sum, placement) => sum + placement.size, 0));
  t.equal(plan.moves, moves.length);
  t.equal(plan.bytes, moves.reduce((sum, move) => sum + move.size, 0));
  const routeKeys = plan.routes.map((route) => `${route.from}>${route.to}`);
  t.same(routeKeys, [...routeKeys].sort(), 'routes are sorted by from, then to');
  for (const route of plan.routes) {
    const own = moves.filter((move) => move.from === route.from && move.to === route.to);
    t.equal(route.moves, own.length, `${route.from} > ${route.to} moves`);
    t.equal(route.bytes, own.reduce((sum, move) => sum + move.size, 0), `${route.from} > ${route.to} bytes`);
  }
  t.same(plan.shards.map((row) => row.shard), ['a', 'b', 'c'], 'one row per shard, in the router order');
  for (const row of plan.shards) {
    const out = moves.filter((move) => move.from === row.shard);
    const into = moves.filter((move) => move.to === row.shard);
    t.equal(row.movesOut, out.length);
    t.equal(row.movesIn, into.length);
    t.equal(row.bytesOut, out.reduce((sum, move) => sum + move.size, 0));
    t.equal(row.bytesIn, into.reduce((sum, move) => sum + move.size, 0));
    t.equal(row.netBytes, row.bytesIn - row.bytesOut);
  }
  t.ok(plan.shards[2]!.movesOut > 0 && plan.shards[2]!.movesIn === 0, 'the inactive shard only gives');
  t.ok(Object.isFrozen(plan) && Object.isFrozen(plan.routes) && Object.isFrozen(plan.shards));
});

t.test('a placement on an unknown shard is NOT_FOUND; a malformed placement is a TypeError', async (t) => {
  const router = createShardRouter({ shards: recordedShards(['a']).shards });
  await t.rejects(collect(router.rebalance([{ key: 'k', shard: 'gone', size: 1 }])), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(router.planRebalance([{ key: 'k', shard: 'gone', size: 1 }]), { code: 'STOWAGE_NOT_FOUND' });
  const malformed: unknown[] = [
    null,
    { key: 1, shard: 'a', size: 1 },
    { key: 'k', shard: 2, size: 1 },
    { key: 'k', shard: 'a', size: -1 },
    { key: 'k', shard: 'a', size: Number.NaN },
    { key: 'k', shard: 'a' },
  ];
  for (const placement of malformed) {
    await t.rejects(collect(router.rebalance([placement as Placement])), TypeError, JSON.stringify(placement));
  }
});

t.test('with no active shard, the dry run fails with UNAVAILABLE', async (t) => {
  const { shards } = recordedShards(['a']);
  const router = createShardRouter({ shards: [{ ...shards[0]!, active: false }] });
  await t.rejects(collect(router.rebalance([{ key: 'k', shard: 'a', size: 1 }])), { code: 'STOWAGE_UNAVAILABLE' });
});
