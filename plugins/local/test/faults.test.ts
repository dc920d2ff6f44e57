import t from 'tap';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { applyLayers, isStowageError, retryLayer } from '@stowage/core';
import { assertContent, closed, expectCode, openFileDescriptors, patternBytes, writeFile } from '@stowage/testkit';
import { faultyStore, snapshot, stagingEntries } from './helpers/store.js';

/** Open descriptors of this process (Linux). */
const fds = (): number => openFileDescriptors() ?? 0;

const STAGED = /\/\.stowage\/staging\//;

async function* chunks(count: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield patternBytes(64 * 1024, i + 1);
}

t.test('F1: ENOSPC while writing gives INSUFFICIENT_STORAGE, removes the temp file, keeps the old content', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'committed');
  // 40 chunks of 64 KiB are gathered into three writes (1 MiB, 1 MiB, 512 KiB): the last fails.
  fs.inject({ call: 'handle.write', code: 'ENOSPC', nth: 3 });
  await expectCode(backend.write('file', chunks(40)), 'STOWAGE_INSUFFICIENT_STORAGE');
  fs.heal();
  t.same(stagingEntries(root), []);
  await assertContent(backend, 'file', 'committed');
  await writeFile(backend, 'after', 'the store still takes writes');
  await assertContent(backend, 'after', 'the store still takes writes');
});

t.test('F2: ENOSPC creating directories gives INSUFFICIENT_STORAGE and stores nothing', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  fs.inject({ call: 'mkdir', code: 'ENOSPC' });
  await expectCode(backend.write('new/dir/file', [Buffer.from('x')]), 'STOWAGE_INSUFFICIENT_STORAGE');
  fs.heal();
  t.same(await snapshot(backend), []);
  t.same(stagingEntries(root), []);
});

t.test('F3: EIO on the file fsync gives IO, removes the temp file, and never retries the fsync', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'committed');
  fs.resetLog();
  fs.inject({ call: 'handle.sync', code: 'EIO', path: STAGED });
  await expectCode(backend.write('file', [Buffer.from('new content')]), 'STOWAGE_IO');
  t.equal(fs.log.filter((entry) => entry.call === 'handle.sync').length, 1, 'one fsync, no retry');
  t.equal(fs.log.filter((entry) => entry.call === 'rename').length, 0, 'nothing renamed after a failed fsync');
  fs.heal();
  t.same(stagingEntries(root), []);
  await assertContent(backend, 'file', 'committed');
});

t.test('F4: EIO on the directory fsync after the rename rejects; the file is whole, never partial', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'committed');
  fs.inject({ call: 'handle.sync', code: 'EIO', path: /store-[^/]+$/ });
  await expectCode(backend.write('file', [Buffer.from('new content')]), 'STOWAGE_IO');
  fs.heal();
  t.same(stagingEntries(root), []);
  await assertContent(backend, 'file', 'new content');
});

t.test('EXDEV on the rename gives IO and removes the temp file', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  fs.inject({ call: 'rename', code: 'EXDEV' });
  await expectCode(backend.write('file', [Buffer.from('x')]), 'STOWAGE_IO');
  fs.heal();
  t.same(stagingEntries(root), []);
  t.same(await snapshot(backend), []);
});

t.test('F7: EMFILE gives BUSY with a retry hint, and everything is released', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'committed');
  const before = fds();
  fs.inject({ call: 'open', code: 'EMFILE', persistent: true });
  const write = await expectCode(backend.write('other', [Buffer.from('x')]), 'STOWAGE_BUSY');
  t.equal(write.retryAfterMs, 1000);
  t.equal(write.retryable, true);
  await expectCode(backend.read('file'), 'STOWAGE_BUSY');
  fs.heal();
  t.equal(fds(), before);
  await assertContent(backend, 'file', 'committed');
});

t.test('F8: EACCES on the storage gives PERMISSION_DENIED and leaves no partial file', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  fs.inject({ call: 'open', code: 'EACCES', path: STAGED });
  await expectCode(backend.write('file', [Buffer.from('x')]), 'STOWAGE_PERMISSION_DENIED');
  fs.inject({ call: 'lstat', code: 'EPERM', persistent: true });
  await expectCode(backend.stat('file'), 'STOWAGE_PERMISSION_DENIED');
  fs.heal();
  t.same(stagingEntries(root), []);
  t.same(await snapshot(backend), []);
});

