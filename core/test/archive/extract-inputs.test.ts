import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { BackendZipReader, extract, READ_WINDOW_BYTES, type ZipInput } from '../../src/archive/index.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { StowageError } from '../../src/stowage-error.js';
import { CountingBackend } from './helpers/counting-backend.js';
import { bufferEntry, collect, expectRule, rejectionOf, zipOf } from './helpers/extract-fixture.js';
import { buildZip } from './helpers/zip-writer.js';

const big = randomBytes(300_000);

async function contentsOf(input: ZipInput): Promise<Record<string, string>> {
  return extract(input, {
    staging: { backend: createMemoryBackend({ name: 'staging' }) },
    commit: async (files) => {
      const out: Record<string, string> = {};
      for (const file of files) out[file.path] = (await collect(await file.open())).toString('hex').slice(0, 16);
      return out;
    },
  });
}

t.test('every input kind gives the same verified members', async (t) => {
  const { bytes } = await zipOf([bufferEntry('big.bin', big), bufferEntry('dir/small.txt', 'small')], { compress: true });
  const expected = { 'big.bin': big.toString('hex').slice(0, 16), 'dir/small.txt': Buffer.from('small').toString('hex') };
  const directory = await mkdtemp(join(tmpdir(), 'stowage-extract-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const path = join(directory, 'upload.zip');
  await writeFile(path, bytes);
  const backend = createMemoryBackend({ name: 'uploads' });
  await backend.write('staged/upload.zip', [bytes]);
  const padded = Buffer.concat([Buffer.from('prefix'), bytes, Buffer.from('suffix')]);
  const inputs: [string, ZipInput][] = [
    ['file', { file: path }],
    ['buffer', { buffer: bytes }],
    ['Uint8Array view', { buffer: new Uint8Array(padded.buffer, padded.byteOffset + 6, bytes.length) }],
    ['backend', { backend, path: 'staged/upload.zip' }],
    ['reader', { reader: new BackendZipReader(backend, 'staged/upload.zip', bytes.length), size: bytes.length }],
  ];
  for (const [kind, input] of inputs) t.same(await contentsOf(input), expected, kind);
});

t.test('a backend input reads its central directory through a window, not one call per header', async (t) => {
  const entries = Array.from({ length: 400 }, (_, index) => bufferEntry(`f/${index}.txt`, `file ${index}`));
  const { bytes } = await zipOf(entries);
  t.ok(bytes.length < READ_WINDOW_BYTES * 2);
  const backend = new CountingBackend();
  await backend.write('z.zip', [bytes]);
  const files = await extract({ backend, path: 'z.zip' }, { staging: { backend: createMemoryBackend() }, commit: async (staged) => staged.length });
  t.equal(files, 400);
  t.ok(backend.reads.length < 400 + 10, `${backend.reads.length} reads: one per member's data plus a few windows`);
  t.equal(backend.open, 0, 'every read is closed');
});

t.test('backend faults keep their codes (not a 422); a missing upload is STOWAGE_NOT_FOUND', async (t) => {
  const backend = new CountingBackend();
  const { bytes } = await zipOf([bufferEntry('a.bin', randomBytes(200_000))]);
  await backend.write('z.zip', [bytes]);
  await t.rejects(extract({ backend, path: 'missing.zip' }, { staging: { backend: createMemoryBackend() }, commit: async () => 0 }), {
    code: 'STOWAGE_NOT_FOUND',
  });
  backend.failures.set('z.zip', 1000);
  const error = await rejectionOf(t, extract({ backend, path: 'z.zip' }, { staging: { backend: createMemoryBackend() }, commit: async () => 0 }));
  t.equal((error as StowageError).code, 'STOWAGE_IO');
});

t.test('a file that is not a zip is rejected as malformed; a missing or unreadable file is a storage error', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-extract-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  await writeFile(join(directory, 'text.zip'), 'not a zip at all');
  const commitNothing = { staging: { backend: createMemoryBackend() }, commit: async () => 0 };
  await expectRule(t, extract({ file: join(directory, 'text.zip') }, commitNothing), 'malformed');
  await t.rejects(extract({ file: join(directory, 'absent.zip') }, commitNothing), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(extract({ file: directory }, commitNothing), { code: 'STOWAGE_IO' });
  await expectRule(t, extract({ buffer: buildZip([{ name: 'a', data: Buffer.from('x') }]).subarray(0, 30) }, commitNothing), 'malformed');
});
