import t from 'tap';
import { archiveFolder, folderArchiveEntries, markUnserved } from '../../src/archive/index.js';
import { StowageError } from '../../src/stowage-error.js';
import { mediaFixture } from '../helpers/media-fixture.js';
import { collect, rejectionOf } from './helpers/extract-fixture.js';
import { unzip } from './helpers/unzip.js';

const alice = { name: 'alice' };
const bob = { name: 'bob' };

t.test('a folder-like zip streams the members the caller may read, with a known size', async (t) => {
  const { stowage } = mediaFixture();
  const put = await stowage.put(
    [
      { filename: 'report.pdf', source: [Buffer.from('%PDF')] },
      { filename: 'data.csv', source: [Buffer.from('a,b\n1,2\n')] },
    ],
    { principal: alice },
  );
  await t.rejects(archiveFolder(stowage, put.id), { code: 'STOWAGE_UNAUTHENTICATED' });
  await t.rejects(archiveFolder(stowage, put.id, { principal: bob }), { code: 'STOWAGE_FORBIDDEN' });
  await t.rejects(archiveFolder(stowage, 'f'.repeat(64), { principal: alice }), { code: 'STOWAGE_NOT_FOUND' });
  const zip = await archiveFolder(stowage, put.id, { principal: alice, prefix: put.id.slice(0, 8) });
  const bytes = await collect(zip.stream);
  t.equal(zip.size, bytes.length);
  const { files } = await unzip(bytes);
  t.same(Object.fromEntries([...files].map(([name, data]) => [name, data.toString()])), {
    [`${put.id.slice(0, 8)}/data.csv`]: 'a,b\n1,2\n',
    [`${put.id.slice(0, 8)}/report.pdf`]: '%PDF',
  });
});

t.test('a replaced member is archived with its replacement bytes, under its own name', async (t) => {
  const { stowage } = mediaFixture();
  const first = await stowage.put([{ filename: 'a.txt', source: [Buffer.from('old')] }, { filename: 'b.txt', source: [Buffer.from('b')] }], { visibility: 'public' });
  const second = await stowage.put({ filename: 'a-v2.txt', source: [Buffer.from('the new version')] }, { visibility: 'public' });
  await stowage.replace({ id: first.id, filename: 'a.txt' }, { id: second.id, filename: 'a-v2.txt' }, { principal: { name: 'x', admin: true } });
  const entries = await folderArchiveEntries(stowage, first.id);
  t.same(entries.map((entry) => [entry.name, entry.size]), [
    ['a.txt', 15],
    ['b.txt', 1],
  ]);
  const zip = await archiveFolder(stowage, first.id);
  const bytes = await collect(zip.stream);
  t.equal(zip.size, bytes.length);
  t.equal((await unzip(bytes)).files.get('a.txt')?.toString(), 'the new version');
});

t.test('a folder-like of only unserved members has nothing to archive', async (t) => {
  const { stowage } = mediaFixture();
  const put = await stowage.put({ filename: 'secret.in', source: [Buffer.from('s')], contentType: markUnserved('text/plain') }, { visibility: 'public' });
  await t.rejects(folderArchiveEntries(stowage, put.id), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('a member whose blob vanished fails the archive stream with STOWAGE_LOST', async (t) => {
  const fixture = mediaFixture();
  const put = await fixture.stowage.put([{ filename: 'a.txt', source: [Buffer.from('a')] }, { filename: 'b.txt', source: [Buffer.from('b')] }], { visibility: 'public' });
  const b = put.entries[1];
  if (b === undefined) throw new Error('no entry');
  await fixture.backends['default']?.delete(b.path);
  const zip = await archiveFolder(fixture.stowage, put.id);
  const error = await rejectionOf(t, collect(zip.stream));
  t.equal((error as StowageError).code, 'STOWAGE_LOST');
});