t.test('EIO while streaming a read fails the stream with IO and closes the file', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  // Three chunks (1 MiB each), so the second read fails mid-stream.
  await writeFile(backend, 'file', patternBytes(3 * 1024 * 1024));
  const before = fds();
  fs.inject({ call: 'handle.read', code: 'EIO', nth: 2 });
  const { stream } = await backend.read('file');
  stream.resume();
  const error = await closed(stream);
  t.ok(isStowageError(error, 'STOWAGE_IO'), `got ${String(error)}`);
  if (isStowageError(error)) t.same(error.context, { backend: 'local', operation: 'read', path: 'file' });
  fs.heal();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(fds(), before);
});

t.test('a failure between opening and streaming closes the file', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'x');
  const before = fds();
  fs.inject({ call: 'handle.stat', code: 'EIO' });
  await expectCode(backend.read('file'), 'STOWAGE_IO');
  await expectCode(backend.read('file', { range: { offset: 5 } }), 'STOWAGE_RANGE_NOT_SATISFIABLE');
  t.equal(fds(), before);
});

t.test('a failing close after a complete read is reported on the stream', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'x');
  fs.inject({ call: 'handle.close', code: 'EIO' });
  const { stream } = await backend.read('file');
  stream.resume();
  const error = await closed(stream);
  t.ok(isStowageError(error, 'STOWAGE_IO'));
});

t.test('U14: a temp name that already exists is met with a fresh name', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  fs.inject({ call: 'open', code: 'EEXIST', path: STAGED });
  await writeFile(backend, 'file', 'written anyway');
  t.equal(fs.log.filter((entry) => entry.call === 'open' && STAGED.test(entry.path)).length, 2);
  fs.inject({ call: 'open', code: 'EEXIST', path: STAGED, persistent: true });
  await expectCode(backend.write('other', [Buffer.from('x')]), 'STOWAGE_IO');
  t.equal(fs.log.filter((entry) => entry.call === 'open' && STAGED.test(entry.path)).length, 7, 'five attempts, then it gives up');
});

t.test('a temp file whose cleanup also failed is removed by the staging sweep', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  fs.inject({ call: 'handle.write', code: 'ENOSPC' }, { call: 'unlink', code: 'EIO' });
  await expectCode(backend.write('file', [Buffer.from('x')]), 'STOWAGE_INSUFFICIENT_STORAGE');
  fs.heal();
  t.equal(stagingEntries(root).length, 1, 'the temp file is left behind, invisible');
  t.same(await snapshot(backend), []);
  t.equal(await backend.sweepStaging(0), 1);
  t.same(stagingEntries(root), []);
  fs.inject({ call: 'opendir', code: 'EIO' });
  await expectCode(backend.sweepStaging(0), 'STOWAGE_IO');
  fs.inject({ call: 'opendir', code: 'EACCES' });
  await expectCode(backend.staleStagedWrites(new Date(), { remove: false }), 'STOWAGE_PERMISSION_DENIED');
});

t.test('failures of rename, delete and listing are mapped, and change nothing', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  await writeFile(backend, 'dir/a', 'a');
  fs.inject({ call: 'rename', code: 'EBUSY' });
  const busy = await expectCode(backend.rename('dir/a', 'dir/b'), 'STOWAGE_BUSY');
  t.equal(busy.context.operation, 'rename');
  fs.inject({ call: 'unlink', code: 'EROFS' });
  await expectCode(backend.delete('dir/a'), 'STOWAGE_PERMISSION_DENIED');
  fs.inject({ call: 'rm', code: 'EIO' });
  await expectCode(backend.delete('dir', { recursive: true }), 'STOWAGE_IO');
  fs.inject({ call: 'rmdir', code: 'EEXIST' });
  await backend.createDir('empty');
  await expectCode(backend.delete('empty'), 'STOWAGE_DIRECTORY_NOT_EMPTY');
  fs.inject({ call: 'opendir', code: 'EACCES' });
  await expectCode((async () => {
    for await (const _ of backend.list('dir')) void _;
  })(), 'STOWAGE_PERMISSION_DENIED');
  fs.inject({ call: 'lstat', code: 'EIO', path: /\/dir\/a$/ });
  await expectCode((async () => {
    for await (const _ of backend.list('dir')) void _;
  })(), 'STOWAGE_IO');
  fs.heal();
  t.same(await snapshot(backend), ['dir/', 'dir/a=a', 'empty/']);
});

