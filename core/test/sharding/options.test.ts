import t from 'tap';
import { createMemoryBackend, defineCapabilities, type Backend } from '../../src/index.js';
import { createShardRouter, isValidShardName, type ShardRouterOptions } from '../../src/sharding/index.js';
import { memoryShards } from './helpers/shards.js';

const memory = (name: string): Backend => createMemoryBackend({ name });
const freeBytes = async (): Promise<number> => 1000;

const INVALID: ReadonlyArray<[string, () => unknown]> = [
  ['options that are not an object', () => null],
  ['no shards', () => ({ shards: [] })],
  ['shards that are not an array', () => ({ shards: 'a' })],
  ['a shard that is not an object', () => ({ shards: [null] })],
  ['an empty name', () => ({ shards: [{ name: '', backend: memory('x') }] })],
  ['a name with a slash', () => ({ shards: [{ name: 'a/b', backend: memory('x') }] })],
  ['a name with a space', () => ({ shards: [{ name: 'a b', backend: memory('x') }] })],
  ['a name of "."', () => ({ shards: [{ name: '.', backend: memory('x') }] })],
  ['a name of ".."', () => ({ shards: [{ name: '..', backend: memory('x') }] })],
  ['a name over 255 characters', () => ({ shards: [{ name: 'n'.repeat(256), backend: memory('x') }] })],
  ['a name that is not a string', () => ({ shards: [{ name: 7, backend: memory('x') }] })],
  ['a duplicate name', () => ({ shards: [{ name: 'a', backend: memory('x') }, { name: 'a', backend: memory('y') }] })],
  ['a missing backend', () => ({ shards: [{ name: 'a' }] })],
  ['a malformed backend', () => ({ shards: [{ name: 'a', backend: { info: {}, capabilities: {} } }] })],
  [
    'a backend whose capabilities disagree with its methods',
    () => {
      const inner = memory('x');
      const lying = Object.create(inner, { capabilities: { value: defineCapabilities({ close: true }) } }) as Backend;
      return { shards: [{ name: 'a', backend: lying }] };
    },
  ],
  [
    'one backend given to two shards',
    () => {
      const shared = memory('x');
      return { shards: [{ name: 'a', backend: shared }, { name: 'b', backend: shared }] };
    },
  ],
  ['a weight of 0', () => ({ shards: [{ name: 'a', backend: memory('x'), weight: 0 }] })],
  ['a negative weight', () => ({ shards: [{ name: 'a', backend: memory('x'), weight: -1 }] })],
  ['an infinite weight', () => ({ shards: [{ name: 'a', backend: memory('x'), weight: Number.POSITIVE_INFINITY }] })],
  ['a NaN weight', () => ({ shards: [{ name: 'a', backend: memory('x'), weight: Number.NaN }] })],
  ['a weight that is not a number', () => ({ shards: [{ name: 'a', backend: memory('x'), weight: '2' }] })],
  ['an active flag that is not a boolean', () => ({ shards: [{ name: 'a', backend: memory('x'), active: 'yes' }] })],
  ['freeBytes that is not a function', () => ({ shards: [{ name: 'a', backend: memory('x'), freeBytes: 5 }] })],
  ['an unknown strategy', () => ({ shards: memoryShards(['a']), strategy: 'round-robin' })],
  ['a negative TTL', () => ({ shards: memoryShards(['a']), freeSpaceTtlMs: -1 })],
  ['a TTL that is not a number', () => ({ shards: memoryShards(['a']), freeSpaceTtlMs: '5s' })],
  ['an active shard without freeBytes under free-space', () => ({ shards: memoryShards(['a']), strategy: 'free-space' })],
];

for (const [what, options] of INVALID) {
  t.test(`${what} is INVALID_CONFIG`, async (t) => {
    t.throws(() => createShardRouter(options() as ShardRouterOptions), { code: 'STOWAGE_INVALID_CONFIG' });
  });
}

t.test('defaults are filled in and the descriptors frozen', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b'], [{}, { active: false, weight: 2.5 }]) });
  t.equal(router.strategy, 'rendezvous');
  t.same(
    router.shards.map(({ name, active, weight }) => ({ name, active, weight })),
    [
      { name: 'a', active: true, weight: 1 },
      { name: 'b', active: false, weight: 2.5 },
    ],
  );
  t.ok(Object.isFrozen(router.shards));
  t.ok(router.shards.every((shard) => Object.isFrozen(shard)));
  t.notOk('freeBytes' in router.shards[0]!, 'no freeBytes key when none was given');
});

t.test('free-space needs freeBytes only on active shards', async (t) => {
  const router = createShardRouter({
    shards: memoryShards(['a', 'b'], [{ freeBytes }, { active: false }]),
    strategy: 'free-space',
    freeSpaceTtlMs: 0,
  });
  t.equal(router.strategy, 'free-space');
  t.equal((await router.place('k')).name, 'a');
});

t.test('shard(name) finds any shard by name; an unknown name is NOT_FOUND naming it in the context', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b'], [{}, { active: false }]) });
  t.equal(router.shard('b'), router.shards[1]);
  const error = t.throws(() => router.shard('zz'), { code: 'STOWAGE_NOT_FOUND' }) as unknown as { context: { backend?: string } };
  t.equal(error.context.backend, 'zz');
});

t.test('asBackend rejects an empty or non-string name with INVALID_CONFIG', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a']) });
  t.throws(() => router.asBackend(''), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => router.asBackend(3 as unknown as string), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.test('isValidShardName accepts path segments of [A-Za-z0-9._-] only', async (t) => {
  for (const name of ['a', 'Shard-01', 'smb.server_2', '...', '-']) t.ok(isValidShardName(name), name);
  for (const name of ['', '.', '..', 'a/b', 'ä', 'a b', 'a\0', 5, undefined]) t.notOk(isValidShardName(name), String(name));
});
