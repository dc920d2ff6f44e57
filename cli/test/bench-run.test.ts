import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t, { type Test } from 'tap';
import { StowageError } from '@stowage/core';
import { ProgressDisplay, runBench, runPhase, sizeLabel, summarizeLatencies, type BenchReport } from '../src/bench/index.js';

interface Captured {
  readonly io: { stdout: { write(text: string): boolean }; stderr: { write(text: string): boolean; isTTY?: boolean }; cwd: string };
  out(): string;
  err(): string;
}

function capture(cwd: string, isTTY = false): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (text) => ((out += text), true) },
      stderr: { write: (text) => ((err += text), true), isTTY },
      cwd,
    },
    out: () => out,
    err: () => err,
  };
}

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-bench-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

t.test('a run over the local backend prints one JSON report with a put and a get phase per size, then deletes its objects', async (t) => {
  const dir = await tempDir(t);
  const { io, out, err } = capture(dir);
  const report = await runBench(['--backend', 'local:store', '--sizes', '1KiB,3000', '--count', '6', '--concurrency', '2'], io);
  const printed = JSON.parse(out()) as BenchReport;
  t.same(printed, JSON.parse(JSON.stringify(report)));
  t.equal(printed.tool, 'stowage bench');
  t.match(printed.backend, { descriptor: 'local:store', scheme: 'file', capabilities: { writeIsAtomic: true } });
  t.same(printed.settings, { concurrency: 2, seconds: 10, count: 6, sizes: [1024, 3000] });
  t.same(printed.phases.map((phase) => [phase.operation, phase.size, phase.operations, phase.failed]), [
    ['put', 1024, 6, 0],
    ['get', 1024, 6, 0],
    ['put', 3000, 6, 0],
    ['get', 3000, 6, 0],
  ]);
  for (const phase of printed.phases) {
    t.ok(phase.latencyMs.p50 !== null && phase.latencyMs.p99 !== null && phase.latencyMs.p50 <= phase.latencyMs.p99);
    t.ok(phase.opsPerSecond > 0 && phase.mbPerSecond >= 0);
  }
  t.equal(err().split('\n').filter(Boolean).length, 4, 'one progress line per phase when stderr is not a terminal');
  t.same(await readdir(join(dir, 'store')), ['.stowage'], 'the bench folder is gone');
});

t.test('--keep leaves the objects; --quiet writes no progress', async (t) => {
  const dir = await tempDir(t);
  const { io, err } = capture(dir);
  await runBench(['--backend', `local:${dir}`, '--sizes', '10', '--count', '3', '--keep', '--quiet'], io);
  t.equal(err(), '');
  const [run] = await readdir(join(dir, 'stowage-bench'));
  t.same((await readdir(join(dir, 'stowage-bench', run as string, '10'))).sort(), ['0', '1', '2']);
});

