// Splitting a server's CPU by thread: the census its threads write (lib/thread-census.mjs, run
// here in real Node processes), how the harness reads it (lib/thread-roles.mjs), and the CPU
// per thread read from /proc (lib/process-stats.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import t from 'tap';
import { cpuByRole, ProcessWatch, threadCpuSeconds } from '../lib/process-stats.mjs';
import { parseCensus, processRole, readCensus, roleOf, ROLES, splitStartupThreads, workerRole } from '../lib/thread-roles.mjs';

const CENSUS = pathToFileURL(fileURLToPath(new URL('../lib/thread-census.mjs', import.meta.url))).href;

t.test('of the threads alive at the preload, the last poolSize are libuv pool, the rest V8 platform', async (t) => {
  const split = splitStartupThreads({ main: 100, startup: [110, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109], poolSize: 4 });
  t.equal(split.main, 100);
  t.strictSame([...split.platform], [101, 102, 103, 104, 105, 106], 'by thread id, not by listing order');
  t.strictSame([...split.pool], [107, 108, 109, 110]);
  const bigPool = splitStartupThreads({ main: 1, startup: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], poolSize: 8 });
  t.strictSame([...bigPool.platform], [2]);
  t.equal(bigPool.pool.size, 8);
});

t.test('too few threads for a pool and a V8 thread: none is classified', async (t) => {
  const split = splitStartupThreads({ main: 1, startup: [1, 2, 3, 4, 5], poolSize: 4 });
  t.equal(split.platform.size, 0);
  t.equal(split.pool.size, 0);
  t.equal(roleOf(new Map([[1, { ...split, workers: new Map() }]]), 1, 3, 'node'), ROLES.other);
});

t.test('parseCensus reads main and worker lines per process and skips what is not a census line', async (t) => {
  const text = [
    JSON.stringify({ pid: 7, main: 7, startup: [7, 8, 9, 10, 11, 12], poolSize: 4 }),
    JSON.stringify({ pid: 7, tid: 20, worker: 'hash-worker.js' }),
    'not json',
    '{"pid":7,"tid":21}',
    '{"pid":"7","tid":22,"worker":"x.js"}',
    JSON.stringify({ pid: 9, tid: 30, worker: 'writer-thread.js' }),
    JSON.stringify({ pid: 7, tid: 20, worker: 'again.js' }),
    '',
  ].join('\n');
  const census = parseCensus(text);
  t.strictSame([...census.keys()], [7, 9]);
  const seven = census.get(7);
  t.equal(seven.main, 7);
  t.strictSame([...seven.platform], [8]);
  t.strictSame([...seven.pool], [9, 10, 11, 12]);
  t.strictSame([...seven.workers], [[20, 'again.js']], 'a reused thread id takes the newest name');
  t.equal(census.get(9).main, undefined, 'a process whose main thread wrote nothing');
});

t.test('roleOf: main, worker, pool, platform, other; a process without a census by its name', async (t) => {
  const census = parseCensus(
    [JSON.stringify({ pid: 7, main: 7, startup: [7, 8, 9, 10, 11, 12], poolSize: 4 }), JSON.stringify({ pid: 7, tid: 20, worker: 'hash-worker.js' }), JSON.stringify({ pid: 9, tid: 30, worker: 'writer-thread.js' })].join('\n'),
  );
  t.equal(roleOf(census, 7, 7, 'node'), ROLES.main);
  t.equal(roleOf(census, 7, 20, 'node'), workerRole('hash-worker.js'));
  t.equal(roleOf(census, 7, 20, 'node'), 'worker hash-worker.js');
  t.equal(roleOf(census, 7, 10, 'node'), ROLES.pool);
  t.equal(roleOf(census, 7, 8, 'node'), ROLES.platform);
  t.equal(roleOf(census, 7, 99, 'node'), ROLES.other, 'a thread started later that did not name itself');
  t.equal(roleOf(census, 9, 30, 'node'), 'worker writer-thread.js', 'a worker of a process whose main thread wrote nothing');
  t.equal(roleOf(census, 9, 9, 'node'), processRole('node'));
  t.equal(roleOf(census, 1234, 1234, 'nginx'), 'nginx processes');
});

t.test('readCensus of a missing file is an empty census', async (t) => {
  t.equal(readCensus(join(tmpdir(), `no-such-census-${process.pid}.jsonl`)).size, 0);
});

