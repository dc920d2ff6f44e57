// Measures the hashing modes of @stowage/core against the compiled dist: throughput of `inline`
// and `worker` for 4 KiB, 1 MiB and 100 MiB uploads fed in 64 KiB and 1 MiB chunks (plus 64 KiB
// and 256 KiB uploads, to place the crossover), the main-thread time each costs (event-loop
// utilization), the event-loop delay while a 100 MiB upload is hashed, and four concurrent
// uploads.
//
//   cd /work/main && npx tsc -b core && node benchmarks/hashing/measure.mjs [--repeats N]
//
// Each chunk is handed over as a real source would: `update(chunk)`, `await session.drain()`,
// then a turn of the event loop (`setImmediate`) before the next chunk, with the chunk buffer
// reused (as a socket or file stream may). Every session hashes one file and finishes (long id
// included). The modes alternate within each repeat so both see the same background load.
// Prints Markdown tables.
import { randomBytes } from 'node:crypto';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as turn } from 'node:timers/promises';
import { createHashingSession, sharedHashWorkerPool } from '../../core/dist/src/hashing/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const argRepeats = process.argv.indexOf('--repeats');
const REPEATS = argRepeats === -1 ? 5 : Number(process.argv[argRepeats + 1]);

/** Hashes one upload of `size` bytes in `chunkSize` chunks; resolves the long id. */
async function upload(mode, size, chunkSize, source) {
  const session = createHashingSession(new Date().toISOString(), { mode });
  session.beginFile('bench:some/planned/path');
  for (let offset = 0; offset < size; offset += chunkSize) {
    const length = Math.min(chunkSize, size - offset);
    session.update(length === source.byteLength ? source : source.subarray(0, length));
    await session.drain();
    await turn();
  }
  await session.endFile();
  return session.finish('author', 'salt');
}

