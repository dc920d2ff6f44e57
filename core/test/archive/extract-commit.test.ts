import { randomBytes } from 'node:crypto';
import t from 'tap';
import { extract } from '../../src/archive/index.js';
import type { Backend } from '../../src/backend.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { StowageError } from '../../src/stowage-error.js';
import { mediaFixture } from '../helpers/media-fixture.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';
import { assertNothingStored, collect, expectHostile, filesOf, rejectionOf } from './helpers/extract-fixture.js';
import { InterruptingBackend } from './helpers/interrupting-backend.js';
import { buildZip, type RawEntry } from './helpers/zip-writer.js';

const alice = { name: 'alice' };
const file = (name: string, data: string | Buffer = 'x'): RawEntry => ({ name, method: 8, data: Buffer.isBuffer(data) ? data : Buffer.from(data) });
const taskZip = buildZip([{ name: 'task/' }, file('task/statement.md', '# Task'), file('task/tests/01.in', '1 2'), file('task/tests/01.out', '3')]);

async function catalogEntries(fixture: ReturnType<typeof mediaFixture>): Promise<number> {
  let count = 0;
  for await (const entry of fixture.catalog.scanEntries()) count += entry === undefined ? 0 : 1;
  return count;
}

t.test('into Stowage: one flattened folder-like, all members committed at once', async (t) => {
  const fixture = mediaFixture();
  const result = await extract({ buffer: taskZip }, { stowage: fixture.stowage, put: { principal: alice, visibility: 'public' } });
  t.same(result.members, [
    { path: 'task/statement.md', filename: 'statement.md', size: 6 },
    { path: 'task/tests/01.in', filename: '01.in', size: 3 },
    { path: 'task/tests/01.out', filename: '01.out', size: 1 },
  ]);
  t.same(result.put.entries.map((entry) => [entry.filename, entry.author, entry.visibility, entry.state]), [
    ['statement.md', 'alice', 'public', 'committed'],
    ['01.in', 'alice', 'public', 'committed'],
    ['01.out', 'alice', 'public', 'committed'],
  ]);
  t.equal(await fixture.stowage.verifyLongId(result.put.id), true);
  const opened = await fixture.stowage.open({ id: result.put.id, filename: '01.in' });
  t.equal(opened.kind === 'content' ? (await collect(opened.stream)).toString() : '', '1 2');
  t.same((await filesOf(fixture.backends['default'] as Backend)).filter((path) => !path.startsWith('blobs/')), [], 'no staging left');
});

t.test('describe places, renames or skips members; collisions after flattening are rejected', async (t) => {
  const fixture = mediaFixture();
  const result = await extract({ buffer: taskZip }, {
    stowage: fixture.stowage,
    describe: (member) => (member.path.endsWith('.out') ? null : { filename: member.path.replaceAll('/', '__'), contentType: 'text/plain' }),
  });
  t.same(result.put.entries.map((entry) => [entry.filename, entry.contentType]), [
    ['task__statement.md', 'text/plain'],
    ['task__tests__01.in', 'text/plain'],
  ]);
  await expectHostile(t, buildZip([file('a/x.txt'), file('b/x.txt')]), 'flatten-collision', {}, true);
  await expectHostile(t, buildZip([file('a/X.txt'), file('b/x.txt')]), 'flatten-collision', {}, true);
  await expectHostile(t, buildZip([{ name: 'only/' }, { name: 'dirs/' }]), 'empty-archive', {}, true);
  const skipped = mediaFixture();
  await t.rejects(extract({ buffer: taskZip }, { stowage: skipped.stowage, describe: () => null }), { code: 'STOWAGE_REJECTED' });
  const badName = mediaFixture();
  await t.rejects(extract({ buffer: taskZip }, { stowage: badName.stowage, describe: (member) => ({ filename: member.path }) }), {
    code: 'STOWAGE_INVALID_PATH',
  });
  await assertNothingStored(t, badName);
});