t.test('cpuByRole sums what each thread used between two readings, by role', async (t) => {
  const before = new Map([
    [1, 1.0],
    [2, 0.5],
    [3, 0.25],
  ]);
  const after = new Map([
    [1, 1.25],
    [2, 0.5],
    [3, 0.5],
    [4, 0.125],
  ]);
  const role = (tid) => (tid === 1 ? 'main' : 'rest');
  t.strictSame(cpuByRole(before, after, role), { main: 0.25, rest: 0.375 }, 'an idle thread adds nothing; a new one counts from zero');
  t.strictSame(cpuByRole(before, new Map(), role), {}, 'a process gone');
});

/** Runs `main` (an ES module's text) under the census preload; resolves its pid, census file and stdout. */
async function withCensus(t, main, worker) {
  const dir = mkdtempSync(join(tmpdir(), 'census-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'main.mjs'), main);
  if (worker !== undefined) writeFileSync(join(dir, 'burn.mjs'), worker);
  const file = join(dir, 'census.jsonl');
  const child = spawn(process.execPath, [join(dir, 'main.mjs')], {
    env: { ...process.env, NODE_OPTIONS: `--import=${JSON.stringify(CENSUS)}`, BENCH_THREAD_CENSUS: file },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  return { child, file, dir };
}

/** The next line `child` prints. */
const nextLine = (child) =>
  new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk) => {
      text += chunk;
      if (!text.includes('\n')) return;
      child.stdout.off('data', onData);
      resolve(text.split('\n')[0]);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
  });

const MAIN = `
import { Worker } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
await readFile(new URL(import.meta.url));
const burn = new Worker(new URL('./burn.mjs', import.meta.url), { execArgv: [] });
burn.on('message', (message) => process.stdout.write(message + '\\n'));
process.stdin.on('data', () => burn.postMessage('go'));
`;
// A fixed amount of work (not a time), so the CPU it takes does not depend on the machine's load.
const BURN = `
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
const block = Buffer.alloc(1 << 20, 7);
parentPort.postMessage('ready');
parentPort.on('message', () => {
  const hash = createHash('sha256');
  for (let i = 0; i < 256; i++) hash.update(block);
  parentPort.postMessage(hash.digest('hex'));
});
`;

t.test('in a real Node process every thread is classified, a worker with execArgv [] included, and its work lands on it', async (t) => {
  const { child, file } = await withCensus(t, MAIN, BURN);
  t.equal(await nextLine(child), 'ready');
  const census = readCensus(file);
  const threads = census.get(child.pid);
  t.ok(threads, 'the process wrote its census');
  t.equal(threads.main, child.pid, 'the main thread is the process');
  t.equal(threads.pool.size, 4, "libuv's default pool");
  t.ok(threads.platform.size >= 1, "V8's platform threads");
  t.strictSame([...threads.workers.values()], ['burn.mjs'], 'the worker named itself though started with execArgv: []');
  const live = threadCpuSeconds(child.pid);
  for (const tid of [threads.main, ...threads.pool, ...threads.platform, ...threads.workers.keys()]) t.ok(live.has(tid), `thread ${tid} is live`);
  const roles = new Set([...live.keys()].map((tid) => roleOf(census, child.pid, tid, 'node')));
  t.ok(roles.has(ROLES.main) && roles.has(ROLES.pool) && roles.has(ROLES.platform) && roles.has('worker burn.mjs'), [...roles].join(', '));

  const watch = new ProcessWatch([child.pid], () => {
    const now = readCensus(file);
    return (pid, tid, comm) => roleOf(now, pid, tid, comm);
  });
  watch.start();
  child.stdin.write('go\n');
  t.match(await nextLine(child), /^[0-9a-f]{64}$/);
  const used = watch.stop();
  const byRole = used.threadCpuSeconds;
  t.ok(byRole !== undefined, 'CPU by role is returned when roles are given');
  const [busiest] = Object.entries(byRole).sort((a, b) => b[1] - a[1]);
  t.equal(busiest[0], 'worker burn.mjs', JSON.stringify(byRole));
  t.ok(busiest[1] > 0.05, `256 MiB hashed took ${busiest[1]} s of the worker's CPU`);
  const sum = Object.values(byRole).reduce((a, b) => a + b, 0);
  t.ok(sum <= used.cpuSeconds + 0.02, 'the threads add up to no more than the process');
});

t.test('without roles, ProcessWatch returns no CPU by thread', async (t) => {
  const watch = new ProcessWatch([process.pid]);
  watch.start();
  const used = watch.stop();
  t.equal(used.threadCpuSeconds, undefined);
  t.ok(used.cpuSeconds >= 0);
});

t.test('without BENCH_THREAD_CENSUS the preload does nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'census-off-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['--import', CENSUS, '-e', 'process.stdout.write("ran")'], { cwd: dir, env: { ...process.env, BENCH_THREAD_CENSUS: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text) => (out += text));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.equal(code, 0);
  t.equal(out, 'ran');
});