t.test('a terminal gets a line redrawn in place', async (t) => {
  const { io, err } = capture('/', true);
  await runBench(['--backend', 'memory:', '--sizes', '100', '--count', '5'], io);
  t.match(err(), /\r\x1b\[2Kput 100 B {2}5\/5 {2}/);
  t.match(err(), /get 100 B {2}5 ops in /);
});

t.test('an aborted run stops, cleans up and rejects with STOWAGE_ABORTED', async (t) => {
  const dir = await tempDir(t);
  const { io, out } = capture(dir);
  await t.rejects(runBench(['--backend', 'local:store', '--sizes', '10', '--count', '3'], { ...io, signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' });
  t.equal(out(), '');
  t.same(await readdir(join(dir, 'store')), ['.stowage']);
});

t.test('bad arguments reject before any backend is opened', async (t) => {
  const dir = await tempDir(t);
  await t.rejects(runBench(['--backend', 'local:store', '--count', '0'], capture(dir).io), { code: 'STOWAGE_INVALID_CONFIG' });
  t.same(await readdir(dir), []);
});

t.test('failed puts and short reads are counted in the report with their codes, not thrown', async (t) => {
  const dir = await tempDir(t);
  const core = pathToFileURL(createRequire(import.meta.url).resolve('@stowage/core')).href;
  // A memory backend whose odd writes fail and whose reads deliver one byte too few.
  await writeFile(
    join(dir, 'flaky.mjs'),
    `import { Readable } from 'node:stream';
import { createMemoryBackend, StowageError } from ${JSON.stringify(core)};
export function create() {
  const inner = createMemoryBackend({ name: 'flaky' });
  return Object.freeze(Object.assign(Object.create(inner), {
    write(path, source, options) {
      if (Number(path.split('/').pop()) % 2 === 1) return Promise.reject(new StowageError('STOWAGE_IO', 'odd'));
      return inner.write(path, source, options);
    },
    async read(path, options) {
      const opened = await inner.read(path, options);
      const bytes = [];
      for await (const chunk of opened.stream) bytes.push(chunk);
      return { ...opened, stream: Readable.from([Buffer.concat(bytes).subarray(1)]) };
    },
  }));
}
`,
  );
  await writeFile(join(dir, 'flaky.json'), JSON.stringify({ module: './flaky.mjs', export: 'create' }));
  const { io } = capture(dir);
  const report = await runBench(['--backend', 'flaky.json', '--sizes', '8', '--count', '4', '--concurrency', '1'], io);
  const [put, get] = report.phases;
  t.match(put, { operation: 'put', operations: 2, failed: 2, errorCodes: ['STOWAGE_IO'] });
  t.match(get, { operation: 'get', operations: 0, failed: 4, errorCodes: ['STOWAGE_SIZE_MISMATCH'], opsPerSecond: 0 });
  t.same(get?.latencyMs.p50, null);
});

t.test('a phase counts failures with their codes, keeps going, and records only successes', async (t) => {
  const outcome = await runPhase({
    count: 6,
    budgetMs: 60_000,
    concurrency: 2,
    operation: async (index) => {
      if (index === 1) throw new StowageError('STOWAGE_IO', 'disk');
      if (index === 2) throw new Error('plain');
      if (index === 3) throw new StowageError('STOWAGE_IO', 'again');
      return 10;
    },
  });
  t.same(outcome.succeeded, [0, 4, 5]);
  t.equal(outcome.failed, 3);
  t.same(outcome.errorCodes, ['STOWAGE_IO', 'Error']);
  t.equal(outcome.bytes, 30);
});

t.test('a phase with no time budget or an aborted signal starts nothing', async (t) => {
  const operation = async (): Promise<number> => {
    throw new Error('must not run');
  };
  t.same((await runPhase({ count: 5, budgetMs: 0, concurrency: 1, operation })).succeeded, []);
  const aborted = await runPhase({ count: 5, budgetMs: 60_000, concurrency: 1, operation, signal: AbortSignal.abort() });
  t.equal(aborted.failed, 0);
  t.same(aborted.latencyMs, { p50: null, p90: null, p99: null, max: null, mean: null });
});

t.test('latency percentiles are nearest-rank over the samples', async (t) => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  t.same(summarizeLatencies(samples), { p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
  t.same(summarizeLatencies([2.00049]), { p50: 2, p90: 2, p99: 2, max: 2, mean: 2 });
});

t.test('sizes print in the largest whole binary unit', async (t) => {
  t.equal(sizeLabel(4096), '4 KiB');
  t.equal(sizeLabel(3 * 1024 ** 2), '3 MiB');
  t.equal(sizeLabel(1024 ** 3), '1 GiB');
  t.equal(sizeLabel(1000), '1000 B');
});

t.test('a disabled display writes nothing; a terminal display throttles redraws', async (t) => {
  let written = '';
  const sink = { write: (text: string) => (written += text), isTTY: true };
  new ProgressDisplay(sink, false).finish('put', 'done');
  new ProgressDisplay(sink, false).update('put', 1, 2, 10, 5);
  t.equal(written, '');
  let clock = 1000;
  const display = new ProgressDisplay(sink, true, () => clock);
  display.update('put', 1, 10, 1e6, 1000);
  clock += 99;
  display.update('put', 2, 10, 2e6, 1000);
  t.equal(written.split('\r').length - 1, 1, 'a redraw within 100 ms of the last is skipped');
  clock += 1;
  display.update('put', 3, 10, 3e6, 1000);
  t.match(written, /3\/10 {2}3\.0 MB\/s/);
  display.update('put', 10, 10, 1e6, 0);
  t.match(written, /10\/10 {2}–/, 'the last update is always drawn');
});
