import t from 'tap';
import { createMemoryBackend, findBackendShapeProblems, type BackendEntry } from '../../src/index.js';
import { createShardRouter } from '../../src/sharding/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';
import { exists, findPath, keys, memoryShards, readText, snapshot, writeText } from './helpers/shards.js';

async function collect(items: AsyncIterable<BackendEntry>): Promise<BackendEntry[]> {
  const result: BackendEntry[] = [];
  for await (const item of items) result.push(item);
  return result;
}

t.test('the backend is named sharded by default, its root lists the shards, and its shape is sound', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b']) });
  const backend = router.asBackend();
  t.same(backend.info, { scheme: 'sharded', name: 'sharded', root: 'a,b' });
  t.ok(Object.isFrozen(backend.info));
  t.equal(router.asBackend('media').info.name, 'media');
  t.same(findBackendShapeProblems(backend), []);
  t.equal(backend.close, undefined, 'the router does not own its shards, so there is no close');
});

t.test('a write lands on the shard place(path) chooses, and only there', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b', 'c']) });
  const backend = router.asBackend();
  for (const path of keys(30, 'dir/file')) {
    await writeText(backend, path, path);
    const target = await router.place(path);
    for (const shard of router.shards) t.equal(await exists(shard.backend, path), shard === target, `${path} on ${shard.name}`);
  }
});

t.test('etags name the shard, so a file that moves to another shard gets a new etag', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b']) });
  const entry = await router.asBackend().write('x', [Buffer.from('x')]);
  t.match(entry.etag, new RegExp(`^${(await router.place('x')).name}:`));
});

t.test('files written before a shard was added are still found, listed, and moved to their new shard when rewritten', async (t) => {
  const shards = memoryShards(['a', 'b', 'c']);
  const before = createShardRouter({ shards: shards.slice(0, 2) }).asBackend();
  const paths = keys(60, 'old');
  for (const path of paths) await writeText(before, path, `v1 ${path}`);
  const router = createShardRouter({ shards });
  const backend = router.asBackend();
  for (const path of paths) t.equal(await readText(backend, path), `v1 ${path}`);
  t.same((await collect(backend.list('old'))).map((entry) => entry.path).sort(), [...paths].sort());
  const moving = await findPath((i) => paths[i]!, async (path) => (await router.place(path)).name === 'c');
  const old = await backend.stat(moving);
  await writeText(backend, moving, 'v2');
  t.equal(await readText(backend, moving), 'v2');
  t.notOk(await exists(shards[0]!.backend, moving), 'the older copy on a is gone');
  t.notOk(await exists(shards[1]!.backend, moving), 'the older copy on b is gone');
  t.ok(await exists(shards[2]!.backend, moving));
  t.not((await backend.stat(moving)).etag, old.etag);
});

t.test('an inactive shard takes no new files, but its files stay readable, listed and deletable', async (t) => {
  const shards = memoryShards(['old', 'new1', 'new2']);
  await writeText(shards[0]!.backend, 'archive/kept.txt', 'kept');
  await writeText(shards[0]!.backend, 'archive/gone.txt', 'gone');
  const router = createShardRouter({ shards: [{ ...shards[0]!, active: false }, shards[1]!, shards[2]!] });
  const backend = router.asBackend();
  t.equal(await readText(router.shard('old').backend, 'archive/kept.txt'), 'kept', 'shard(name) reaches it');
  t.equal(await readText(backend, 'archive/kept.txt'), 'kept', 'the sharded backend reads it');
  t.equal((await backend.stat('archive/kept.txt')).size, 4);
  for (const path of keys(40, 'new')) await writeText(backend, `archive/${path.replace('/', '-')}`, 'x');
  t.same(await snapshot(shards[0]!.backend), ['archive/', 'archive/gone.txt=gone', 'archive/kept.txt=kept'], 'nothing new on the inactive shard');
  t.equal((await collect(backend.list('archive'))).length, 42);
  await backend.delete('archive/gone.txt');
  t.notOk(await exists(shards[0]!.backend, 'archive/gone.txt'));
  await writeText(backend, 'archive/kept.txt', 'rewritten');
  t.notOk(await exists(shards[0]!.backend, 'archive/kept.txt'), 'a rewrite moves the file off the inactive shard');
  t.equal(await readText(backend, 'archive/kept.txt'), 'rewritten');
});

t.test('with no active shard, reads work and writes are UNAVAILABLE', async (t) => {
  const shards = memoryShards(['a']);
  await writeText(shards[0]!.backend, 'f', 'x');
  const backend = createShardRouter({ shards: [{ ...shards[0]!, active: false }] }).asBackend();
  t.equal(await readText(backend, 'f'), 'x');
  await t.rejects(backend.write('g', [Buffer.from('y')]), { code: 'STOWAGE_UNAVAILABLE', context: { operation: 'write', path: 'g' } });
  await t.rejects(backend.createDir('d'), { code: 'STOWAGE_UNAVAILABLE' });
});

