import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Readable } from 'node:stream';
import t from 'tap';
import yauzl from 'yauzl';
import { ARCHIVE_EPOCH, archive, backendArchiveEntry, backendFolderEntries, extract, storedArchiveSize, type ArchiveEntry } from '../../src/archive/index.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { isStowageError, StowageError } from '../../src/stowage-error.js';
import { CountingBackend } from './helpers/counting-backend.js';
import { bufferEntry, collect, rejectionOf, zipOf } from './helpers/extract-fixture.js';
import { unzip } from './helpers/unzip.js';

const run = promisify(execFile);

const sample = (): ArchiveEntry[] => [
  bufferEntry('src/main.c', 'int main(void) { return 0; }\n'),
  bufferEntry('empty.txt', ''),
  bufferEntry('data.bin', randomBytes(70_000)),
  bufferEntry('dup.txt', 'first'),
  bufferEntry('dup.txt', 'second'),
];

t.test('store-only: the predicted size equals the bytes produced, and the zip round-trips', async (t) => {
  const entries = sample();
  for (const options of [{}, { prefix: '42', directories: true }, { forceZip64: true }, { prefix: 'p', forceZip64: true, directories: true }]) {
    const { bytes, size, names } = await zipOf(entries, options);
    t.equal(size, bytes.length, `size for ${JSON.stringify(options)}`);
    const { files } = await unzip(bytes);
    t.same([...files.keys()].sort(), names.filter((name) => !name.endsWith('/')).sort());
  }
  const { bytes } = await zipOf(entries);
  const { files } = await unzip(bytes);
  t.equal(files.get('src/main.c')?.toString(), 'int main(void) { return 0; }\n');
  t.equal(files.get('empty.txt')?.length, 0);
  t.same(new Set([files.get('dup.txt')?.toString(), files.get('dup (1).txt')?.toString()]), new Set(['first', 'second']));
});

t.test('zip64 records are written when forced and read back by yauzl', async (t) => {
  const { bytes } = await zipOf([bufferEntry('a.txt', 'zip64 please')], { forceZip64: true });
  t.ok(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'zip64 end of central directory record');
  t.ok(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07])), 'zip64 locator');
  const zipfile = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const entries: yauzl.Entry[] = [];
  for await (const item of zipfile.eachEntry()) entries.push(item);
  const [entry] = entries;
  t.equal(entry?.extraFields.some((field) => field.id === 0x0001), true, 'zip64 extended information extra field');
  t.equal(entry?.uncompressedSize, 12);
});

t.test('Z19: a 5 GiB entry is predicted in zip64 without streaming it', async (t) => {
  const size = 5 * 1024 ** 3;
  let opened = 0;
  const source = new Readable({ read() {} });
  const result = archive([{ name: 'huge.bin', size, open: async () => (opened++, source) }]);
  // local header 30 + 8 name + data + zip64 data descriptor 24; central record 46 + 8 + zip64 extra 28;
  // zip64 EOCD 56 + locator 20 (the central directory starts past 4 GiB) + EOCD 22.
  t.equal(result.size, 30 + 8 + size + 24 + 46 + 8 + 28 + 56 + 20 + 22);
  result.stream.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(opened <= 1);
  t.equal(source.destroyed || opened === 0, true, 'the source is released');
});

t.test('the size formula puts entries past 4 GiB, directories included, in zip64', async (t) => {
  const big = 5 * 1024 ** 3;
  const items = [
    { name: 'a', size: big },
    { name: 'd/', size: undefined },
    { name: 'b', size: 1 },
  ];
  const locals = 30 + 1 + big + 24 + (30 + 2) + (30 + 1 + 1 + 24);
  const central = 46 + 1 + 28 + (46 + 2 + 28) + (46 + 1 + 28);
  t.equal(storedArchiveSize(items, false), locals + central + 76 + 22);
  t.equal(storedArchiveSize([{ name: 'x', size: 3 }], false), 30 + 1 + 3 + 16 + 46 + 1 + 22);
  t.equal(storedArchiveSize([{ name: 'x', size: 3 }], true), 30 + 1 + 3 + 24 + 46 + 1 + 28 + 76 + 22);
});

t.test('Z19: 10,000 files (a central directory over 64 KiB) give a store-only zip whose size is predicted exactly', async (t) => {
  const entries = Array.from({ length: 10_000 }, (_, index) => bufferEntry(`d${index % 10}/f${index}.txt`, `${index}`));
  const { bytes, size } = await zipOf(entries, { prefix: 'big', directories: true });
  t.equal(size, bytes.length);
  const zipfile = await yauzl.fromBufferPromise(bytes, { lazyEntries: true, strictFileNames: true });
  t.equal(zipfile.entryCount, 10_000 + 10 + 1);
  const files = await extract({ buffer: bytes }, {
    limits: { maxEntries: 10_011 },
    staging: { backend: createMemoryBackend({ name: 'staging' }) },
    commit: async (staged) => staged.length,
  });
  t.equal(files, 10_000);
});

