import t from 'tap';
import { checkEntryName, crc32, extract, foldName } from '../../src/archive/index.js';
import { mediaFixture } from '../helpers/media-fixture.js';
import { expectHostile } from './helpers/extract-fixture.js';
import { buildZip, extraField, unixMode, type RawEntry } from './helpers/zip-writer.js';

const file = (name: string | Buffer, data = 'x', extra: Partial<RawEntry> = {}): RawEntry => ({ name, data: Buffer.from(data), ...extra });

t.test('Z1: parent segments are rejected', async (t) => {
  await expectHostile(t, buildZip([file('../../evil')]), 'parent-segment');
  await expectHostile(t, buildZip([file('ok.txt'), file('a/../../b')]), 'parent-segment');
  await expectHostile(t, buildZip([file('a/..')]), 'parent-segment');
  // An Info-ZIP Unicode Path field (0x7075) overrides the name: it is checked, not the decoy.
  const decoy = Buffer.from('safe.txt');
  const unicodePath = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), Buffer.from('../evil')]);
  unicodePath.writeUInt32LE(crc32(decoy), 1);
  await expectHostile(t, buildZip([file(decoy, 'x', { extra: extraField(0x7075, unicodePath) })]), 'parent-segment');
});

t.test('Z2: absolute names are rejected', async (t) => {
  await expectHostile(t, buildZip([file('/etc/cron.d/x')]), 'absolute-path');
  await expectHostile(t, buildZip([file('C:/x')]), 'absolute-path');
  await expectHostile(t, buildZip([file('C:\\x')]), 'backslash');
  await expectHostile(t, buildZip([file('//server/share/x')]), 'absolute-path');
});

t.test('Z3: backslashes are rejected, never turned into separators', async (t) => {
  await expectHostile(t, buildZip([file('..\\evil')]), 'backslash');
  await expectHostile(t, buildZip([file('a\\b.txt')]), 'backslash');
});

t.test('Z4: symlinks, hardlinks, special files and reparse points are rejected', async (t) => {
  await expectHostile(t, buildZip([file('link', '/etc/passwd', { externalAttributes: unixMode(0o120777) })]), 'symlink');
  await expectHostile(
    t,
    buildZip([file('x', '/etc', { externalAttributes: unixMode(0o120777) }), file('x/cron', 'evil')]),
    'symlink',
    {},
  );
  await expectHostile(t, buildZip([file('ok'), file('x', '../..', { externalAttributes: unixMode(0o120777) }), file('x', 'evil')]), 'symlink');
  const linkTarget = Buffer.concat([Buffer.alloc(12), Buffer.from('/etc/shadow')]);
  await expectHostile(t, buildZip([file('hard', '', { extra: extraField(0x000d, linkTarget) })]), 'hardlink');
  await expectHostile(t, buildZip([file('hard', '', { localExtra: extraField(0x000d, linkTarget) })]), 'hardlink');
  await expectHostile(t, buildZip([file('fifo', '', { externalAttributes: unixMode(0o010644) })]), 'special-file');
  await expectHostile(t, buildZip([file('tty', '', { externalAttributes: unixMode(0o020620) })]), 'special-file');
  await expectHostile(t, buildZip([file('win-link', 'x', { versionMadeBy: 10 << 8, externalAttributes: 0x400 | 0x20 })]), 'symlink');
});

t.test('Z5: duplicate names and names equal after NFC or case folding are rejected', async (t) => {
  await expectHostile(t, buildZip([file('a.txt'), file('a.txt')]), 'duplicate-name');
  await expectHostile(t, buildZip([file('Foo'), file('foo')]), 'name-collision');
  await expectHostile(t, buildZip([file('stra\u00dfe'), file('strasse')]), 'name-collision');
  await expectHostile(t, buildZip([file('caf\u00e9'), file('cafe\u0301')]), 'name-collision');
  await expectHostile(t, buildZip([file('\u212a.txt'), file('k.txt')]), 'name-collision');
  await expectHostile(t, buildZip([file('dir'), file('dir/inner')]), 'name-collision');
  await expectHostile(t, buildZip([file('DIR/inner'), file('dir')]), 'name-collision');
  await expectHostile(t, buildZip([{ name: 'd/' }, file('D')]), 'name-collision');
  t.equal(foldName('Stra\u00dfe'), 'strasse');
});

t.test('Z6: control characters, invalid UTF-8, empty and over-long names are rejected', async (t) => {
  await expectHostile(t, buildZip([file('nul\u0000.txt')]), 'control-character');
  await expectHostile(t, buildZip([file('bell\u0007')]), 'control-character');
  await expectHostile(t, buildZip([file('del\u007f')]), 'control-character');
  await expectHostile(t, buildZip([file('c1\u0085')]), 'control-character');
  await expectHostile(t, buildZip([file(Buffer.from([0x61, 0xff, 0xfe]))]), 'invalid-name');
  await expectHostile(t, buildZip([file('')]), 'empty-name');
  await expectHostile(t, buildZip([file('a//b')]), 'empty-segment');
  await expectHostile(t, buildZip([file('a/./b')]), 'dot-segment');
  await expectHostile(t, buildZip([file(`${'n'.repeat(256)}.txt`)]), 'name-too-long');
  await expectHostile(t, buildZip([file(Array.from({ length: 11 }, () => 'd'.repeat(100)).join('/'))]), 'name-too-long');
});

t.test('Z6 policy: Windows-reserved names are accepted as display names (blobs are id-based)', async (t) => {
  const { stowage } = mediaFixture();
  const zip = buildZip([file('CON', 'con'), file('nul.txt', 'nul'), file('trail.', 'dot'), file('x?y*', 'wild'), file('ab:c', 'colon')]);
  const result = await extract({ buffer: zip }, { stowage });
  t.same(result.put.entries.map((entry) => entry.filename), ['CON', 'nul.txt', 'trail.', 'x?y*', 'ab:c']);
  t.same(result.put.entries.every((entry) => entry.path.startsWith('blobs/')), true, 'stored under content paths, never under the name');
});

t.test('names in the CP437 encoding (no UTF-8 flag) are decoded, then checked', async (t) => {
  const { stowage } = mediaFixture();
  const result = await extract({ buffer: buildZip([file(Buffer.from([0x82, 0x2e, 0x74]), 'cp437', { flags: 0 })]) }, { stowage });
  t.same(result.members.map((member) => member.filename), ['\u00e9.t']);
});

t.test('checkEntryName answers the NFC path and whether it is a directory', async (t) => {
  t.same(checkEntryName('a/cafe\u0301/'), { path: 'a/caf\u00e9', directory: true });
  t.same(checkEntryName('x.txt'), { path: 'x.txt', directory: false });
  t.throws(() => checkEntryName('/x'), { code: 'STOWAGE_REJECTED' });
});