t.test('through staging: commit sees only verified files; staging is removed after success or failure', async (t) => {
  const staging = createMemoryBackend({ name: 'staging' });
  const seen = await extract({ buffer: taskZip }, {
    staging: { backend: staging, folder: 'tmp/x' },
    commit: async (files, directories) => {
      t.same(directories, ['task']);
      t.ok((await filesOf(staging)).every((path) => path.startsWith('tmp/x/')), 'staged under the given folder');
      return Promise.all(files.map(async (member) => [member.path, (await collect(await member.open())).toString(), member.size, member.crc32 >>> 0 === member.crc32]));
    },
  });
  t.same(seen, [
    ['task/statement.md', '# Task', 6, true],
    ['task/tests/01.in', '1 2', 3, true],
    ['task/tests/01.out', '3', 1, true],
  ]);
  t.same(await filesOf(staging), []);
  const failure = await rejectionOf(t, extract({ buffer: taskZip }, {
    staging: { backend: staging },
    commit: async () => {
      throw new StowageError('STOWAGE_FORBIDDEN', 'the application refused');
    },
  }));
  t.equal((failure as StowageError).code, 'STOWAGE_FORBIDDEN');
  t.same(await filesOf(staging), []);
});

t.test('Z15: a disk filling up mid-extraction stores nothing and leaves no staging', async (t) => {
  const inner = createMemoryBackend({ name: 'default' });
  const full = new InterruptingBackend(inner, 2, () => new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'ENOSPC'));
  const fixture = mediaFixture({ backends: full });
  const zip = buildZip([file('a.bin', randomBytes(100_000)), file('b.bin', randomBytes(100_000)), file('c.bin', 'c')]);
  const error = await rejectionOf(t, extract({ buffer: zip }, { stowage: fixture.stowage }));
  t.equal((error as StowageError).code, 'STOWAGE_INSUFFICIENT_STORAGE', 'a storage fault, not a 422');
  t.equal(await catalogEntries(fixture), 0, 'no entry, pending or committed');
  t.same(await filesOf(inner), []);
  const stagingFull = new InterruptingBackend(createMemoryBackend({ name: 's' }), 2, () => new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'ENOSPC'));
  let committed = false;
  const staged = await rejectionOf(t, extract({ buffer: zip }, { staging: { backend: stagingFull }, commit: async () => (committed = true) }));
  t.equal((staged as StowageError).code, 'STOWAGE_INSUFFICIENT_STORAGE');
  t.equal(committed, false);
  t.same(await filesOf(stagingFull.inner), []);
});

t.test('Z15: an extraction aborted mid-way stores nothing', async (t) => {
  const controller = new AbortController();
  const inner = createMemoryBackend({ name: 'default' });
  const fixture = mediaFixture({ backends: new InterruptingBackend(inner, 2, () => (controller.abort(), undefined)) });
  const zip = buildZip([file('a.bin', randomBytes(50_000)), file('b.bin', Buffer.alloc(500_000, 7)), file('c.bin', 'c')]);
  const error = await rejectionOf(t, extract({ buffer: zip }, { stowage: fixture.stowage, signal: controller.signal }));
  t.equal((error as StowageError).code, 'STOWAGE_ABORTED');
  t.equal(await catalogEntries(fixture), 0);
  t.same(await filesOf(inner), []);
  const early = mediaFixture();
  await t.rejects(extract({ buffer: zip }, { stowage: early.stowage, signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' });
});

t.test('Z15: a write refused before any byte (a scripted ENOSPC) stores nothing', async (t) => {
  const scripted = new ScriptedBackend(createMemoryBackend({ name: 'default' }));
  scripted.script('write', { delayMs: 0 }, { fail: new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'ENOSPC') });
  const fixture = mediaFixture({ backends: scripted });
  await t.rejects(extract({ buffer: taskZip }, { stowage: fixture.stowage }), { code: 'STOWAGE_INSUFFICIENT_STORAGE' });
  t.equal(await catalogEntries(fixture), 0);
  t.same(await filesOf(scripted.inner), []);
});

t.test('malformed calls are STOWAGE_INVALID_ARGUMENT', async (t) => {
  const { stowage } = mediaFixture();
  await t.rejects(extract({ buffer: taskZip }, null as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(extract(null as never, { stowage }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(extract({ buffer: taskZip }, {} as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(extract({ buffer: taskZip }, { commit: async () => 1 } as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
});
