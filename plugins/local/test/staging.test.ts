import { mkdirSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { collect, expectCode, listing } from '@stowage/testkit';
import { createLocalBackend, RESERVED_SEGMENT } from '../src/index.js';

function staging(root: string): string {
  return join(root, RESERVED_SEGMENT, 'staging');
}

t.test('the staging folder is reserved in any letter case: its keys are invalid and it is never listed', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  t.same(readdirSync(join(root, RESERVED_SEGMENT)), ['staging']);
  t.equal(statSync(staging(root)).mode & 0o777, 0o700);
  for (const key of ['.stowage', '.stowage/staging/x.tmp', '/.stowage//x', '.STOWAGE/staging', '.Stowage', '.ſtowage/x']) {
    await expectCode(backend.read(key), 'STOWAGE_INVALID_PATH');
    await expectCode(backend.write(key, [Buffer.from('x')]), 'STOWAGE_INVALID_PATH');
    await expectCode(backend.delete(key, { recursive: true }), 'STOWAGE_INVALID_PATH');
    await expectCode(collect(backend.list(key)), 'STOWAGE_INVALID_PATH');
  }
  await backend.write('.stowage-not-reserved/x', [Buffer.from('fine')]);
  await backend.write('dir/.stowage', [Buffer.from('fine below the root')]);
  t.same(await listing(backend, '', true), ['.stowage-not-reserved/', '.stowage-not-reserved/x', 'dir/', 'dir/.stowage']);
});

t.test('a temp file is private while it is written; the committed file gets fileMode', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root, fileMode: 0o640 });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* slow(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('partial');
    await gate;
    yield Buffer.from(' and the rest');
  }
  const pending = backend.write('file', slow());
  // The temp file appears after a few thread-pool calls: poll for it (bounded) rather than guess a time.
  let temps = readdirSync(staging(root));
  for (const deadline = Date.now() + 10_000; temps.length === 0 && Date.now() < deadline; temps = readdirSync(staging(root))) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.equal(temps.length, 1);
  t.match(temps[0], /^[0-9a-f]{32}\.tmp$/, 'a random 128-bit name');
  t.equal(statSync(join(staging(root), temps[0] as string)).mode & 0o777, 0o600);
  await expectCode(backend.stat('file'), 'STOWAGE_NOT_FOUND', 'nothing visible before the commit');
  release();
  await pending;
  t.equal(statSync(join(root, 'file')).mode & 0o777, 0o640 & ~process.umask());
  t.same(readdirSync(staging(root)), []);
});

t.test('the startup sweep removes stale temp files and keeps fresh ones', async (t) => {
  const root = t.testdir();
  await createLocalBackend({ root });
  const old = Date.now() / 1000 - 7200;
  writeFileSync(join(staging(root), 'stale.tmp'), 'left by a crash');
  utimesSync(join(staging(root), 'stale.tmp'), old, old);
  mkdirSync(join(staging(root), 'stale-dir'));
  writeFileSync(join(staging(root), 'stale-dir', 'x'), 'x');
  utimesSync(join(staging(root), 'stale-dir'), old, old);
  writeFileSync(join(staging(root), 'fresh.tmp'), 'a write in progress elsewhere');
  const backend = await createLocalBackend({ root, staleTempAfterMs: 3_600_000 });
  t.same(readdirSync(staging(root)), ['fresh.tmp']);
  t.equal(await backend.sweepStaging(0), 1);
  t.same(readdirSync(staging(root)), []);
});

t.test('staleness is judged in whole milliseconds: a file modified within the cutoff millisecond is stale', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  const file = join(staging(root), 'same-ms.tmp');
  writeFileSync(file, 'x');
  // Modified 0.75 ms into the millisecond 1,700,000,000,123.
  utimesSync(file, 1_700_000_000.12375, 1_700_000_000.12375);
  t.ok(statSync(file).mtimeMs > 1_700_000_000_123, 'the file system keeps the fraction');
  t.same(await backend.staleStagedWrites(new Date(1_700_000_000_122), { remove: false }), []);
  t.same(await backend.staleStagedWrites(new Date(1_700_000_000_123), { remove: false }), ['.stowage/staging/same-ms.tmp']);
  t.same(await backend.staleStagedWrites(new Date(1_700_000_000_123), { remove: true }), ['.stowage/staging/same-ms.tmp']);
  t.same(readdirSync(staging(root)), []);
});

t.test('startup refuses a missing root when told not to create it, and a root that is a file', async (t) => {
  const base = t.testdir({ file: 'not a directory' });
  await t.rejects(createLocalBackend({ root: join(base, 'missing'), createRoot: false }), { code: 'STOWAGE_INVALID_CONFIG' });
  await t.rejects(createLocalBackend({ root: join(base, 'file'), createRoot: false }), { code: 'STOWAGE_INVALID_CONFIG' });
  await t.rejects(createLocalBackend({ root: join(base, 'file') }), { code: 'STOWAGE_INVALID_CONFIG' });
  const created = await createLocalBackend({ root: join(base, 'a', 'b', 'c') });
  t.equal(created.info.root, join(base, 'a', 'b', 'c'));
});

t.test('startup refuses a staging folder that is a symbolic link', async (t) => {
  const base = t.testdir({ root: { '.stowage': {} }, elsewhere: {} });
  symlinkSync(join(base, 'elsewhere'), join(base, 'root', '.stowage', 'staging'));
  await t.rejects(createLocalBackend({ root: join(base, 'root') }), { code: 'STOWAGE_UNSAFE_PATH' });
});

t.test('the root is resolved to its real path', async (t) => {
  const base = t.testdir({ real: {} });
  symlinkSync(join(base, 'real'), join(base, 'alias'));
  const backend = await createLocalBackend({ root: join(base, 'alias') });
  t.equal(backend.info.root, join(base, 'real'));
  t.same(backend.info, { scheme: 'file', name: 'local', root: join(base, 'real') });
});
