import t from 'tap';
import {
  archiveFolder,
  hasUnservedGuards,
  importTaskFolder,
  installUnservedGuards,
  isUnserved,
  markUnserved,
  UNSERVED_PARAMETER,
} from '../../src/archive/index.js';
import { createStowage } from '../../src/create-stowage.js';
import { mediaFixture, TEST_SALT } from '../helpers/media-fixture.js';
import { assertNothingStored, collect, expectRule } from './helpers/extract-fixture.js';
import { unzip } from './helpers/unzip.js';
import { buildZip, unixMode, type RawEntry } from './helpers/zip-writer.js';

const alice = { name: 'alice' };
const admin = { name: 'root', admin: true };
const file = (name: string, data: string): RawEntry => ({ name, method: 8, data: Buffer.from(data) });
const taskZip = buildZip([
  { name: 'task/' },
  file('task/statement.md', '# Sum two numbers'),
  file('task/sample.in', '1 2'),
  file('task/tests/01.in', '40 2'),
  file('task/tests/01.out', '42'),
  file('task/judge.py', 'print("secret")'),
]);

t.test('a task folder becomes one flattened folder-like; unexported files are stored but never served', async (t) => {
  const fixture = mediaFixture();
  const { stowage } = fixture;
  const imported = await importTaskFolder(stowage, { buffer: taskZip }, {
    exported: ['statement.md', 'task/sample.in', 'nowhere.txt'],
    put: { principal: alice, visibility: 'public' },
  });
  t.same(imported.exported, ['statement.md', 'sample.in']);
  t.same(imported.unserved, ['01.in', '01.out', 'judge.py']);
  t.same(imported.missing, ['nowhere.txt']);
  t.equal(imported.put.entries.length, 5, 'every member is stored under the one id');
  t.equal(await stowage.verifyLongId(imported.id), true, 'the id hashes every member');
  t.same((await stowage.list(imported.id)).map((entry) => entry.filename), ['statement.md', 'sample.in']);
  for (const principal of [null, alice, admin]) {
    for (const filename of imported.unserved) {
      await t.rejects(stowage.open({ id: imported.id, filename }, { principal }), { code: 'STOWAGE_NOT_FOUND' }, `open ${filename}`);
      await t.rejects(stowage.stat({ id: imported.id, filename }, { principal }), { code: 'STOWAGE_NOT_FOUND' }, `stat ${filename}`);
    }
  }
  const statement = await stowage.open({ id: imported.id, filename: 'statement.md' });
  t.equal(statement.kind === 'content' ? (await collect(statement.stream)).toString() : '', '# Sum two numbers');
  const zip = await archiveFolder(stowage, imported.id, { principal: admin });
  const { files } = await unzip(await collect(zip.stream));
  t.same([...files.keys()], ['sample.in', 'statement.md'], 'the folder zip holds only exported files');
  const report = await stowage.fsck();
  t.equal(report.clean, true, 'unserved members are sound stored entries');
});

