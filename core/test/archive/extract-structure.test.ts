import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import t from 'tap';
import { expectHostile, zipOf, bufferEntry } from './helpers/extract-fixture.js';
import { buildZip, extraField, type RawEntry } from './helpers/zip-writer.js';
import { unzip } from './helpers/unzip.js';

const file = (name: string, data = 'x', extra: Partial<RawEntry> = {}): RawEntry => ({ name, data: Buffer.from(data), ...extra });

t.test('Z8: overlapping entries (the non-recursive zip bomb) are rejected before inflating', async (t) => {
  // Fifield's quoted overlap: entry a's data claims to run over entry b's local header and data.
  const kernel = deflateRawSync(Buffer.alloc(100_000));
  const b: RawEntry = { name: 'b', method: 8, data: Buffer.alloc(100_000) };
  const spanOfB = 30 + 1 + kernel.length;
  await expectHostile(
    t,
    buildZip([{ name: 'a', method: 8, fileData: kernel, compressedSize: kernel.length + spanOfB, uncompressedSize: 100_000, crc32: 0 }, b]),
    'overlap',
  );
  // Data that runs into the central directory.
  await expectHostile(t, buildZip([file('a', 'abc', { compressedSize: 3 + 20, uncompressedSize: 3 + 20 })]), 'overlap');
  // Full overlap: every central entry points at one local header (its name matches only one).
  await expectHostile(
    t,
    buildZip([
      { name: 'k', method: 8, data: Buffer.alloc(100_000) },
      { name: 'k2', method: 8, data: Buffer.alloc(100_000), noLocal: true, offset: 0, fileData: kernel },
    ]),
    'header-mismatch',
  );
});

t.test('Z12: truncated, garbage and malformed structures are STOWAGE_REJECTED (malformed)', async (t) => {
  const valid = (await zipOf([bufferEntry('a.txt', 'hello'), bufferEntry('b.txt', randomBytes(5000))])).bytes;
  await expectHostile(t, valid.subarray(0, valid.length - 10), 'malformed');
  await expectHostile(t, valid.subarray(0, valid.length >> 1), 'malformed');
  await expectHostile(t, Buffer.alloc(0), 'malformed');
  await expectHostile(t, randomBytes(1000), 'malformed');
  await expectHostile(t, buildZip([file('a')], { comment: Buffer.from('PK\u0005\u0006 a fake end of central directory record in the comment') }), 'malformed');
  const badCentral = Buffer.from(valid);
  badCentral.writeUInt32LE(0xdeadbeef, badCentral.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
  await expectHostile(t, badCentral, 'malformed');
  const badLocal = buildZip([file('a')]);
  badLocal.writeUInt32LE(0xdeadbeef, 0);
  await expectHostile(t, badLocal, 'malformed');
  await expectHostile(t, buildZip([file('a', 'abc', { offset: 1_000_000 })]), 'malformed');
});

t.test('Z12: multi-disk, encrypted and unsupported methods are rejected', async (t) => {
  await expectHostile(t, buildZip([file('a')], { diskNumber: 1 }), 'multi-disk');
  await expectHostile(t, buildZip([file('a', 'abc', { flags: 0x801, fileData: randomBytes(15), compressedSize: 15 })]), 'encrypted');
  await expectHostile(t, buildZip([file('a', 'abc', { flags: 0x841 })]), 'encrypted');
  await expectHostile(t, buildZip([file('a', 'abc', { flags: 0x2800 })]), 'encrypted');
  for (const method of [1, 12, 14, 93, 99]) {
    await expectHostile(t, buildZip([file('a', 'abc', { method, fileData: Buffer.from('abc') })]), 'unsupported-method');
  }
});

t.test('Z12: bad CRC-32 and corrupt deflate data are rejected, nothing stored', async (t) => {
  await expectHostile(t, buildZip([file('ok', 'fine'), file('a', 'stored data', { crc32: 1234 })]), 'crc-mismatch');
  await expectHostile(t, buildZip([{ name: 'a', method: 8, data: Buffer.from('deflated data '.repeat(50)), crc32: 99 }]), 'crc-mismatch');
  await expectHostile(t, buildZip([{ name: 'a', method: 8, data: Buffer.alloc(200), fileData: Buffer.from([0xff, 0xff, 0xff, 0xff]) }]), 'corrupt-data');
});

t.test('Z13: corrupt extra fields (NTFS, lengths) are rejected without a crash', async (t) => {
  const ntfs = (tag: number, size: number, body: number): Buffer => {
    const data = Buffer.alloc(4 + 4 + body);
    data.writeUInt16LE(tag, 4);
    data.writeUInt16LE(size, 6);
    return extraField(0x000a, data);
  };
  await expectHostile(t, buildZip([file('a', 'x', { extra: ntfs(1, 20, 20) })]), 'malformed-extra-field');
  await expectHostile(t, buildZip([file('a', 'x', { extra: ntfs(1, 24, 23) })]), 'malformed-extra-field');
  await expectHostile(t, buildZip([file('a', 'x', { extra: extraField(0x000a, Buffer.from([0, 0])) })]), 'malformed-extra-field');
  await expectHostile(t, buildZip([file('a', 'x', { extra: extraField(0x000a, Buffer.from([0, 0, 0, 0, 1, 0])) })]), 'malformed-extra-field');
  await expectHostile(t, buildZip([file('a', 'x', { localExtra: ntfs(1, 24, 10) })]), 'malformed-extra-field');
  const overlong = Buffer.from([0x55, 0x54, 0xff, 0x00, 1]);
  await expectHostile(t, buildZip([file('a', 'x', { extra: overlong })]), 'malformed-extra-field');
  await expectHostile(t, buildZip([file('a', 'x', { localExtra: overlong })]), 'malformed-extra-field');
  const sound = await unzip(buildZip([file('a', 'kept', { extra: ntfs(1, 24, 24) }), file('b', 'kept', { extra: ntfs(2, 4, 4) })]));
  t.equal(sound.files.get('a')?.toString(), 'kept', 'a sound NTFS field is accepted');
});

t.test('Z14: a local header that disagrees with the central directory is rejected', async (t) => {
  await expectHostile(t, buildZip([file('a.txt', 'x', { localName: 'b.txt' })]), 'header-mismatch');
  await expectHostile(t, buildZip([file('a.txt', 'x', { localMethod: 8 })]), 'header-mismatch');
  await expectHostile(t, buildZip([file('a.txt', 'x', { localFlags: 0x801 })]), 'header-mismatch');
});

t.test('a directory entry holding data is rejected; sound directories are reported', async (t) => {
  await expectHostile(t, buildZip([file('d/', 'data')]), 'directory-with-data');
  const { files, directories } = await unzip(buildZip([{ name: 'd/' }, { name: 'd/e/' }, file('d/e/f.txt', 'f')]));
  t.same(directories, ['d', 'd/e']);
  t.same([...files.keys()], ['d/e/f.txt']);
});
