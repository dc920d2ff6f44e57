import t from 'tap';
import { createMemoryBackend, defineCapabilities, findBackendShapeProblems, StowageError, type Backend } from '../../src/index.js';
import { createShardRouter, type ShardRouter } from '../../src/sharding/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';
import { exists, findPath, readText, writeText } from './helpers/shards.js';

function scriptedRouter(names: readonly string[]): { router: ShardRouter; backends: Map<string, ScriptedBackend> } {
  const backends = new Map(names.map((name) => [name, new ScriptedBackend(createMemoryBackend({ name }))]));
  return { router: createShardRouter({ shards: names.map((name) => ({ name, backend: backends.get(name)! })) }), backends };
}

async function pathsOn(router: ShardRouter, from: string, to: string): Promise<[string, string]> {
  const source = await findPath((i) => `src/${String(i)}`, async (path) => (await router.place(path)).name === from);
  const target = await findPath((i) => `dst/${String(i)}`, async (path) => (await router.place(path)).name === to);
  return [source, target];
}

for (const operation of ['copy', 'rename'] as const) {
  t.test(`${operation} within one shard uses the shard's own ${operation}`, async (t) => {
    const { router, backends } = scriptedRouter(['a', 'b']);
    const backend = router.asBackend();
    const [source, target] = await pathsOn(router, 'a', 'a');
    await writeText(backend, source, 'content');
    const entry = await backend[operation]!(source, target);
    t.equal(backends.get('a')!.count(operation), 1);
    t.equal(entry.path, target);
    t.match(entry.etag, /^a:/);
    t.equal(await readText(backend, target), 'content');
    t.equal(await exists(backend, source), operation === 'copy');
  });

  t.test(`${operation} across shards streams the bytes to the target's shard`, async (t) => {
    const { router, backends } = scriptedRouter(['a', 'b']);
    const backend = router.asBackend();
    const [source, target] = await pathsOn(router, 'a', 'b');
    await writeText(backend, source, 'moving bytes');
    const entry = await backend[operation]!(source, target);
    t.equal(backends.get('a')!.count(operation) + backends.get('b')!.count(operation), 0, 'no shard-level transfer');
    t.match(entry, { path: target, size: 12, etag: /^b:/ });
    t.equal(await readText(backends.get('b')!, target), 'moving bytes');
    t.equal(await exists(backends.get('a')!, source), operation === 'copy', 'the source is kept only by a copy');
    t.equal(await exists(backends.get('a')!, 'src'), true, 'the source directory stays');
  });

  t.test(`${operation} across shards removes an older copy of the target on a third shard`, async (t) => {
    const { router, backends } = scriptedRouter(['a', 'b', 'c']);
    const backend = router.asBackend();
    const [source, target] = await pathsOn(router, 'a', 'b');
    await writeText(backend, source, 'new');
    await writeText(backends.get('c')!, target, 'stale');
    await backend[operation]!(source, target);
    t.notOk(await exists(backends.get('c')!, target));
    t.equal(await readText(backend, target), 'new');
  });

  t.test(`${operation} onto itself changes nothing and reports the file`, async (t) => {
    const { router } = scriptedRouter(['a', 'b']);
    const backend = router.asBackend();
    await writeText(backend, 'same', 'unchanged');
    const entry = await backend[operation]!('same', '//same/');
    t.match(entry, { path: 'same', size: 9 });
    t.equal(await readText(backend, 'same'), 'unchanged');
  });

  t.test(`${operation} onto a directory held by another shard is IS_A_DIRECTORY`, async (t) => {
    const { router } = scriptedRouter(['a', 'b']);
    const backend = router.asBackend();
    const [source] = await pathsOn(router, 'a', 'a');
    const directory = await findPath((i) => `dir${String(i)}`, async (path) => (await router.place(path)).name === 'a');
    await writeText(router.shard('b').backend, `${directory}/child`, 'x');
    await writeText(backend, source, 'x');
    await t.rejects(backend[operation]!(source, directory), { code: 'STOWAGE_IS_A_DIRECTORY', context: { operation, path: source } });
  });
}

t.test('a cross-shard rename whose source cannot be deleted rejects with a non-retryable IO error and keeps both files', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const backend = router.asBackend();
  const [source, target] = await pathsOn(router, 'a', 'b');
  await writeText(backend, source, 'kept twice');
  backends.get('a')!.script('delete', { fail: new StowageError('STOWAGE_UNAVAILABLE', 'share offline') });
  await t.rejects(backend.rename!(source, target), {
    code: 'STOWAGE_IO',
    retryable: false,
    context: { backend: 'sharded', operation: 'rename', path: source },
  });
  t.equal(await readText(backend, source), 'kept twice');
  t.equal(await readText(backend, target), 'kept twice');
});

t.test('a failed cross-shard copy releases the source stream and leaves no target', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const backend = router.asBackend();
  const [source, target] = await pathsOn(router, 'a', 'b');
  await writeText(backend, source, 'x');
  backends.get('b')!.script('write', { fail: new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'full') });
  await t.rejects(backend.copy!(source, target), { code: 'STOWAGE_INSUFFICIENT_STORAGE', context: { operation: 'copy' } });
  t.notOk(await exists(backend, target));
});

t.test('copy and rename are absent unless every shard has them', async (t) => {
  const memory = createMemoryBackend({ name: 'plain' });
  const bare: Backend = {
    info: memory.info,
    capabilities: defineCapabilities({ ...memory.capabilities, copy: false, rename: false }),
    stat: (path, options) => memory.stat(path, options),
    read: (path, options) => memory.read(path, options),
    write: (path, source, options) => memory.write(path, source, options),
    list: (path, options) => memory.list(path, options),
    delete: (path, options) => memory.delete(path, options),
    createDir: (path, options) => memory.createDir(path, options),
  };
  const backend = createShardRouter({ shards: [{ name: 'a', backend: bare }, { name: 'b', backend: createMemoryBackend() }] }).asBackend();
  t.equal(backend.capabilities.copy, false);
  t.equal(backend.capabilities.rename, false);
  t.equal(backend.copy, undefined);
  t.equal(backend.rename, undefined);
  t.same(findBackendShapeProblems(backend), []);
});

t.test('link and localPath, when every shard has them, are answered by the shard holding the file', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const backend = router.asBackend();
  t.equal(backend.capabilities.link, true);
  t.equal(backend.capabilities.localPath, true);
  const path = 'some/file.bin';
  const first = (await router.place(path)).name;
  t.equal(await backend.localPath!(path), `/srv/${path}`);
  t.match(await backend.link!(path), { href: /^https:\/\/example\.test\// });
  t.equal(backends.get(first)!.count('localPath'), 1, 'the likeliest shard answered');
  const other = first === 'a' ? 'b' : 'a';
  backends.get(first)!.script('localPath', { fail: new StowageError('STOWAGE_NOT_FOUND', 'no') });
  await backend.localPath!(path);
  t.equal(backends.get(other)!.count('localPath'), 1, 'a NOT_FOUND sends the search to the next shard');
});
