import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync, readdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { collect, expectCode, listing, readFile } from '@stowage/testkit';
import { createLocalBackend, isInside } from '../src/index.js';
import { ContainedRoot } from '../src/containment.js';
import { nodeFileSystem } from '../src/file-system.js';
import { FaultyFileSystem } from './helpers/faulty-file-system.js';

t.test('isInside decides with path.relative, never by string prefix', async (t) => {
  t.ok(isInside('/srv/media', '/srv/media/a'));
  t.ok(isInside('/srv/media', '/srv/media/a/b/..c'));
  t.notOk(isInside('/srv/media', '/srv/media-evil/a'), 'a sibling with the same prefix');
  t.notOk(isInside('/srv/media', '/srv/media'), 'the root itself');
  t.notOk(isInside('/srv/media', '/srv/media/../etc/passwd'));
  t.notOk(isInside('/srv/media', '/etc/passwd'));
  t.notOk(isInside('/srv/media', '/srv/media/a\0b'), 'NUL');
});

t.test('a host path that would leave the root is refused', async (t) => {
  const root = new ContainedRoot('/srv/media', nodeFileSystem);
  t.equal(root.hostPath(''), '/srv/media');
  t.equal(root.hostPath('a/b'), '/srv/media/a/b');
  t.throws(() => root.hostPath('../media-evil/x'), { code: 'STOWAGE_UNSAFE_PATH' });
  await t.rejects(root.checkDirectory('/srv/media-evil/x'), { code: 'STOWAGE_UNSAFE_PATH' });
});

t.test('a sibling directory with the same prefix cannot be reached', async (t) => {
  const base = t.testdir({ media: {}, 'media-evil': { secret: 'sibling secret' } });
  const backend = await createLocalBackend({ root: join(base, 'media') });
  await expectCode(backend.read('../media-evil/secret'), 'STOWAGE_INVALID_PATH');
  await expectCode(backend.read('..%2Fmedia-evil/secret'), 'STOWAGE_NOT_FOUND', 'an encoded slash is a plain name');
  t.same(await listing(backend, '', true), []);
});

t.test('a directory symlink planted inside the root is never followed', async (t) => {
  const base = t.testdir({ root: { real: { file: 'inside' } }, outside: { secret: 'outside secret' } });
  const root = join(base, 'root');
  symlinkSync(join(base, 'outside'), join(root, 'evil'));
  symlinkSync(join(root, 'real'), join(root, 'inner-link'));
  const backend = await createLocalBackend({ root });
  for (const link of ['evil', 'inner-link']) {
    await expectCode(backend.read(`${link}/secret`), 'STOWAGE_UNSAFE_PATH', `read through ${link}`);
    await expectCode(backend.stat(`${link}/secret`), 'STOWAGE_UNSAFE_PATH', `stat through ${link}`);
    await expectCode(backend.write(`${link}/planted`, [Buffer.from('x')]), 'STOWAGE_UNSAFE_PATH', `write through ${link}`);
    await expectCode(backend.write(`${link}/new/deeper`, [Buffer.from('x')]), 'STOWAGE_UNSAFE_PATH', `mkdir through ${link}`);
    await expectCode(backend.createDir(`${link}/made`), 'STOWAGE_UNSAFE_PATH', `createDir through ${link}`);
    await expectCode(collect(backend.list(link)), 'STOWAGE_UNSAFE_PATH', `list ${link}`);
    await expectCode(backend.delete(`${link}/secret`), 'STOWAGE_UNSAFE_PATH', `delete through ${link}`);
    await expectCode(backend.copy(`${link}/secret`, 'stolen'), 'STOWAGE_UNSAFE_PATH', `copy through ${link}`);
    await expectCode(backend.rename(`${link}/secret`, 'stolen'), 'STOWAGE_UNSAFE_PATH', `rename through ${link}`);
    await expectCode(backend.localPath(`${link}/secret`), 'STOWAGE_UNSAFE_PATH', `localPath through ${link}`);
  }
  t.same(await listing(backend, '', true), ['real/', 'real/file'], 'links are not listed or walked');
  t.same(readdirSync(join(base, 'outside')), ['secret'], 'nothing was created outside');
  t.equal(readFileSync(join(base, 'outside', 'secret'), 'utf8'), 'outside secret');
  await backend.delete('evil');
  t.notOk(existsSync(join(root, 'evil')), 'deleting the link removes the link');
  t.equal(readFileSync(join(base, 'outside', 'secret'), 'utf8'), 'outside secret', 'and not its target');
});

t.test('a file symlink planted inside the root is refused, and writing replaces the link itself', async (t) => {
  const base = t.testdir({ root: {}, outside: 'outside secret' });
  const root = join(base, 'root');
  symlinkSync(join(base, 'outside'), join(root, 'link.txt'));
  const backend = await createLocalBackend({ root });
  await expectCode(backend.read('link.txt'), 'STOWAGE_UNSAFE_PATH');
  await expectCode(backend.stat('link.txt'), 'STOWAGE_UNSAFE_PATH');
  await expectCode(backend.localPath('link.txt'), 'STOWAGE_UNSAFE_PATH');
  await expectCode(backend.copy('link.txt', 'copy'), 'STOWAGE_UNSAFE_PATH');
  await expectCode(backend.rename('link.txt', 'moved'), 'STOWAGE_UNSAFE_PATH');
  await backend.write('link.txt', [Buffer.from('stored')]);
  t.equal((await readFile(backend, 'link.txt')).toString(), 'stored');
  t.equal(readFileSync(join(base, 'outside'), 'utf8'), 'outside secret', 'the link target is untouched');
});

