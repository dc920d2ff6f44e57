import { deflateRawSync } from 'node:zlib';
import t from 'tap';
import yauzl from 'yauzl';
import { DEFAULT_EXTRACT_LIMITS, extract, resolveExtractLimits, type ArchiveRule, type ZipMember } from '../../src/archive/index.js';
import { memberBytes } from '../../src/archive/member-bytes.js';
import { mediaFixture } from '../helpers/media-fixture.js';
import { bufferEntry, collect, expectHostile, expectRule, zipOf } from './helpers/extract-fixture.js';
import { buildZip, type RawEntry } from './helpers/zip-writer.js';

const zeros = (bytes: number): RawEntry => ({ name: `zeros-${bytes}`, method: 8, data: Buffer.alloc(bytes) });

t.test('Z7: a nested archive is stored as a file, never opened, and counts toward the limits', async (t) => {
  const inner = (await zipOf([bufferEntry('bomb.bin', Buffer.alloc(3_000_000))], { compress: true })).bytes;
  const outer = buildZip([{ name: 'inner.zip', data: inner }, { name: 'readme.txt', data: Buffer.from('hi') }]);
  const { stowage } = mediaFixture();
  const result = await extract({ buffer: outer }, { stowage, put: { visibility: 'public' } });
  t.same(result.members.map((member) => member.filename), ['inner.zip', 'readme.txt']);
  const opened = await stowage.open({ id: result.put.id, filename: 'inner.zip' });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.same(await collect(opened.stream), inner, 'stored byte for byte');
  await expectHostile(t, outer, 'total-size', { maxTotalBytes: inner.length + 1 });
});

t.test('Z9: a high-ratio entry is rejected on its declared ratio, with defaults and custom limits', async (t) => {
  await expectHostile(t, buildZip([zeros(20_000_000)]), 'ratio');
  await expectHostile(t, buildZip([zeros(1_000_000)]), 'ratio', { maxRatio: 50, ratioFloorBytes: 64 * 1024 });
  await expectHostile(t, buildZip([zeros(1_000_000)]), 'entry-size', { maxEntryBytes: 999_999 });
  await expectHostile(t, buildZip([zeros(600_000), { ...zeros(600_001), name: 'b' }]), 'total-size', { maxTotalBytes: 1_000_000 });
  const { stowage } = mediaFixture();
  const small = await extract({ buffer: buildZip([zeros(500_000)]) }, { stowage });
  t.equal(small.members[0]?.size, 500_000, 'small entries may compress arbitrarily well');
});

t.test('Z9: the limits hold on the bytes actually inflated, even when headers lie', async (t) => {
  // A header claiming 1 KB for 2 MB of zeros: yauzl's validateEntrySizes stops it at 1 KB.
  const liar = buildZip([{ ...zeros(2_000_000), uncompressedSize: 1000 }]);
  await expectHostile(t, liar, 'size-mismatch');
  // With yauzl's own size check off, the running checks still stop the inflation (inflate
  // yields 16 KiB chunks: limits below that show the check acts on the first chunk).
  const cases: [Partial<typeof DEFAULT_EXTRACT_LIMITS>, ArchiveRule][] = [
    [{ maxRatio: 2, ratioFloorBytes: 1000 }, 'ratio'],
    [{ maxEntryBytes: 10_000 }, 'entry-size'],
    [{ maxTotalBytes: 10_000, maxEntryBytes: 1_000_000_000 }, 'total-size'],
    [{}, 'size-mismatch'],
  ];
  for (const [limits, rule] of cases) {
    const zipfile = await yauzl.fromBufferPromise(liar, { lazyEntries: true, validateEntrySizes: false, autoClose: false });
    const [entry] = await entriesOf(zipfile);
    if (entry === undefined) throw new Error('no entry');
    const member: ZipMember = { path: entry.fileName, directory: false, size: entry.uncompressedSize, compressedSize: entry.compressedSize, crc32: entry.crc32 };
    const state = { inflated: 0, open: new Set<import('node:stream').Readable>() };
    await expectRule(t, drain(memberBytes(zipfile, entry, member, resolveExtractLimits(limits), state)), rule, `running check: ${rule}`);
    t.equal(state.open.size, 0, 'the member stream is released');
    zipfile.close();
  }
});

t.test('Z10: sizes that lie (larger or smaller than the data) are rejected', async (t) => {
  const text = Buffer.from('the real content, '.repeat(100));
  await expectHostile(t, buildZip([{ name: 'a', method: 8, data: text, uncompressedSize: text.length + 10 }]), 'size-mismatch');
  await expectHostile(t, buildZip([{ name: 'a', method: 8, data: text, uncompressedSize: text.length - 10 }]), 'size-mismatch');
  await expectHostile(t, buildZip([{ name: 'a', data: text, uncompressedSize: text.length - 1 }]), 'size-mismatch');
  const deflated = deflateRawSync(text);
  await expectHostile(t, buildZip([{ name: 'a', method: 8, data: text, fileData: deflated.subarray(0, deflated.length - 4) }]), 'corrupt-data');
});

t.test('Z11: too many entries are rejected from the count alone, before reading any', async (t) => {
  await expectHostile(t, buildZip([], { entryCount: 1_000_000 }), 'too-many-entries');
  const many = buildZip(Array.from({ length: 50 }, (_, index) => ({ name: `f${index}`, data: Buffer.from([index]) })));
  await expectHostile(t, many, 'too-many-entries', { maxEntries: 49 });
  const { stowage } = mediaFixture();
  t.equal((await extract({ buffer: many }, { stowage, limits: { maxEntries: 50 } })).members.length, 50);
});

t.test('limits are validated and default sensibly', async (t) => {
  t.same(resolveExtractLimits(), DEFAULT_EXTRACT_LIMITS);
  t.equal(resolveExtractLimits({ maxTotalBytes: 10 }).maxEntryBytes, 10, 'the entry limit follows the total');
  for (const bad of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { maxRatio: Number.POSITIVE_INFINITY }, { maxTotalBytes: -1 }, { ratioFloorBytes: Number.NaN }]) {
    t.throws(() => resolveExtractLimits(bad), { code: 'STOWAGE_INVALID_ARGUMENT' }, JSON.stringify(bad));
  }
  t.throws(() => resolveExtractLimits(null as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  const { stowage } = mediaFixture();
  await t.rejects(extract({ buffer: buildZip([zeros(10)]) }, { stowage, limits: { maxRatio: 0 } }), { code: 'STOWAGE_INVALID_ARGUMENT' });
});

async function entriesOf(zipfile: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  for await (const entry of zipfile.eachEntry()) entries.push(entry);
  return entries;
}

async function drain(source: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of source) void chunk;
}