/** Runs `uploads` sequential uploads; returns wall ms and main-thread busy ms (event-loop utilization). */
async function timed(mode, size, chunkSize, uploads, source) {
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  for (let i = 0; i < uploads; i++) await upload(mode, size, chunkSize, source);
  const wall = performance.now() - start;
  const used = performance.eventLoopUtilization(elu);
  return { wall, busy: used.active };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (value, digits = 1) => value.toFixed(digits);
const sizeName = (bytes) => (bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / KiB} KiB`);

const cases = [
  { size: 4 * KiB, chunk: 4 * KiB, uploads: 200 },
  { size: 64 * KiB, chunk: 64 * KiB, uploads: 100 },
  { size: 256 * KiB, chunk: 64 * KiB, uploads: 50 },
  { size: 1 * MiB, chunk: 64 * KiB, uploads: 20 },
  { size: 1 * MiB, chunk: 1 * MiB, uploads: 20 },
  { size: 100 * MiB, chunk: 64 * KiB, uploads: 1 },
  { size: 100 * MiB, chunk: 1 * MiB, uploads: 1 },
];
const MODES = ['inline', 'worker'];

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, availableParallelism ${availableParallelism()}, ` +
  `hash pool size ${sharedHashWorkerPool().size}, repeats ${REPEATS}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

// Cold start: the first worker session pays for starting the worker.
{
  const start = performance.now();
  await upload('worker', 4 * KiB, 4 * KiB, randomBytes(4 * KiB));
  console.log(`first worker session (worker start included): ${fmt(performance.now() - start)} ms\n`);
}

// The modes alternate within each repeat, so both see the same background load.
console.log('| upload | chunk | mode | MB/s median (min-max) | ms per upload, median | main-thread busy ms per upload, median |');
console.log('|---|---|---|---|---|---|');
for (const { size, chunk, uploads } of cases) {
  const source = randomBytes(chunk);
  const runs = { inline: [], worker: [] };
  for (const mode of MODES) await timed(mode, size, chunk, Math.max(1, Math.floor(uploads / 4)), source); // warm-up
  for (let r = 0; r < REPEATS; r++) {
    for (const mode of MODES) runs[mode].push(await timed(mode, size, chunk, uploads, source));
  }
  for (const mode of MODES) {
    const rates = runs[mode].map((run) => (size * uploads) / 1e6 / (run.wall / 1000));
    console.log(`| ${sizeName(size)} | ${sizeName(chunk)} | ${mode} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}-${fmt(Math.max(...rates))}) ` +
      `| ${fmt(median(runs[mode].map((run) => run.wall)) / uploads, 3)} | ${fmt(median(runs[mode].map((run) => run.busy)) / uploads, 3)} |`);
  }
}

// Event-loop impact: a 1 ms timer keeps ticking while one 100 MiB upload is hashed; the
// histogram records how late the loop ran it.
console.log('\nEvent-loop delay while hashing one 100 MiB upload (monitorEventLoopDelay, resolution 1 ms):\n');
console.log('| chunk | mode | p50 ms | p99 ms median (min-max) | max ms median |');
console.log('|---|---|---|---|---|');
for (const chunk of [64 * KiB, 1 * MiB]) {
  const source = randomBytes(chunk);
  const samples = { inline: { p50: [], p99: [], max: [] }, worker: { p50: [], p99: [], max: [] } };
  for (let r = 0; r < REPEATS; r++) {
    for (const mode of MODES) {
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      const ticker = setInterval(() => {}, 1);
      histogram.enable();
      await upload(mode, 100 * MiB, chunk, source);
      histogram.disable();
      clearInterval(ticker);
      samples[mode].p50.push(histogram.percentile(50) / 1e6);
      samples[mode].p99.push(histogram.percentile(99) / 1e6);
      samples[mode].max.push(histogram.max / 1e6);
    }
  }
  for (const mode of MODES) {
    const { p50, p99, max } = samples[mode];
    console.log(`| ${sizeName(chunk)} | ${mode} | ${fmt(median(p50), 2)} | ${fmt(median(p99), 2)} (${fmt(Math.min(...p99), 2)}-${fmt(Math.max(...p99), 2)}) | ${fmt(median(max), 2)} |`);
  }
}

// Concurrency: four 25 MiB uploads at once, 64 KiB chunks.
console.log('\nFour concurrent 25 MiB uploads, 64 KiB chunks:\n');
console.log('| mode | aggregate MB/s median (min-max) | main-thread busy ms median |');
console.log('|---|---|---|');
{
  const source = randomBytes(64 * KiB);
  const samples = { inline: { rates: [], busy: [] }, worker: { rates: [], busy: [] } };
  for (let r = 0; r < REPEATS; r++) {
    for (const mode of MODES) {
      const elu = performance.eventLoopUtilization();
      const start = performance.now();
      await Promise.all([0, 1, 2, 3].map(() => upload(mode, 25 * MiB, 64 * KiB, source)));
      const wall = performance.now() - start;
      samples[mode].rates.push((100 * MiB) / 1e6 / (wall / 1000));
      samples[mode].busy.push(performance.eventLoopUtilization(elu).active);
    }
  }
  for (const mode of MODES) {
    const { rates, busy } = samples[mode];
    console.log(`| ${mode} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}-${fmt(Math.max(...rates))}) | ${fmt(median(busy))} |`);
  }
}

// A busy server: the event loop also serves other work while uploads are hashed, here a 1 ms
// interval timer that burns 0.5 ms of CPU per tick (about a third to a half of the loop).
console.log('\nUploads while the event loop also runs 0.5 ms of other work every 1 ms:\n');
console.log('| upload | chunk | mode | upload MB/s median (min-max) | other-work ticks per second median | event-loop delay p99 ms median |');
console.log('|---|---|---|---|---|---|');
const busyCases = [
  { size: 64 * KiB, chunk: 64 * KiB, uploads: 100 },
  { size: 256 * KiB, chunk: 64 * KiB, uploads: 50 },
  { size: 1 * MiB, chunk: 64 * KiB, uploads: 20 },
  { size: 100 * MiB, chunk: 64 * KiB, uploads: 1 },
  { size: 100 * MiB, chunk: 1 * MiB, uploads: 1 },
];
for (const { size, chunk, uploads } of busyCases) {
  const source = randomBytes(chunk);
  const samples = { inline: { rates: [], ticks: [], p99: [] }, worker: { rates: [], ticks: [], p99: [] } };
  for (let r = 0; r < REPEATS; r++) {
    for (const mode of MODES) {
      let ticks = 0;
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      const other = setInterval(() => {
        ticks++;
        const until = performance.now() + 0.5;
        while (performance.now() < until);
      }, 1);
      histogram.enable();
      const start = performance.now();
      for (let i = 0; i < uploads; i++) await upload(mode, size, chunk, source);
      const wall = performance.now() - start;
      histogram.disable();
      clearInterval(other);
      samples[mode].rates.push((size * uploads) / 1e6 / (wall / 1000));
      samples[mode].ticks.push(ticks / (wall / 1000));
      samples[mode].p99.push(histogram.percentile(99) / 1e6);
    }
  }
  for (const mode of MODES) {
    const { rates, ticks, p99 } = samples[mode];
    console.log(`| ${sizeName(size)} | ${sizeName(chunk)} | ${mode} | ${fmt(median(rates))} (${fmt(Math.min(...rates))}-${fmt(Math.max(...rates))}) | ${fmt(median(ticks), 0)} | ${fmt(median(p99), 2)} |`);
  }
}

console.log(`\nload average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await sharedHashWorkerPool().close();
