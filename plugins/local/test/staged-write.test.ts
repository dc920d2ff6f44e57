import { existsSync, mkdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import t from 'tap';
import { createStowage } from '@stowage/core';
import { expectCode, patternBytes } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';
import { faultyStore, stagingEntries } from './helpers/store.js';

async function* chunks(count: number, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield patternBytes(size, i + 1);
}

function expected(count: number, size = 64 * 1024): Buffer {
  return Buffer.concat(Array.from({ length: count }, (_, i) => patternBytes(size, i + 1)));
}

t.test('stageWrite keeps the bytes in one private temp file; commit renames it once into place', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root, fileMode: 0o640 });
  const staged = await backend.stageWrite(chunks(20), { size: 20 * 64 * 1024 });
  t.equal(staged.size, 20 * 64 * 1024);
  t.equal(stagingEntries(root).length, 1, 'one temp file, nothing visible yet');
  t.equal(statSync(staged.path).mode & 0o777, 0o640, 'its mode is set before it becomes visible');
  const entry = await staged.commit('blobs/ab/cd/file');
  t.match(entry, { path: 'blobs/ab/cd/file', kind: 'file', size: 20 * 64 * 1024 });
  t.ok(readFileSync(join(root, 'blobs/ab/cd/file')).equals(expected(20)));
  t.same(stagingEntries(root), [], 'the temp file became the blob');
  await staged.discard();
  t.ok(existsSync(join(root, 'blobs/ab/cd/file')), 'a discard after the commit changes nothing');
  await expectCode(staged.commit('elsewhere'), 'STOWAGE_INTERNAL');
});

t.test('discard drops the staged bytes, is idempotent, and a later commit is refused', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  const staged = await backend.stageWrite([Buffer.from('dropped')]);
  await staged.discard();
  await staged.discard();
  t.same(stagingEntries(root), []);
  await expectCode(staged.commit('file'), 'STOWAGE_INTERNAL');
});

t.test('a failing, short or aborted source stages nothing', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  await expectCode(backend.stageWrite(chunks(3), { size: 5 }), 'STOWAGE_SIZE_MISMATCH');
  await expectCode(backend.stageWrite(chunks(3), { size: 10 * 64 * 1024 }), 'STOWAGE_SIZE_MISMATCH');
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.alloc(2 * 1024 * 1024, 1);
    throw new Error('the client went away');
  }
  await expectCode(backend.stageWrite(failing()), 'STOWAGE_ABORTED');
  const controller = new AbortController();
  controller.abort();
  await expectCode(backend.stageWrite(chunks(2), { signal: controller.signal }), 'STOWAGE_ABORTED');
  t.same(stagingEntries(root), []);
});

t.test('a commit that fails before the rename leaves nothing at the path; the bytes stay for discard', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  mkdirSync(join(root, 'taken'));
  const staged = await backend.stageWrite([Buffer.from('bytes')]);
  await expectCode(staged.commit('taken'), 'STOWAGE_IS_A_DIRECTORY');
  await expectCode(staged.commit('other'), 'STOWAGE_INTERNAL');
  t.equal(stagingEntries(root).length, 1);
  await staged.discard();
  t.same(stagingEntries(root), []);

  const { backend: faulty, fs, root: faultyRoot } = await faultyStore(t.testdir());
  const second = await faulty.stageWrite([Buffer.from('bytes')]);
  fs.inject({ call: 'mkdir', code: 'ENOSPC' });
  await expectCode(second.commit('new/dir/file'), 'STOWAGE_INSUFFICIENT_STORAGE');
  fs.heal();
  t.notOk(existsSync(join(faultyRoot, 'new')), 'no directory is left behind');
  const controller = new AbortController();
  controller.abort();
  const third = await faulty.stageWrite([Buffer.from('bytes')]);
  await expectCode(third.commit('file', { signal: controller.signal }), 'STOWAGE_ABORTED');
  await second.discard();
  await third.discard();
  t.same(stagingEntries(faultyRoot), []);
});

t.test('a directory fsync failing after the rename is a non-retryable IO; the file is whole', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  const staged = await backend.stageWrite([Buffer.from('whole')]);
  fs.inject({ call: 'handle.sync', code: 'EIO' });
  const error = await expectCode(staged.commit('dir/file'), 'STOWAGE_IO');
  t.equal(error.retryable, false);
  fs.heal();
  t.equal(readFileSync(join(root, 'dir/file'), 'utf8'), 'whole');
});

t.test('an fsync failing while staging drops the temp file and is not retried', async (t) => {
  const { backend, fs, root } = await faultyStore(t.testdir());
  fs.inject({ call: 'handle.sync', code: 'EIO' });
  await expectCode(backend.stageWrite(chunks(4)), 'STOWAGE_IO');
  fs.heal();
  t.same(stagingEntries(root), []);
});

t.test('a staged file a crash left behind is removed by the staging sweep once stale', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  const staged = await backend.stageWrite([Buffer.from('orphan')]);
  // The process "dies" here: nobody commits or discards.
  t.equal(await backend.sweepStaging(3_600_000), 0, 'a fresh one is left to its writer');
  const old = new Date(Date.now() - 7_200_000);
  utimesSync(staged.path, old, old);
  t.equal(await backend.sweepStaging(3_600_000), 1);
  t.same(stagingEntries(root), []);
});

t.test('fsck reports the stale staged files of the backend, and removes them with repair', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  const stowage = createStowage({ backends: backend, salt: 'fsck-salt-0123456789abcdef', retention: { staleAfterMs: 3_600_000 } });
  t.teardown(() => stowage.close());
  const stale = await backend.stageWrite([Buffer.from('orphan')]);
  const fresh = await backend.stageWrite([Buffer.from('in flight')]);
  const old = new Date(Date.now() - 7_200_000);
  utimesSync(stale.path, old, old);
  const name = `.stowage/staging/${basename(stale.path)}`;
  const found = await stowage.fsck();
  t.same(found.findings, [{ kind: 'stale-staging', backend: 'default', path: name, repaired: false }], 'only the stale one');
  t.ok(existsSync(stale.path), 'a check changes nothing');
  const repaired = await stowage.fsck({ repair: true });
  t.same(repaired.findings, [{ kind: 'stale-staging', backend: 'default', path: name, repaired: true }]);
  t.notOk(existsSync(stale.path));
  t.ok(existsSync(fresh.path), 'a write still in flight is left to its writer');
  t.ok((await stowage.fsck()).clean);
});

t.test('invalid targets are refused without touching the staged bytes', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  const staged = await backend.stageWrite([Buffer.from('x')]);
  await expectCode(staged.commit('../escape'), 'STOWAGE_INVALID_PATH');
  await staged.discard();
  await t.rejects(backend.stageWrite(Buffer.from('not chunks') as never), TypeError, 'a bare buffer is a programming error');
  t.same(stagingEntries(root), []);
});
