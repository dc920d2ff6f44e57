import fc from 'fast-check';
import t from 'tap';
import { computeLongId, createHashingSession, HashWorkerPool } from '../../src/hashing/index.js';
import { cut, hashFiles, pattern, referenceDigests } from '../helpers/hashing.js';

const pool = new HashWorkerPool({ size: 2 });
t.teardown(() => pool.close());
const UPLOADED_AT = '2026-11-30T12:34:56.789Z';

/** Random files, each with a random list of cut sizes. */
const uploads = (maxLength: number, maxCut: number) =>
  fc.array(
    fc.record({
      plannedPath: fc.string({ unit: 'grapheme', maxLength: 12 }),
      bytes: fc.uint8Array({ maxLength }),
      cuts: fc.array(fc.integer({ min: 1, max: maxCut }), { maxLength: 8 }),
    }),
    { minLength: 1, maxLength: 3 },
  );

async function checkChunkingIrrelevant(
  files: { plannedPath: string; bytes: Uint8Array; cuts: number[] }[],
  author: string,
  salt: Uint8Array,
): Promise<void> {
  const whole = files.map((file) => ({ plannedPath: file.plannedPath, chunks: [file.bytes] }));
  const chunked = files.map((file) => ({ plannedPath: file.plannedPath, chunks: cut(file.bytes, file.cuts) }));
  const inline = await hashFiles(createHashingSession(UPLOADED_AT, { mode: 'inline' }), chunked, author, salt);
  const worker = await hashFiles(createHashingSession(UPLOADED_AT, { mode: 'worker', pool }), chunked, author, salt);
  const reference = await hashFiles(createHashingSession(UPLOADED_AT, { mode: 'inline' }), whole, author, salt);
  const recomputed = await computeLongId({
    uploadedAt: UPLOADED_AT,
    files: files.map((file) => ({ plannedPath: file.plannedPath, contents: file.bytes })),
    author,
    salt,
  });
  if (JSON.stringify(inline) !== JSON.stringify(reference)) throw new Error('inline depends on chunking');
  if (JSON.stringify(worker) !== JSON.stringify(reference)) throw new Error('worker depends on chunking');
  if (recomputed !== reference.id) throw new Error('computeLongId disagrees');
  if (JSON.stringify(reference.digests) !== JSON.stringify(files.map((file) => referenceDigests(file.bytes)))) {
    throw new Error('digests differ from node:crypto');
  }
}

t.test('random chunkings of random bytes give the same digests and id inline and in a worker', async (t) => {
  await fc.assert(
    fc.asyncProperty(uploads(20_000, 5000), fc.string(), fc.uint8Array({ maxLength: 40 }), checkChunkingIrrelevant),
    { numRuns: 60 },
  );
  t.pass('property held');
});

t.test('random chunkings across the 1 MiB staging buffers give the same digests', async (t) => {
  const large = pattern(3 * 1024 * 1024 + 5);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 1_600_000 }), { minLength: 1, maxLength: 6 }), (cuts) =>
      checkChunkingIrrelevant([{ plannedPath: 'disk:large', bytes: large, cuts }], 'author', new Uint8Array([9])),
    ),
    { numRuns: 8 },
  );
  t.pass('property held');
});
