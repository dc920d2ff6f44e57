import { Readable } from 'node:stream';
import t from 'tap';
import { createMemoryBackend, StowageError, type BackendEntry } from '../../src/index.js';
import { createShardRouter, type ShardRouter } from '../../src/sharding/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';
import { exists, findPath, readText, writeText } from './helpers/shards.js';

function scriptedRouter(names: readonly string[]): { router: ShardRouter; backends: Map<string, ScriptedBackend> } {
  const backends = new Map(names.map((name) => [name, new ScriptedBackend(createMemoryBackend({ name }))]));
  return { router: createShardRouter({ shards: names.map((name) => ({ name, backend: backends.get(name)! })) }), backends };
}

const offline = (): StowageError => new StowageError('STOWAGE_UNAVAILABLE', 'share offline', { context: { backend: 'inner' } });

/** A path whose likeliest shard is `first`. */
function pathFirstOn(router: ShardRouter, first: string, prefix = 'p'): Promise<string> {
  return findPath((i) => `${prefix}${String(i)}`, async (path) => (await router.place(path)).name === first);
}

t.test('a failing shard does not hide a file held by another shard', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const path = await pathFirstOn(router, 'a');
  await writeText(backends.get('b')!.inner, path, 'on b');
  backends.get('a')!.script('read', { fail: offline() }).script('stat', { fail: offline() });
  const backend = router.asBackend();
  t.equal(await readText(backend, path), 'on b');
  t.equal((await backend.stat(path)).size, 4);
});

t.test('a path missing from the healthy shards is reported with the failure, never as NOT_FOUND', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const path = await pathFirstOn(router, 'b');
  backends.get('a')!.script('stat', { fail: offline() });
  const error = (await router.asBackend('media').stat(path).catch((caught: unknown) => caught)) as StowageError;
  t.match(error, { code: 'STOWAGE_UNAVAILABLE', retryable: true, context: { backend: 'media', operation: 'stat', path } });
  backends.get('a')!.script('stat', { fail: new Error('a plain failure') });
  await t.rejects(router.asBackend().stat(path), { code: 'STOWAGE_INTERNAL', context: { operation: 'stat', path } });
});

t.test('an answer about the path from one shard ends the search', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const path = await pathFirstOn(router, 'a');
  await backends.get('a')!.inner.createDir(path);
  await writeText(backends.get('b')!.inner, path, 'shadowed');
  await t.rejects(router.asBackend().read(path), { code: 'STOWAGE_IS_A_DIRECTORY' });
  t.equal(backends.get('b')!.count('read'), 0);
});

t.test('a search stops at once when the signal aborts, with the reason the signal gave', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const path = await pathFirstOn(router, 'a');
  const controller = new AbortController();
  const timeout = new StowageError('STOWAGE_TIMEOUT', 'deadline');
  backends.get('a')!.script('stat', { delayMs: 30 });
  setTimeout(() => controller.abort(timeout), 5);
  await t.rejects(router.asBackend().stat(path, { signal: controller.signal }), { code: 'STOWAGE_TIMEOUT' });
  t.equal(backends.get('b')!.count('stat'), 0, 'the next shard was not asked');
});

t.test('a write whose namespace check fails writes nothing and releases its source', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const path = await pathFirstOn(router, 'a');
  backends.get('b')!.script('stat', { fail: offline() });
  const source = new Readable({ read() {} });
  source.push(Buffer.from('never written'));
  await t.rejects(router.asBackend().write(path, source), { code: 'STOWAGE_UNAVAILABLE', context: { operation: 'write', path } });
  t.ok(source.destroyed, 'the source was released');
  t.equal(backends.get('a')!.count('write'), 0);
  const invalid = new Readable({ read() {} });
  await t.rejects(router.asBackend().write('a/../b', invalid), { code: 'STOWAGE_INVALID_PATH' });
  t.ok(invalid.destroyed, 'released after an invalid path too');
  const directory = await pathFirstOn(router, 'a', 'dir');
  await writeText(backends.get('a')!.inner, `${directory}/child`, 'x');
  const rejected = new Readable({ read() {} });
  await t.rejects(router.asBackend().write(directory, rejected), { code: 'STOWAGE_IS_A_DIRECTORY' });
  t.equal(backends.get('a')!.count('write'), 1, 'the shard itself refused');
  t.ok(rejected.destroyed, 'released when a shard refuses the write before reading it');
});

t.test('a write whose older copy cannot be removed rejects with a non-retryable IO error, the new content in place', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const path = await pathFirstOn(router, 'a');
  await writeText(backends.get('b')!.inner, path, 'old');
  backends.get('b')!.script('delete', { fail: offline() });
  const backend = router.asBackend();
  await t.rejects(writeText(backend, path, 'new'), { code: 'STOWAGE_IO', retryable: false, context: { operation: 'write', path } });
  t.equal(await readText(backend, path), 'new', 'the new copy is the one found');
  await writeText(backend, path, 'newer');
  t.notOk(await exists(backends.get('b')!.inner, path), 'the next write removes the older copy');
});

t.test('a recursive delete fails when a shard fails, after the others have deleted', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  const backend = router.asBackend();
  await writeText(backends.get('a')!.inner, 'tree/x', 'x');
  await writeText(backends.get('b')!.inner, 'tree/y', 'y');
  backends.get('b')!.script('delete', { fail: offline() });
  await t.rejects(backend.delete('tree', { recursive: true }), { code: 'STOWAGE_UNAVAILABLE', context: { operation: 'delete', path: 'tree' } });
  t.notOk(await exists(backends.get('a')!.inner, 'tree'));
  await backend.delete('tree', { recursive: true });
  t.notOk(await exists(backend, 'tree'));
});

t.test('a listing fails when a shard fails to list', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  await writeText(backends.get('a')!.inner, 'dir/x', 'x');
  backends.get('b')!.script('list', { fail: offline() });
  const listing = async (): Promise<void> => {
    for await (const _entry of router.asBackend().list('dir')) void _entry;
  };
  await t.rejects(listing(), { code: 'STOWAGE_UNAVAILABLE', context: { backend: 'sharded', operation: 'list', path: 'dir' } });
});

t.test('a listing aborted while it yields misplaced files rejects its next step with ABORTED', async (t) => {
  const { router, backends } = scriptedRouter(['a', 'b']);
  // Files only on their second choice are held back until every shard has been listed.
  for (let i = 0; i < 6; i++) {
    const path = await findPath((n) => `many/${String(i)}-${String(n)}`, async (p) => (await router.place(p)).name === 'a');
    await writeText(backends.get('b')!.inner, path, 'x');
  }
  const controller = new AbortController();
  const iterator = router.asBackend().list('many', { signal: controller.signal })[Symbol.asyncIterator]();
  const first = await iterator.next();
  t.equal((first.value as BackendEntry).kind, 'file');
  controller.abort();
  await t.rejects(iterator.next(), { code: 'STOWAGE_ABORTED', context: { operation: 'list', path: 'many' } });
});
