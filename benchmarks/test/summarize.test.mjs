// From per-round measurements (in the shape run.mjs and lib/measure.mjs produce) to spreads,
// ratios within the run and the targets' verdicts.
import t from 'tap';
import { limit, ok } from './helpers/measurements.mjs';
import { TARGETS } from '../lib/plan.mjs';
import { cpuPerTransfer, evaluateTargets, metricOf, ratioOf, summarize } from '../lib/summarize.mjs';

/** A failed one: the load generator's numbers are still there, as `fromWrk` leaves them. */
const failed = (problem, fields = {}) => ({ ...ok(fields), ok: false, problems: [problem] });
const rps = (...values) => values.map((v) => (typeof v === 'number' ? ok({ requestsPerSecond: v }) : v));
const mbs = (...values) => values.map((v) => (typeof v === 'number' ? ok({ mbPerSecond: v }) : v));
const running = (...ids) => Object.fromEntries(ids.map((id) => [id, { id, label: id, status: 'running' }]));
const byId = (targets, id) => targets.find((target) => target.id === id);

t.test('metricOf reads a metric of a successful measurement, p50/p99 from its latency', async (t) => {
  const m = ok({ requestsPerSecond: 1234.5, latencyMs: { p50: 2.5, p99: 17 } });
  t.equal(metricOf(m, 'requestsPerSecond'), 1234.5);
  t.equal(metricOf(m, 'p50'), 2.5);
  t.equal(metricOf(m, 'p99'), 17);
  t.equal(metricOf(m, 'peakRssMiB'), 90);
  t.equal(metricOf(limit(300), 'mbPerSecond'), 300);
});

t.test('metricOf is null for a failed or absent measurement and for a metric it lacks', async (t) => {
  t.equal(metricOf(failed('wrk errors: timeout 3', { requestsPerSecond: 5000 }), 'requestsPerSecond'), null);
  t.equal(metricOf(failed('no request completed'), 'p99'), null);
  t.equal(metricOf(undefined, 'mbPerSecond'), null);
  t.equal(metricOf(null, 'mbPerSecond'), null);
  t.equal(metricOf(limit(300), 'cpuPercent'), null);
  t.equal(metricOf(limit(300), 'p50'), null, 'no latencyMs at all');
  t.equal(metricOf(ok({ latencyMs: { p50: null, p99: 3 } }), 'p50'), null);
});

t.test('summarize counts ok and failed rounds and spreads every metric, rounded', async (t) => {
  const results = {
    'download-4k': { 'stowage-http': [ok({ requestsPerSecond: 1000.4 }), failed('wrk errors: timeout 3', { requestsPerSecond: 1e9 }), ok({ requestsPerSecond: 3000.6, mbPerSecond: 12.3456, latencyMs: { p50: 2, p99: 20 } })] },
  };
  const entry = summarize(results)['download-4k']['stowage-http'];
  t.equal(entry.okRounds, 2);
  t.equal(entry.failedRounds, 1);
  t.strictSame(entry.requestsPerSecond, { min: 1000, median: 2001, max: 3001 }, 'the failed round is left out');
  t.strictSame(entry.mbPerSecond, { min: 12.3, median: 31.2, max: 50 });
  t.strictSame(entry.p50, { min: 1.5, median: 1.75, max: 2 });
  t.strictSame(entry.p99, { min: 9, median: 14.5, max: 20 });
  for (const metric of ['cpuPercent', 'peakRssMiB', 'rssAtStartMiB']) t.ok(entry[metric].median !== null, metric);
  t.strictSame(entry.problems, ['wrk errors: timeout 3']);
});

t.test('summarize deduplicates problems and keeps the first three', async (t) => {
  const rounds = [failed('a'), { ...failed('a'), problems: ['a', 'b'] }, { ...failed('c'), problems: ['c', 'b'] }, failed('d'), ok()];
  const entry = summarize({ s: { x: rounds } }).s.x;
  t.strictSame(entry.problems, ['a', 'b', 'c']);
  t.equal(entry.failedRounds, 4);
  t.equal(entry.okRounds, 1);
});