t.test('FIFOs and other special files are refused without blocking, and not listed', async (t) => {
  const root = t.testdir({ regular: 'r' });
  execFileSync('mkfifo', [join(root, 'pipe')]);
  const backend = await createLocalBackend({ root });
  await expectCode(backend.read('pipe'), 'STOWAGE_UNSAFE_PATH');
  await expectCode(backend.stat('pipe'), 'STOWAGE_UNSAFE_PATH');
  t.same(await listing(backend, ''), ['regular']);
});

t.test('files with names Stowage could not have written are not listed', async (t) => {
  const root = t.testdir({ ok: 'x' });
  writeFileSync(join(root, 'line\nfeed'), 'x');
  writeFileSync(join(root, 'e\u0301-nfd'), 'x');
  writeFileSync(join(root, 'back\\slash'), 'x');
  mkdirSync(join(root, 'dir'));
  writeFileSync(join(root, 'dir', 'tab\there'), 'x');
  const backend = await createLocalBackend({ root });
  t.same(await listing(backend, '', true), ['dir/', 'ok']);
});

t.test('reads trust a folder found clean for a short while, then check it afresh', async (t) => {
  const base = realpathSync(t.testdir({ root: { dir: { file: 'inside' }, other: {} }, outside: { file: 'outside secret' } }));
  const root = join(base, 'root');
  const dir = join(root, 'dir');
  const fs = new FaultyFileSystem();
  let clock = 0;
  const contained = new ContainedRoot(root, fs, 1000, () => clock);
  const realpaths = (): number => fs.log.filter((entry) => entry.call === 'realpath').length;
  t.equal(await contained.checkRecentDirectory(dir), true);
  t.equal(realpaths(), 1);
  clock = 999;
  t.equal(await contained.checkRecentDirectory(dir), true);
  t.equal(realpaths(), 1, 'trusted without a realpath');
  t.equal(await contained.checkDirectory(dir), true);
  t.equal(realpaths(), 2, 'checkDirectory (writes, listings) always checks');
  renameSync(dir, join(base, 'moved'));
  symlinkSync(join(base, 'outside'), dir);
  clock = 1000;
  await t.rejects(contained.checkRecentDirectory(dir), { code: 'STOWAGE_UNSAFE_PATH' }, 'a swap is caught once the memory lapses');
  await t.rejects(contained.checkRecentDirectory(dir), { code: 'STOWAGE_UNSAFE_PATH' }, 'an unsafe folder is never remembered');
  const missing = join(root, 'missing');
  t.equal(await contained.checkRecentDirectory(missing), false);
  mkdirSync(missing);
  t.equal(await contained.checkRecentDirectory(missing), true, 'a missing folder is never remembered');
});

t.test('with no memory every read checks, and the memory holds a bounded number of folders', async (t) => {
  const root = realpathSync(t.testdir({ a: {}, b: {}, c: {} }));
  const fs = new FaultyFileSystem();
  const realpaths = (): number => fs.log.filter((entry) => entry.call === 'realpath').length;
  const forgetful = new ContainedRoot(root, fs, 0);
  await forgetful.checkRecentDirectory(join(root, 'a'));
  await forgetful.checkRecentDirectory(join(root, 'a'));
  t.equal(realpaths(), 2);
  fs.resetLog();
  const small = new ContainedRoot(root, fs, 1000, () => 0, 2);
  for (const name of ['a', 'b', 'c', 'c', 'b']) await small.checkRecentDirectory(join(root, name));
  t.equal(realpaths(), 3, 'b and c are remembered');
  await small.checkRecentDirectory(join(root, 'a'));
  t.equal(realpaths(), 4, 'a was dropped for them');
});

t.test('a remembered folder still never lets a read follow a file link', async (t) => {
  const base = realpathSync(t.testdir({ root: {}, outside: 'outside secret' }));
  const root = join(base, 'root');
  const fs = new FaultyFileSystem();
  const backend = await createLocalBackend({ root, fs });
  await backend.write('dir/file', [Buffer.from('inside')]);
  t.equal((await readFile(backend, 'dir/file')).toString(), 'inside');
  fs.resetLog();
  t.equal((await backend.stat('dir/file')).size, 6);
  t.equal((await readFile(backend, 'dir/file')).toString(), 'inside');
  t.same(
    fs.log.filter((entry) => entry.call === 'realpath'),
    [],
    'the folder was not checked again',
  );
  rmSync(join(root, 'dir', 'file'));
  symlinkSync(join(base, 'outside'), join(root, 'dir', 'file'));
  await expectCode(backend.read('dir/file'), 'STOWAGE_UNSAFE_PATH');
  await expectCode(backend.stat('dir/file'), 'STOWAGE_UNSAFE_PATH');
});