t.test('the marker persists: another instance over the same catalog hides them from the start', async (t) => {
  const fixture = mediaFixture();
  const imported = await importTaskFolder(fixture.stowage, { buffer: taskZip }, { exported: () => false, put: { visibility: 'public' } });
  t.same(imported.exported, []);
  await t.rejects(fixture.stowage.list(imported.id), { code: 'STOWAGE_NOT_FOUND' }, 'a folder-like with nothing exported lists as missing');
  const restarted = createStowage({ backends: fixture.backends['default'] as never, catalog: fixture.catalog, salt: TEST_SALT });
  t.equal(hasUnservedGuards(restarted), true, 'createStowage installs the guards');
  installUnservedGuards(restarted);
  installUnservedGuards(restarted);
  t.equal(hasUnservedGuards(restarted), true);
  t.equal(restarted.pipeline('open').names().filter((name) => name.startsWith('hide-unserved')).length, 2, 'installed once');
  await t.rejects(restarted.open({ id: imported.id, filename: 'judge.py' }), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(restarted.list(imported.id), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('a predicate manifest and a custom flattening', async (t) => {
  const { stowage } = mediaFixture();
  const imported = await importTaskFolder(stowage, { buffer: taskZip }, {
    exported: (member) => member.path.startsWith('task/tests/') && member.filename.endsWith('.in'),
    flatten: (path) => path.replace(/^task\//, '').replaceAll('/', '-'),
    put: { visibility: 'public' },
  });
  t.same(imported.exported, ['tests-01.in']);
  t.same(imported.missing, []);
  t.same((await stowage.list(imported.id)).map((entry) => entry.filename), ['tests-01.in']);
});

t.test('replacements never lead to an unserved member', async (t) => {
  const { stowage, catalog } = mediaFixture();
  const visible = await stowage.put({ filename: 'v.txt', source: [Buffer.from('v')] }, { visibility: 'public' });
  const hidden = await stowage.put({ filename: 'h.txt', source: [Buffer.from('h')], contentType: markUnserved('text/plain') }, { visibility: 'public' });
  const other = await stowage.put({ filename: 'o.txt', source: [Buffer.from('o')] }, { visibility: 'public' });
  // Recorded behind the facade's back (an older version, a restore): reads through it must
  // still not reveal the hidden member.
  await catalog.setReplacement({ id: visible.id, filename: 'v.txt' }, { id: hidden.id, filename: 'h.txt' });
  await t.rejects(stowage.open({ id: visible.id, filename: 'v.txt' }), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(stowage.open({ id: visible.id, filename: 'v.txt' }, { followReplacements: true }), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(stowage.stat({ id: visible.id, filename: 'v.txt' }, { followReplacements: true }), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(stowage.replace({ id: other.id, filename: 'o.txt' }, { id: hidden.id, filename: 'h.txt' }, { principal: admin }), {
    code: 'STOWAGE_NOT_FOUND',
  });
  const replaced = await stowage.stat({ id: other.id, filename: 'o.txt' });
  t.equal(replaced.kind, 'entry', 'the refused replacement changed nothing');
});

t.test('hostile task folders are refused with nothing stored; manifests are validated', async (t) => {
  const fixture = mediaFixture();
  const hostile = buildZip([file('task/a.in', 'a'), { ...file('task/link', '/etc/passwd'), externalAttributes: unixMode(0o120777) }]);
  await expectRule(t, importTaskFolder(fixture.stowage, { buffer: hostile }, { exported: [] }), 'symlink');
  await expectRule(t, importTaskFolder(fixture.stowage, { buffer: buildZip([file('a/x.in', '1'), file('b/x.in', '2')]) }, { exported: [] }), 'flatten-collision');
  await assertNothingStored(t, fixture);
  await t.rejects(importTaskFolder(fixture.stowage, { buffer: taskZip }, { exported: 'all' as never }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(importTaskFolder(fixture.stowage, { buffer: taskZip }, { exported: [1] as never }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(importTaskFolder(fixture.stowage, { buffer: taskZip }, null as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(
    importTaskFolder(fixture.stowage, { buffer: taskZip }, { exported: [], limits: { maxEntries: 2 }, signal: new AbortController().signal }),
    { code: 'STOWAGE_REJECTED' },
  );
});

t.test('the marker is a media-type parameter, added once and recognized in any case', async (t) => {
  t.equal(markUnserved('text/plain'), `text/plain; ${UNSERVED_PARAMETER}`);
  t.equal(markUnserved(markUnserved('text/plain')), `text/plain; ${UNSERVED_PARAMETER}`);
  t.equal(isUnserved({ contentType: 'text/plain;charset=utf-8;  STOWAGE-SERVED=NO' }), true);
  t.equal(isUnserved({ contentType: 'text/plain; stowage-served=yes' }), false);
  t.equal(isUnserved({ contentType: 'stowage-served=no/x' }), false);
});