t.test('summarize gives nulls for a subject without rounds and counts a missing round neither way', async (t) => {
  const withHole = [];
  withHole[1] = ok({ mbPerSecond: 7 });
  const summary = summarize({ s: { skipped: [], holey: withHole, fromJson: JSON.parse(JSON.stringify(withHole)) }, limits: { sha256: [limit(1500.2)] } });
  t.strictSame(summary.s.fromJson, summary.s.holey, 'a hole read back from JSON is null');
  t.strictSame(summary.s.skipped.mbPerSecond, { min: null, median: null, max: null });
  t.equal(summary.s.skipped.okRounds, 0);
  t.strictSame(summary.s.skipped.problems, []);
  t.equal(summary.s.holey.okRounds, 1);
  t.equal(summary.s.holey.failedRounds, 0);
  t.equal(summary.s.holey.mbPerSecond.median, 7);
  t.strictSame(summary.limits.sha256.mbPerSecond, { min: 1500, median: 1500, max: 1500 });
  t.strictSame(summary.limits.sha256.p99, { min: null, median: null, max: null });
});

t.test('ratioOf is null when either side is absent', async (t) => {
  const results = { 'download-4k': { a: rps(10), b: rps(5) } };
  t.equal(ratioOf(results, 'download-4k', 'requestsPerSecond', 'a', 'missing'), null);
  t.equal(ratioOf(results, 'download-4k', 'requestsPerSecond', 'missing', 'b'), null);
  t.equal(ratioOf(results, 'not-run', 'requestsPerSecond', 'a', 'b'), null);
  t.equal(ratioOf(results, 'download-4k', 'requestsPerSecond', 'a', 'b', 'limits'), null);
  t.strictSame(ratioOf(results, 'download-4k', 'requestsPerSecond', 'a', 'b'), { min: 2, median: 2, max: 2, n: 1 });
});

t.test('ratioOf pairs rounds, rounds the spread, and reads the denominator from denominatorScenario', async (t) => {
  const results = {
    limits: { 'fsync-write': [limit(300), limit(300), limit(300)] },
    'upload-100m-c1': { 'stowage-upload': mbs(200, 210, 190), 'fsync-write': mbs(1, 1, 1) },
  };
  t.strictSame(ratioOf(results, 'upload-100m-c1', 'mbPerSecond', 'stowage-upload', 'fsync-write', 'limits'), { min: 0.633, median: 0.667, max: 0.7, n: 3 });
  t.equal(ratioOf(results, 'upload-100m-c1', 'mbPerSecond', 'stowage-upload', 'fsync-write').median, 200, 'without it, the same scenario');
});

t.test('evaluateTargets judges every target, in order', async (t) => {
  const targets = evaluateTargets({}, {});
  t.strictSame(targets.map((target) => target.id), TARGETS.map((target) => target.id));
  t.ok(targets.every((target) => target.verdict === 'not measured' && target.why === `${target.scenario} was not run`));
});

