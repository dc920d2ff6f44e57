import t from 'tap';
import {
  AUTO_WORKER_THRESHOLD_BYTES,
  createHashingSession,
  HashWorkerPool,
  type HashingMode,
  type HashingSession,
} from '../../src/hashing/index.js';
import { cut, hashFiles, pattern, referenceDigests } from '../helpers/hashing.js';

const pool = new HashWorkerPool({ size: 2 });
t.teardown(() => pool.close());
const UPLOADED_AT = '2026-11-30T12:34:56.789Z';
const CONCRETE: readonly HashingMode[] = ['inline', 'worker'];

t.test('single files and a 3-file folder-like give identical digests and ids in every mode', async (t) => {
  const uploads = [
    [{ plannedPath: 'disk:one', bytes: pattern(3 * 1024 * 1024 + 17) }],
    [
      { plannedPath: 'disk:a', bytes: pattern(5) },
      { plannedPath: 'disk:b', bytes: pattern(1024 * 1024) },
      { plannedPath: 'disk:c', bytes: pattern(0) },
    ],
  ];
  for (const files of uploads) {
    const results = [];
    for (const mode of ['inline', 'worker', 'auto'] as const) {
      const session = createHashingSession(UPLOADED_AT, { mode, pool, expectedSize: AUTO_WORKER_THRESHOLD_BYTES });
      const chunked = files.map((file) => ({ plannedPath: file.plannedPath, chunks: cut(file.bytes, [65536]) }));
      results.push(await hashFiles(session, chunked, 'carol', 'salt'));
    }
    t.same(results[0]?.digests, files.map((file) => referenceDigests(file.bytes)));
    t.same(results[1], results[0]);
    t.same(results[2], results[0]);
  }
});

for (const mode of CONCRETE) {
  t.test(`${mode}: overwriting a chunk after update() does not change the result`, async (t) => {
    const expected = referenceDigests(pattern(3 * 300_000));
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    session.beginFile('disk:reused');
    const reused = new Uint8Array(300_000);
    const source = pattern(3 * 300_000);
    for (let i = 0; i < 3; i++) {
      reused.set(source.subarray(i * 300_000, (i + 1) * 300_000));
      session.update(reused);
      reused.fill(0xee);
    }
    // A large chunk too (over the 1 MiB staging buffer), changed right after.
    t.same(await session.endFile(), expected);
    session.beginFile('disk:large');
    const large = pattern(2 * 1024 * 1024 + 3);
    const reference = referenceDigests(large);
    session.update(large);
    large.fill(1);
    t.same(await session.endFile(), reference);
    await session.finish('', 'salt');
  });

  t.test(`${mode}: calls out of order fail with STOWAGE_INTERNAL and leave the session usable`, async (t) => {
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    t.equal(session.mode, mode);
    t.throws(() => session.update(new Uint8Array(1)), { code: 'STOWAGE_INTERNAL' }, 'update without beginFile');
    await t.rejects(session.endFile(), { code: 'STOWAGE_INTERNAL' }, 'endFile without beginFile');
    await t.rejects(session.finish('a', 'salt'), { code: 'STOWAGE_INTERNAL' }, 'finish before any file');
    session.beginFile('disk:a');
    t.throws(() => session.beginFile('disk:b'), { code: 'STOWAGE_INTERNAL' }, 'beginFile with a file open');
    session.update(new TextEncoder().encode('abc'));
    await t.rejects(session.finish('a', 'salt'), { code: 'STOWAGE_INTERNAL' }, 'finish with a file open');
    t.same(await session.endFile(), referenceDigests(new TextEncoder().encode('abc')));
    const id = await session.finish('a', 'salt');
    t.match(id, /^[0-9a-f]{64}$/);
    await t.rejects(session.finish('a', 'salt'), { code: 'STOWAGE_INTERNAL' }, 'double finish');
    t.throws(() => session.beginFile('disk:c'), { code: 'STOWAGE_INTERNAL' }, 'beginFile after finish');
    await session.drain();
    session.dispose();
    session.dispose();
  });

  t.test(`${mode}: a disposed session refuses further calls with STOWAGE_INTERNAL`, async (t) => {
    const session = createHashingSession(UPLOADED_AT, { mode, pool });
    session.beginFile('disk:a');
    session.update(pattern(10));
    session.dispose();
    session.dispose();
    t.throws(() => session.update(pattern(1)), { code: 'STOWAGE_INTERNAL' });
    t.throws(() => session.beginFile('disk:b'), { code: 'STOWAGE_INTERNAL' });
    await t.rejects(session.endFile(), { code: 'STOWAGE_INTERNAL' });
    await t.rejects(session.finish('a', 'b'), { code: 'STOWAGE_INTERNAL' });
    await session.drain();
  });

  t.test(`${mode}: a lone surrogate in a path, author or string salt is STOWAGE_INVALID_ARGUMENT`, async (t) => {
    const session: HashingSession = createHashingSession(UPLOADED_AT, { mode, pool });
    t.throws(() => session.beginFile('disk:\ud800x'), { code: 'STOWAGE_INVALID_ARGUMENT' });
    session.beginFile('disk:ok \ud83d\ude00');
    t.throws(() => session.update('text' as unknown as Uint8Array), TypeError);
    session.update(new Uint8Array(0));
    t.same(await session.endFile(), referenceDigests(new Uint8Array(0)));
    await t.rejects(session.finish('\udc00', 'salt'), { code: 'STOWAGE_INVALID_ARGUMENT' });
    await t.rejects(session.finish('a', 'x\ud800'), { code: 'STOWAGE_INVALID_ARGUMENT' });
    await t.rejects(session.finish('a', 42 as unknown as string), TypeError);
    await t.rejects(session.finish(7 as unknown as string, 'salt'), TypeError);
    t.match(await session.finish('a', 'salt'), /^[0-9a-f]{64}$/);
  });
}

t.test('the upload time must be exactly toISOString() output', async (t) => {
  for (const bad of ['2026-11-30T12:34:56Z', '2026-11-30T12:34:56.789+00:00', '2026-11-30 12:34:56.789Z', 'yesterday', '2026-02-30T00:00:00.000Z', '']) {
    t.throws(() => createHashingSession(bad, { mode: 'inline' }), { code: 'STOWAGE_INVALID_ARGUMENT' }, bad);
  }
  t.throws(() => createHashingSession(1 as unknown as string), TypeError);
  t.equal(createHashingSession('+275760-09-13T00:00:00.000Z', { mode: 'inline' }).mode, 'inline');
});

t.test('auto hashes inline below the threshold or without a size hint, in a worker from it', async (t) => {
  const at = (expectedSize?: number): string =>
    createHashingSession(UPLOADED_AT, { pool, ...(expectedSize === undefined ? {} : { expectedSize }) }).mode;
  t.equal(at(), 'inline');
  t.equal(at(AUTO_WORKER_THRESHOLD_BYTES - 1), 'inline');
  const session = createHashingSession(UPLOADED_AT, { pool, expectedSize: AUTO_WORKER_THRESHOLD_BYTES });
  t.equal(session.mode, 'worker');
  session.dispose();
  t.throws(() => createHashingSession(UPLOADED_AT, { mode: 'thread' as HashingMode }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  for (const expectedSize of [-1, 1.5, Number.NaN]) {
    t.throws(() => createHashingSession(UPLOADED_AT, { expectedSize }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  }
});
