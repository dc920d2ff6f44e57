/**
 * Measures the archive stages (not a test: run by hand, numbers go to the report):
 *   node core/dist/test/archive/helpers/measure-archive.js            # 100 MiB store-only + extract
 *   node core/dist/test/archive/helpers/measure-archive.js --zip64    # also a real 4.5 GiB entry
 */
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { archive, backendFolderEntries, extract, type ArchiveEntry } from '../../../src/archive/index.js';
import { createMemoryBackend } from '../../../src/memory-backend.js';

const MiB = 1024 * 1024;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

/** Counts bytes into the void, as a fast client would. */
function sink(): Writable & { bytes: number } {
  const out = new Writable({
    highWaterMark: MiB,
    write(chunk: Buffer, _encoding, callback) {
      out.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  out.bytes = 0;
  return out;
}

async function timed<T>(label: string, bytes: number, work: () => Promise<T>): Promise<T> {
  const before = process.memoryUsage().rss;
  peakRss = before;
  const start = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${label}: ${(bytes / MiB).toFixed(0)} MiB in ${seconds.toFixed(2)} s = ${(bytes / MiB / seconds).toFixed(0)} MiB/s; ` +
      `RSS before ${(before / MiB).toFixed(0)} MiB, peak ${(peakRss / MiB).toFixed(0)} MiB (+${((peakRss - before) / MiB).toFixed(0)})`,
  );
  return result;
}

const backend = createMemoryBackend({ name: 'measure' });
for (let i = 0; i < 10; i++) await backend.write(`set/file-${i}.bin`, [randomBytes(10 * MiB)]);
const entries = await backendFolderEntries(backend, 'set');

const stored = await timed('archive, store-only, 10 x 10 MiB from the memory backend', 100 * MiB, async () => {
  const result = archive(entries);
  const out = sink();
  await pipeline(result.stream, out);
  if (result.size !== out.bytes) throw new Error(`predicted ${result.size}, produced ${out.bytes}`);
  return out.bytes;
});
console.log(`  predicted size = produced size = ${stored} bytes`);

await timed('archive, deflate level 6, same set (random bytes: worst case)', 100 * MiB, async () => {
  await pipeline(archive(entries, { compress: true }).stream, sink());
});

const zipBackend = createMemoryBackend({ name: 'zips' });
await pipeline(archive(entries).stream, async (source) => zipBackend.write('set.zip', source as AsyncIterable<Uint8Array>));
await timed('extract through staging (memory backend input and staging), every check on', 100 * MiB, async () => {
  await extract({ backend: zipBackend, path: 'set.zip' }, { staging: { backend: createMemoryBackend() }, commit: async (files) => files.length });
});

if (process.argv.includes('--zip64')) {
  const size = 4.5 * 1024 * MiB;
  const block = Buffer.alloc(MiB, 0x5a);
  const huge: ArchiveEntry = {
    name: 'huge.bin',
    size,
    open: async () =>
      Readable.from(
        (function* () {
          for (let sent = 0; sent < size; sent += MiB) yield block;
        })(),
      ),
  };
  await timed('archive, one generated 4.5 GiB entry (automatic zip64)', size, async () => {
    const result = archive([huge, { name: 'after.txt', size: 5, open: async () => [Buffer.from('after')] }]);
    const out = sink();
    await pipeline(result.stream, out);
    if (result.size !== out.bytes) throw new Error(`predicted ${result.size}, produced ${out.bytes}`);
    console.log(`  predicted size = produced size = ${out.bytes} bytes`);
  });
}
clearInterval(sampler);