t.test('evaluateTargets: met, missed, not measured and why', async (t) => {
  const subjects = {
    ...running('stowage-http', 'raw-stream', 'serve-static', 'bare-xaccel', 'stowage-express', 'stowage-upload', 'multer'),
    'stowage-xaccel': { id: 'stowage-xaccel', label: 'x', status: 'skipped', reason: 'nginx is not installed' },
  };
  const results = {
    limits: { sha256: [limit(1500), limit(1500), limit(1500)], 'fsync-write': [limit(300), limit(300), limit(300)] },
    'download-4k': {
      'stowage-http': rps(300, 320, 310),
      'raw-stream': rps(100, 100, 100),
      'serve-static': rps(200, 200, 50),
      'stowage-xaccel': [],
      'bare-xaccel': rps(900, 900, 900),
      'stowage-express': rps(290, 300, 310),
    },
    'download-1m': {
      // Round 1 failed for stowage-http (its numbers would make a ratio of 50).
      'stowage-http': mbs(100, failed('1 failed: socket hang up', { mbPerSecond: 5000 }), 90),
      'raw-stream': mbs(100, 100, 100),
      'stowage-express': mbs(failed('x'), 80, 80),
    },
    'download-100m-c32': { 'stowage-http': [ok({ peakRssMiB: 150 }), ok({ peakRssMiB: 160 }), ok({ peakRssMiB: 250 })] },
    'upload-100m-c1': { 'stowage-upload': mbs(200, 210, 190), multer: mbs(150, 150, 150) },
  };
  const targets = evaluateTargets(results, subjects);

  t.match(byId(targets, 'dl4k-vs-raw-stream'), { verdict: 'met', measured: { min: 3, median: 3.1, max: 3.2, n: 3 }, needed: '>= 1.5x', numerator: 'stowage-http', denominator: 'raw-stream' });
  const serveStatic = byId(targets, 'dl4k-vs-serve-static');
  t.match(serveStatic, { verdict: 'missed', measured: { min: 1.5, median: 1.6, max: 6.2 } }, 'median below 3 although one round is above');

  const xaccel = byId(targets, 'xaccel-4k');
  t.equal(xaccel.verdict, 'not measured');
  t.equal(xaccel.why, 'stowage-xaccel skipped: nginx is not installed');
  t.equal(xaccel.measured, undefined);
  t.match(byId(targets, 'koa-download-4k'), { verdict: 'not measured', why: 'stowage-koa not selected' });
  t.match(byId(targets, 'up100m-vs-tus'), { verdict: 'not measured', why: 'tus not selected' });
  t.match(byId(targets, 'dl100m-vs-raw-stream'), { verdict: 'not measured', why: 'download-100m was not run' });
  t.match(byId(targets, 'up1m-c4-vs-tus'), { verdict: 'not measured', why: 'upload-1m-c4 was not run' });

  t.match(byId(targets, 'dl1m-vs-raw-stream'), { verdict: 'missed', measured: { min: 0.9, median: 0.95, max: 1, n: 2 } }, 'the failed round is not paired');
  t.match(byId(targets, 'express-download-1m'), { verdict: 'met', measured: { median: 0.889, n: 1 } }, 'only round 2 succeeded on both sides');
  t.match(byId(targets, 'express-download-4k'), { verdict: 'met', measured: { min: 0.938, median: 0.967, max: 1, n: 3 } });

  const rss = byId(targets, 'dl100m-c32-rss');
  t.match(rss, { verdict: 'missed', needed: '< 200', denominator: null, measured: { min: 150, median: 160, max: 250, n: 3 } }, 'judged by the worst round');

  t.match(byId(targets, 'up100m-vs-fsync-limit'), { verdict: 'met', denominator: 'fsync-write', measured: { min: 0.633, median: 0.667, max: 0.7, n: 3 } });
  t.match(byId(targets, 'up100m-vs-multer'), { verdict: 'met', measured: { median: 1.33 } });
});

t.test('evaluateTargets: the peak-RSS target is met only when every round is below the limit', async (t) => {
  const subjects = running('stowage-http');
  const rss = (...values) => ({ 'download-100m-c32': { 'stowage-http': values.map((v) => (typeof v === 'number' ? ok({ peakRssMiB: v }) : v)) } });
  t.equal(byId(evaluateTargets(rss(150, 199.9, 120), subjects), 'dl100m-c32-rss').verdict, 'met');
  t.equal(byId(evaluateTargets(rss(150, 200, 120), subjects), 'dl100m-c32-rss').verdict, 'missed', '200 is not below 200');
  t.match(byId(evaluateTargets(rss(150, failed('x', { peakRssMiB: 900 })), subjects), 'dl100m-c32-rss'), { verdict: 'met', measured: { max: 150, n: 1 } });
  t.match(byId(evaluateTargets(rss(failed('x')), subjects), 'dl100m-c32-rss'), { verdict: 'not measured', why: 'no successful round' });
  t.match(byId(evaluateTargets({ 'download-100m-c32': {} }, subjects), 'dl100m-c32-rss'), { verdict: 'not measured', why: 'no successful round' });
});