t.test('deterministic: the same set gives the same bytes in any order', async (t) => {
  const entries = sample();
  const reference = (await zipOf(entries, { prefix: 'x', directories: true })).bytes;
  t.same((await zipOf([...entries].reverse(), { prefix: 'x', directories: true })).bytes, reference);
});

t.test('deterministic: the bytes do not depend on the process time zone', async (t) => {
  const module = new URL('../../src/archive/index.js', import.meta.url).href;
  const script = `
    const { archive } = await import(${JSON.stringify(module)});
    const { createHash } = await import('node:crypto');
    const entry = (name, text, mtime) => ({ name, size: Buffer.byteLength(text), ...(mtime ? { mtime } : {}), open: async () => [Buffer.from(text)] });
    const result = archive([entry('a/b.txt', 'hello'), entry('c.txt', 'x', new Date(Date.UTC(2021, 6, 1, 23, 59, 58)))], { prefix: 'p', directories: true });
    const hash = createHash('sha256');
    for await (const chunk of result.stream) hash.update(chunk);
    process.stdout.write(hash.digest('hex'));
  `;
  const zones = ['UTC', 'America/Los_Angeles', 'Asia/Kathmandu', 'Pacific/Kiritimati'];
  const outputs = await Promise.all(
    zones.map((tz) => run(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env['PATH'] ?? '', TZ: tz } })),
  );
  outputs.forEach(({ stdout }, index) => t.match(stdout, /^[0-9a-f]{64}$/, zones[index] ?? ''));
  t.equal(new Set(outputs.map(({ stdout }) => stdout)).size, 1);
});

t.test('timestamps are pinned: the epoch by default, an entry or archive mtime when given', async (t) => {
  const when = new Date(Date.UTC(2024, 4, 17, 13, 45, 31));
  const { bytes } = await zipOf([bufferEntry('a', 'a'), bufferEntry('b', 'b', { mtime: when })], { directories: true, prefix: 'd' });
  const zipfile = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const dates = new Map<string, string>();
  for await (const entry of zipfile.eachEntry()) dates.set(entry.fileName, entry.getLastModDate({ timezone: 'UTC' }).toISOString());
  t.same(Object.fromEntries(dates), {
    'd/': ARCHIVE_EPOCH.toISOString(),
    'd/a': ARCHIVE_EPOCH.toISOString(),
    'd/b': '2024-05-17T13:45:30.000Z',
  });
  const archiveWide = await zipOf([bufferEntry('a', 'a')], { mtime: when });
  t.not(archiveWide.bytes.compare((await zipOf([bufferEntry('a', 'a')])).bytes), 0);
});

t.test('compressed archives and entries without a size have no predicted size but round-trip', async (t) => {
  const text = 'compress me '.repeat(1000);
  const compressed = await zipOf([bufferEntry('t.txt', text)], { compress: true });
  t.equal(compressed.size, undefined);
  t.ok(compressed.bytes.length < text.length);
  t.equal((await unzip(compressed.bytes)).files.get('t.txt')?.toString(), text);
  const unsized = await zipOf([bufferEntry('u.txt', 'no size', { size: null })]);
  t.equal(unsized.size, undefined);
  t.equal((await unzip(unsized.bytes)).files.get('u.txt')?.toString(), 'no size');
});

t.test('an empty archive is a valid zip of 22 bytes', async (t) => {
  const { bytes, size } = await zipOf([]);
  t.equal(size, 22);
  t.equal(bytes.length, 22);
});

t.test('at most one backend read is open at a time, in archive order', async (t) => {
  const backend = new CountingBackend();
  for (let i = 0; i < 25; i++) await backend.write(`sub/${String(i).padStart(2, '0')}.bin`, [randomBytes(20_000 + i)]);
  const entries = await backendFolderEntries(backend, 'sub');
  t.equal(backend.reads.length, 0, 'nothing is read while entries are listed');
  const { bytes, size, names } = await zipOf(entries, { prefix: '7', directories: true });
  t.equal(size, bytes.length);
  t.equal(backend.maxOpen, 1);
  t.equal(backend.open, 0);
  t.same(backend.reads, names.filter((name) => !name.endsWith('/')).map((name) => `sub/${name.slice(2)}`));
  t.equal((await unzip(bytes)).files.size, 25);
  t.same((await backendFolderEntries(backend, '')).length, 25, 'the root lists everything');
  t.same(backendArchiveEntry(backend, 'sub/00.bin').name, 'sub/00.bin');
});

