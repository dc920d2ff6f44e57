import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  createHashingSession,
  HashWorkerPool,
  IN_FLIGHT_LIMIT_BYTES,
  sharedHashWorkerPool,
} from '../../src/hashing/index.js';
import { hashFiles, pattern, referenceDigests } from '../helpers/hashing.js';

const UPLOADED_AT = '2026-11-30T12:34:56.789Z';
const crashingWorker = new URL('../helpers/crashing-hash-worker.js', import.meta.url);

t.test('workers start lazily, one per lease until the pool is full, then leases share them', async (t) => {
  const pool = new HashWorkerPool({ size: 2 });
  t.teardown(() => pool.close());
  t.equal(pool.workerCount, 0);
  const a = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  t.equal(pool.workerCount, 1);
  const b = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  const c = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  t.equal(pool.workerCount, 2);
  t.equal(pool.leaseCount, 3);
  const results = await Promise.all(
    [a, b, c].map((session, index) => hashFiles(session, [{ plannedPath: `disk:${index}`, chunks: [pattern(index * 1000)] }], 'a', 's')),
  );
  t.same(results.map((result) => result.digests[0]), [0, 1, 2].map((index) => referenceDigests(pattern(index * 1000))));
  t.equal(pool.leaseCount, 0, 'finish released every lease');
  t.equal(pool.workerCount, 2, 'workers stay for the next sessions');
});

t.test('disposing mid-file releases the lease and the pool stays usable', async (t) => {
  const pool = new HashWorkerPool({ size: 1 });
  t.teardown(() => pool.close());
  const abandoned = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  abandoned.beginFile('disk:a');
  abandoned.update(pattern(3 * 1024 * 1024 + 1));
  t.equal(pool.leaseCount, 1);
  abandoned.dispose();
  t.equal(pool.leaseCount, 0);
  const next = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  const { digests } = await hashFiles(next, [{ plannedPath: 'disk:b', chunks: [pattern(10)] }], 'a', 's');
  t.same(digests, [referenceDigests(pattern(10))]);
  t.equal(pool.workerCount, 1);
});

t.test('drain() holds a producer back while more than the in-flight limit waits for the worker', async (t) => {
  const pool = new HashWorkerPool({ size: 1 });
  t.teardown(() => pool.close());
  const session = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  session.beginFile('disk:big');
  const chunk = pattern(1024 * 1024);
  const chunks = IN_FLIGHT_LIMIT_BYTES / chunk.byteLength + 8;
  for (let i = 0; i < chunks; i++) session.update(chunk);
  const order: string[] = [];
  const drained = session.drain().then(() => order.push('drained'));
  await session.drain();
  await drained;
  order.push('after');
  t.same(order, ['drained', 'after']);
  const digests = await session.endFile();
  t.equal(digests.size, chunks * chunk.byteLength);
  await session.finish('', 'salt');
});

t.test('disposing while a drain waits resolves the drain', async (t) => {
  const pool = new HashWorkerPool({ size: 1 });
  t.teardown(() => pool.close());
  const session = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  session.beginFile('disk:big');
  const chunk = pattern(1024 * 1024);
  for (let i = 0; i < IN_FLIGHT_LIMIT_BYTES / chunk.byteLength + 8; i++) session.update(chunk);
  const waiting = session.drain();
  session.dispose();
  await waiting;
  t.equal(pool.leaseCount, 0);
});

t.test('closing the pool fails pending work with STOWAGE_UNAVAILABLE; the next lease starts a worker', async (t) => {
  const pool = new HashWorkerPool({ size: 1 });
  const session = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  session.beginFile('disk:a');
  for (let i = 0; i < 12; i++) session.update(pattern(1024 * 1024));
  const waiting = t.rejects(session.drain(), { code: 'STOWAGE_UNAVAILABLE' });
  const ending = t.rejects(session.endFile(), { code: 'STOWAGE_UNAVAILABLE' });
  await pool.close();
  await waiting;
  await ending;
  await t.rejects(session.drain(), { code: 'STOWAGE_UNAVAILABLE' });
  session.beginFile('disk:b');
  session.update(pattern(10));
  await t.rejects(session.endFile(), { code: 'STOWAGE_UNAVAILABLE' });
  await t.rejects(session.finish('a', 'b'), { code: 'STOWAGE_UNAVAILABLE' });
  t.equal(pool.workerCount, 0);
  const next = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  t.equal(pool.workerCount, 1);
  const { digests } = await hashFiles(next, [{ plannedPath: 'disk:c', chunks: [pattern(5)] }], 'a', 's');
  t.same(digests, [referenceDigests(pattern(5))]);
  await pool.close();
  await pool.close();
});

t.test('a worker that dies fails its sessions with STOWAGE_INTERNAL and leaves the pool', async (t) => {
  const pool = new HashWorkerPool({ size: 1, workerUrl: crashingWorker });
  t.teardown(() => pool.close());
  const session = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  session.beginFile('disk:a');
  session.update(pattern(100));
  const error = await session.endFile().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  t.match(error, { code: 'STOWAGE_INTERNAL' });
  t.ok((error as Error).cause instanceof Error, 'the crash is the cause');
  await t.rejects(session.drain(), { code: 'STOWAGE_INTERNAL' });
  session.beginFile('disk:b');
  session.update(pattern(3 * 1024 * 1024));
  await t.rejects(session.finish('a', 's'), { code: 'STOWAGE_INTERNAL' }, 'a file is still open');
  await t.rejects(session.endFile(), { code: 'STOWAGE_INTERNAL' });
  await t.rejects(session.finish('a', 's'), { code: 'STOWAGE_INTERNAL' });
  t.equal(pool.workerCount, 0, 'the dead worker left the pool');
  const late = createHashingSession(UPLOADED_AT, { mode: 'worker', pool });
  t.equal(pool.workerCount, 1, 'a fresh worker started');
  late.dispose();
});

t.test('a lease released twice is released once', async (t) => {
  const pool = new HashWorkerPool({ size: 1 });
  t.teardown(() => pool.close());
  const lease = pool.lease(UPLOADED_AT);
  const other = pool.lease(UPLOADED_AT);
  t.equal(pool.leaseCount, 2);
  lease.release();
  lease.release();
  t.equal(pool.leaseCount, 1);
  other.release();
  t.equal(pool.leaseCount, 0);
});

t.test('a pool size that is not a positive integer is STOWAGE_INVALID_CONFIG', async (t) => {
  for (const size of [0, -1, 1.5, Number.NaN]) {
    t.throws(() => new HashWorkerPool({ size }), { code: 'STOWAGE_INVALID_CONFIG' });
  }
  t.ok(new HashWorkerPool().size >= 1);
  t.equal(sharedHashWorkerPool(), sharedHashWorkerPool());
});

t.test('a process that leases, disposes mid-file and awaits results exits by itself', async (t) => {
  const script = fileURLToPath(new URL('../helpers/hashing-exit-script.js', import.meta.url));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  // A guard, not a measurement: a leaked handle would keep the child alive forever.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(guard);
  t.equal(signal, null, 'not killed by the guard');
  t.equal(code, 0, 'exit code 0 (13 would mean it exited while awaiting the worker)');
  const result = JSON.parse(output) as { digests: unknown; id: string; leases: number };
  t.same(result.digests, referenceDigests(new TextEncoder().encode('abc')));
  t.match(result.id, /^[0-9a-f]{64}$/);
  t.equal(result.leases, 0);
});