t.test('evaluateTargets: no round where both sides succeeded, and the fsync-write limit without limits', async (t) => {
  const subjects = running('stowage-http', 'raw-stream', 'stowage-upload');
  const targets = evaluateTargets({ 'download-4k': { 'stowage-http': rps(300, failed('x')), 'raw-stream': rps(failed('y'), 100) }, 'upload-100m-c1': { 'stowage-upload': mbs(200) } }, subjects);
  t.match(byId(targets, 'dl4k-vs-raw-stream'), { verdict: 'not measured', why: 'no round where both sides succeeded' });
  t.match(byId(targets, 'up100m-vs-fsync-limit'), { verdict: 'not measured', why: 'limits was not run' });
  t.notOk(targets.some((target) => target.why?.includes('fsync-write not selected')), 'the limit is never a subject to select');
});

t.test('evaluateTargets judges the exact median, not the rounded one it shows', async (t) => {
  const subjects = running('stowage-http', 'raw-stream');
  const judged = (stowage) => byId(evaluateTargets({ 'download-4k': { 'stowage-http': rps(stowage), 'raw-stream': rps(10000) } }, subjects), 'dl4k-vs-raw-stream');
  t.match(judged(14996), { verdict: 'missed', measured: { median: 1.5 } }, '1.4996x is shown as 1.5x and misses 1.5x');
  t.match(judged(15000), { verdict: 'met', measured: { median: 1.5 } });
});

t.test('cpuPerTransfer: CPU per body in ms, total spread and each role median, over rounds that recorded threads', async (t) => {
  const rounds = [
    ok({ transfers: 100, cpuSeconds: 0.5, threadCpuSeconds: { 'main thread': 0.3, 'worker hash-worker.js': 0.1 } }),
    ok({ transfers: 200, cpuSeconds: 0.8, threadCpuSeconds: { 'main thread': 0.4, 'libuv pool (fs, crypto)': 0.2 } }),
    ok({ transfers: 50, cpuSeconds: 0.4, threadCpuSeconds: { 'main thread': 0.2, 'worker hash-worker.js': 0.1 } }),
    failed('wrk errors: timeout 3', { transfers: 10, cpuSeconds: 9, threadCpuSeconds: { 'main thread': 9 } }),
    ok({ transfers: 100, cpuSeconds: 7 }),
    ok({ transfers: 0, cpuSeconds: 1, threadCpuSeconds: { 'main thread': 1 } }),
  ];
  const split = cpuPerTransfer(rounds);
  t.equal(split.rounds, 3, 'failed rounds, rounds without threads and rounds that moved nothing are left out');
  t.strictSame(split.total, { min: 4, median: 5, max: 8 });
  t.strictSame(split.byRole, { 'main thread': 3, 'worker hash-worker.js': 1, 'libuv pool (fs, crypto)': 0 }, 'a role a round did not see counts 0 there');
  t.equal(cpuPerTransfer([ok(), failed('x')]), null, 'no round recorded CPU by thread');
  t.equal(cpuPerTransfer([]), null);
});

t.test('summarize carries each subject’s CPU per transfer', async (t) => {
  const summary = summarize({ s: { a: [ok({ transfers: 4, cpuSeconds: 0.01, threadCpuSeconds: { 'main thread': 0.008 } })], b: [ok()] } });
  t.strictSame(summary.s.a.cpuMsPerTransfer, { total: { min: 2.5, median: 2.5, max: 2.5 }, byRole: { 'main thread': 2 }, rounds: 1 });
  t.equal(summary.s.b.cpuMsPerTransfer, null);
});