t.test('sources that never emit close (autoDestroy off) do not stall the next entry', async (t) => {
  const lazy = (text: string): ArchiveEntry => ({
    name: `${text}.txt`,
    size: text.length,
    open: async () =>
      new Readable({
        autoDestroy: false,
        read() {
          this.push(Buffer.from(text));
          this.push(null);
        },
      }),
  });
  const { bytes, size } = await zipOf([lazy('one'), lazy('two'), lazy('three')]);
  t.equal(size, bytes.length);
  t.same([...(await unzip(bytes)).files.keys()], ['one.txt', 'three.txt', 'two.txt']);
});

t.test('Z18: a backend failing mid-stream errors the archive, never ends it, and releases the read', async (t) => {
  const backend = new CountingBackend();
  await backend.write('a.bin', [randomBytes(10_000)]);
  await backend.write('b.bin', [randomBytes(600_000)]);
  await backend.write('c.bin', [randomBytes(10_000)]);
  backend.failures.set('b.bin', 200_000);
  const result = archive(await backendFolderEntries(backend, ''));
  let ended = false;
  result.stream.on('end', () => (ended = true));
  const error = await rejectionOf(t, collect(result.stream));
  t.equal(isStowageError(error) ? error.code : error, 'STOWAGE_IO');
  t.equal(ended, false);
  t.equal(result.stream.destroyed, true);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(backend.open, 0, 'the failed read is closed');
  t.notOk(backend.reads.includes('c.bin'), 'nothing is opened after the failure');
});

t.test('a source delivering another byte count than declared fails the archive', async (t) => {
  for (const [declared, actual] of [
    [10, 5],
    [5, 10],
  ] as const) {
    const result = archive([{ name: 'x', size: declared, open: async () => [Buffer.alloc(actual)] }]);
    const error = await rejectionOf(t, collect(result.stream));
    t.equal(isStowageError(error) ? error.code : error, 'STOWAGE_SIZE_MISMATCH', `${declared} declared, ${actual} delivered`);
  }
});

t.test('open failures: a StowageError keeps its code, anything else is STOWAGE_IO', async (t) => {
  const stowageFailure = archive([{ name: 'x', open: async () => Promise.reject(new StowageError('STOWAGE_LOST', 'gone')) }]);
  t.equal(((await rejectionOf(t, collect(stowageFailure.stream))) as StowageError).code, 'STOWAGE_LOST');
  const plainFailure = archive([
    {
      name: 'x',
      open: async () =>
        (async function* () {
          yield Buffer.from('partial');
          throw new Error('socket hang up');
        })(),
    },
  ]);
  t.equal(((await rejectionOf(t, collect(plainFailure.stream))) as StowageError).code, 'STOWAGE_IO');
});

t.test('a consumer that goes away releases the open source and opens no other', async (t) => {
  const backend = new CountingBackend();
  await backend.write('a.bin', [randomBytes(8_000_000)]);
  await backend.write('b.bin', [randomBytes(10)]);
  const result = archive(await backendFolderEntries(backend, ''));
  // Paused: backpressure holds the 8 MB source mid-way (it is several read chunks) until the consumer leaves.
  await new Promise<void>((resolve) => result.stream.once('readable', () => resolve()));
  t.equal(backend.open, 1);
  result.stream.destroy();
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(backend.open, 0);
  t.same(backend.reads, ['a.bin']);
});

t.test('an aborted signal destroys the archive with STOWAGE_ABORTED', async (t) => {
  const controller = new AbortController();
  const gate = new Readable({ read() {} });
  const result = archive([{ name: 'slow', open: async () => gate }], { signal: controller.signal });
  setImmediate(() => controller.abort());
  const error = await rejectionOf(t, collect(result.stream));
  t.equal((error as StowageError).code, 'STOWAGE_ABORTED');
  t.equal(gate.destroyed, true);
  const already = archive([bufferEntry('a', 'a')], { signal: AbortSignal.abort() });
  t.equal(((await rejectionOf(t, collect(already.stream))) as StowageError).code, 'STOWAGE_ABORTED');
});

t.test('malformed options are STOWAGE_INVALID_ARGUMENT', async (t) => {
  t.throws(() => archive([], null as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  t.throws(() => archive([], { mtime: new Date('x') }), { code: 'STOWAGE_INVALID_ARGUMENT' });
});