t.test('when a file exists on several shards, stat, read and list all report the copy on its likeliest shard', async (t) => {
  const shards = memoryShards(['a', 'b', 'c']);
  const router = createShardRouter({ shards });
  const backend = router.asBackend();
  const order = async (path: string): Promise<string[]> => (await router.rank(path)).map((shard) => shard.name);
  const declared = (name: string): number => ['a', 'b', 'c'].indexOf(name);
  // Copies on the second and third choices only; the listing visits the third choice first.
  const later = await findPath((i) => `later-${String(i)}`, async (path) => {
    const [, second, third] = await order(path);
    return declared(third!) < declared(second!);
  });
  const earlier = await findPath((i) => `earlier-${String(i)}`, async (path) => {
    const [, second, third] = await order(path);
    return declared(second!) < declared(third!);
  });
  const everywhere = 'everywhere';
  for (const path of [later, earlier]) {
    const [, second, third] = await order(path);
    await writeText(router.shard(second!).backend, path, 'second choice');
    await writeText(router.shard(third!).backend, path, 'third choice, longer');
  }
  const [first] = await order(everywhere);
  for (const shard of shards) await writeText(shard.backend, everywhere, shard.name === first ? 'first' : 'another copy');
  const listed = new Map((await collect(backend.list(''))).map((entry) => [entry.path, entry]));
  t.equal(listed.size, 3, 'each path once');
  for (const path of [later, earlier, everywhere]) {
    const stat = await backend.stat(path);
    t.equal(listed.get(path)?.size, stat.size, `${path}: list and stat agree on the size`);
    t.equal(listed.get(path)?.etag, stat.etag, `${path}: list and stat agree on the etag`);
  }
  t.equal(await readText(backend, later), 'second choice');
  t.equal(await readText(backend, everywhere), 'first');
});

t.test('directories spanning shards are listed once, and the namespace is checked across shards', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b']) });
  const backend = router.asBackend();
  const other = async (path: string, than: string): Promise<boolean> => (await router.place(path)).name !== (await router.place(than)).name;
  // A directory on one shard and a file of the same name placed on the other.
  const dir = await findPath((i) => `d${String(i)}`, (path) => other(`${path}/child`, path));
  await writeText(backend, `${dir}/child`, 'c');
  await t.rejects(backend.write(dir, [Buffer.from('x')]), { code: 'STOWAGE_IS_A_DIRECTORY', context: { path: dir } });
  // A file on one shard and a path below it placed on the other.
  const file = await findPath((i) => `f${String(i)}`, (path) => other(`${path}/child`, path));
  await writeText(backend, file, 'f');
  await t.rejects(backend.write(`${file}/child`, [Buffer.from('x')]), { code: 'STOWAGE_NOT_A_DIRECTORY' });
  await t.rejects(backend.createDir(`${file}/sub`), { code: 'STOWAGE_NOT_A_DIRECTORY' });
  await t.rejects(backend.createDir(file), { code: 'STOWAGE_NOT_A_DIRECTORY' });
  // One directory with children on both shards.
  const names = keys(10, 'shared/f');
  for (const path of names) await writeText(backend, path, 'x');
  t.ok(new Set(await Promise.all(names.map(async (path) => (await router.place(path)).name))).size === 2, 'both shards hold children');
  const top = await collect(backend.list(''));
  t.equal(top.filter((entry) => entry.path === 'shared').length, 1, 'the shared directory is listed once');
  t.equal((await collect(backend.list('', { recursive: true }))).filter((entry) => entry.path === 'shared').length, 1);
});

t.test('a non-recursive delete of a directory non-empty on any shard removes nothing; once empty everywhere, it goes', async (t) => {
  const router = createShardRouter({ shards: memoryShards(['a', 'b']) });
  const backend = router.asBackend();
  const first = await findPath((i) => `dir/x${String(i)}`, async (path) => (await router.place(path)).name === 'a');
  const second = await findPath((i) => `dir/y${String(i)}`, async (path) => (await router.place(path)).name === 'b');
  await writeText(backend, first, '1');
  await writeText(backend, second, '2');
  await backend.delete(first);
  await t.rejects(backend.delete('dir'), { code: 'STOWAGE_DIRECTORY_NOT_EMPTY', context: { operation: 'delete', path: 'dir' } });
  t.ok(await exists(router.shard('a').backend, 'dir'), 'the empty half on a was not removed');
  await backend.delete(second);
  await backend.delete('dir');
  t.notOk(await exists(backend, 'dir'));
  t.same([await snapshot(router.shard('a').backend), await snapshot(router.shard('b').backend)], [[], []]);
});

t.test('createDir makes the directory on its placed shard only, and nothing when any shard has it', async (t) => {
  const backends = [new ScriptedBackend(createMemoryBackend({ name: 'a' })), new ScriptedBackend(createMemoryBackend({ name: 'b' }))];
  const router = createShardRouter({ shards: [{ name: 'a', backend: backends[0]! }, { name: 'b', backend: backends[1]! }] });
  const backend = router.asBackend();
  await backend.createDir('made/here');
  const target = await router.place('made/here');
  for (const shard of router.shards) t.equal(await exists(shard.backend, 'made/here'), shard === target, shard.name);
  const before = backends.map((scripted) => scripted.count('createDir'));
  await backend.createDir('made/here');
  await backend.createDir('made');
  t.same(backends.map((scripted) => scripted.count('createDir')), before, 'existing directories are not created again');
});