t.test('a failure after the commit is a non-retryable IO, so a retried rename never reports a moved file as missing', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  await writeFile(backend, 'from', 'moving');
  const retried = applyLayers(backend, [retryLayer({ sleep: async () => undefined })]);
  fs.resetLog();
  // The directory fsync after the rename opens the directory: EMFILE there comes after the move.
  fs.inject({ call: 'open', code: 'EMFILE', path: new RegExp(`${root}$`) });
  const error = await expectCode(retried.rename!('from', 'to'), 'STOWAGE_IO');
  t.equal(error.retryable, false);
  t.equal(fs.log.filter((entry) => entry.call === 'rename').length, 1, 'renamed once, not retried');
  fs.heal();
  await assertContent(backend, 'to', 'moving');
  await expectCode(backend.stat('from'), 'STOWAGE_NOT_FOUND');
  fs.inject({ call: 'open', code: 'EMFILE', path: new RegExp(`${root}$`) });
  const write = await expectCode(retried.write('to', [Buffer.from('rewritten')]), 'STOWAGE_IO');
  t.equal(write.retryable, false);
  fs.heal();
  await assertContent(backend, 'to', 'rewritten');
});

t.test('an abort during the commit is honoured up to the rename', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  await writeFile(backend, 'file', 'committed');
  const controller = new AbortController();
  fs.inject({ call: 'handle.sync', path: STAGED, before: () => controller.abort() });
  await expectCode(backend.write('file', [Buffer.from('late')], { signal: controller.signal }), 'STOWAGE_ABORTED');
  fs.heal();
  await assertContent(backend, 'file', 'committed');
  t.same(stagingEntries(root), []);
});

t.test('new directories are made durable: the holder of each is fsynced', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  fs.resetLog();
  await writeFile(backend, 'a/b/c.txt', 'deep');
  const synced = fs.log.filter((entry) => entry.call === 'handle.sync').map((entry) => entry.path);
  t.ok(synced.some((path) => STAGED.test(path)), 'the file');
  for (const directory of [root, join(root, 'a'), join(root, 'a', 'b')]) t.ok(synced.includes(directory), `${directory}`);
  fs.resetLog();
  await backend.createDir('x/y');
  const dirs = fs.log.filter((entry) => entry.call === 'handle.sync').map((entry) => entry.path);
  t.same(dirs.sort(), [root, join(root, 'x')].sort());
});

t.test('a write into a folder whose creation is not durable yet syncs the folder\'s holder itself', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  const exactly = (path: string): RegExp => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const synced = (): string[] => fs.log.filter((entry) => entry.call === 'handle.sync').map((entry) => entry.path);
  // The first write creates n/ but cannot make it durable: its sync of the root fails.
  fs.inject({ call: 'handle.sync', code: 'EIO', path: exactly(root) });
  await expectCode(backend.write('n/a.txt', [Buffer.from('a')]), 'STOWAGE_IO');
  fs.heal();
  // The next write finds n/ in place, but must not acknowledge before n/ itself is durable.
  fs.resetLog();
  await writeFile(backend, 'n/b.txt', 'b');
  t.ok(synced().includes(root), 'the holder of n/ is synced by the write that uses it');
  t.ok(synced().includes(join(root, 'n')));
  // Once a sync of the holder succeeded, n/ is durable: later writes sync only their folder.
  fs.resetLog();
  await writeFile(backend, 'n/c.txt', 'c');
  t.notOk(synced().includes(root), 'a durable folder is not synced again');
  // The same holds for folders created by renames and by createDir.
  fs.inject({ call: 'handle.sync', code: 'EIO', path: exactly(root) });
  await expectCode(backend.rename('n/c.txt', 'm/c.txt'), 'STOWAGE_IO');
  fs.heal();
  fs.resetLog();
  await backend.createDir('m/sub');
  t.ok(synced().includes(root), 'createDir inside a folder not yet durable syncs its holder');
  fs.resetLog();
  await backend.rename('n/b.txt', 'm/sub/b.txt');
  t.notOk(synced().includes(root));
  t.same(await snapshot(backend), ['m/', 'm/c.txt=c', 'm/sub/', 'm/sub/b.txt=b', 'n/', 'n/a.txt=a']);
});

t.test('a failed rename removes the directories it created for its target', async (t) => {
  const { backend, fs } = await faultyStore(t.testdir());
  await writeFile(backend, 'from', 'x');
  fs.inject({ call: 'rename', code: 'EXDEV' });
  await expectCode(backend.rename('from', 'new/dirs/to'), 'STOWAGE_IO');
  fs.heal();
  t.same(await snapshot(backend), ['from=x']);
});

t.test('a staging folder removed from under the backend is recreated; a vanished root is UNAVAILABLE', async (t) => {
  const { backend, root } = await faultyStore(t.testdir());
  rmSync(join(root, '.stowage'), { recursive: true });
  await writeFile(backend, 'file', 'written after staging vanished');
  await assertContent(backend, 'file', 'written after staging vanished');
  t.same(stagingEntries(root), []);
  rmSync(root, { recursive: true });
  await expectCode(backend.write('file', [Buffer.from('x')]), 'STOWAGE_UNAVAILABLE');
});
