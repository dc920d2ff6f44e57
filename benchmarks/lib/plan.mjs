// What one run measures: the subjects (Stowage, the baselines, the peers), the scenarios (file
// sizes, concurrency, bounds in time and count, full and --quick), and the targets of issue 7
// as ratios of medians computed within the run.

const KiB = 1024;
const MiB = 1024 * KiB;

/** The fixture files served by every download subject. */
export const FIXTURES = [
  { name: '4k.bin', size: 4 * KiB },
  { name: '1m.bin', size: 1 * MiB },
  { name: '100m.bin', size: 100 * MiB },
];

/**
 * The subjects. `start` says how the server runs (a Node script with settings, or a location on
 * the shared nginx in front of an app); `download(fixture)` is the URL path of a fixture on it,
 * `upload` its upload protocol and path. `pids` of an nginx subject are nginx's plus its app's.
 */
export const SUBJECTS = [
  { id: 'stowage-http', label: 'Stowage, node:http adapter (stream)', group: 'stowage', script: 'stowage.mjs', settings: { adapter: 'http', delivery: 'stream' }, download: 'stowage' },
  // The same server in its own process for uploads, so the download subject's memory and heap
  // are not those left behind by 100 MiB uploads (and the reverse).
  { id: 'stowage-upload', label: 'Stowage, node:http adapter (uploads)', group: 'stowage', script: 'stowage.mjs', settings: { adapter: 'http', delivery: 'stream' }, upload: { protocol: 'raw', path: '/media', auth: true } },
  { id: 'stowage-express', label: 'Stowage, Express adapter (stream)', group: 'stowage', script: 'stowage.mjs', settings: { adapter: 'express', delivery: 'stream' }, download: 'stowage' },
  { id: 'stowage-koa', label: 'Stowage, Koa adapter (stream)', group: 'stowage', script: 'stowage.mjs', settings: { adapter: 'koa', delivery: 'stream' }, download: 'stowage' },
  { id: 'stowage-xaccel', label: 'Stowage, node:http, X-Accel behind nginx', group: 'stowage', script: 'stowage.mjs', settings: { adapter: 'http', delivery: 'x-accel' }, behindNginx: 'stowage', download: 'stowage' },
  { id: 'raw-stream', label: 'raw node:http + fs.createReadStream', group: 'baseline', script: 'raw-stream.mjs', download: 'name' },
  { id: 'raw-buffer', label: 'raw node:http + cached Buffer', group: 'baseline', script: 'raw-buffer.mjs', download: 'name' },
  // Only in download-4k: what Express itself costs per request (its ceiling for small files).
  { id: 'express-buffer', label: 'Express 5 + cached Buffer (one middleware)', group: 'baseline', script: 'express-buffer.mjs', download: 'name', only: ['download-4k'] },
  { id: 'nginx-static', label: 'nginx static (sendfile)', group: 'baseline', nginxOnly: true, download: 'static' },
  { id: 'bare-xaccel', label: 'bare node:http X-Accel app behind nginx', group: 'baseline', script: 'bare-xaccel.mjs', behindNginx: 'bare', download: 'bare' },
  { id: 'serve-static', label: 'Express 5 + serve-static', group: 'peer', script: 'serve-static.mjs', download: 'name' },
  { id: 'fastify-static', label: 'Fastify 5 + @fastify/static', group: 'peer', script: 'fastify-static.mjs', download: 'name' },
  { id: 'raw-upload', label: 'raw upload server (SHA-256, fsync, rename)', group: 'baseline', script: 'raw-upload.mjs', upload: { protocol: 'raw', path: '/upload' } },
  { id: 'tus', label: '@tus/server + @tus/file-store', group: 'peer', script: 'tus.mjs', upload: { protocol: 'tus', path: '/files' } },
  { id: 'multer', label: 'Express 5 + multer (disk storage)', group: 'peer', script: 'multer.mjs', upload: { protocol: 'multipart', path: '/upload' } },
];

const DOWNLOADERS = SUBJECTS.filter((subject) => subject.download !== undefined && subject.only === undefined).map((subject) => subject.id);
const downloadersOf = (scenario) => SUBJECTS.filter((subject) => subject.download !== undefined && (subject.only === undefined || subject.only.includes(scenario))).map((subject) => subject.id);
const UPLOADERS = SUBJECTS.filter((subject) => subject.upload !== undefined).map((subject) => subject.id);

/** The machine's limits, measured like a subject in every round. */
export const LIMITS = [
  { id: 'sha256', label: 'SHA-256, one core, 1 MiB chunks' },
  { id: 'fsync-write', label: 'sequential write, 1 MiB chunks, then fsync' },
  { id: 'loopback', label: 'node:net over 127.0.0.1, two processes' },
];

/**
 * The scenarios, in the order each round runs them. `quick` and `full` hold the bounds:
 * wrk `seconds`, or the stream client's `count` and `deadlineMs`.
 */
export function scenarios(quick) {
  const pick = (q, f) => (quick ? q : f);
  // --quick downloads only with the subjects a target of that scenario compares (or shows beside
  // one); the other baselines are context for full runs.
  const compared = (scenario) => new Set(TARGETS.filter((target) => target.scenario === scenario).flatMap((target) => [target.numerator, target.denominator, ...(target.context ?? [])]));
  const downloaders = (scenario, ids) => (quick ? ids.filter((id) => compared(scenario).has(id)) : ids);
  return [
    { id: 'limits', kind: 'limits', subjects: LIMITS.map((limit) => limit.id), bytes: pick(64, 512) * MiB, seconds: pick(0.25, 1.5) },
    { id: 'download-4k', kind: 'download', tool: 'wrk', fixture: '4k.bin', connections: 32, seconds: pick(1, 5), subjects: downloaders('download-4k', downloadersOf('download-4k')) },
    // --quick measures 1 MiB with the stream client (a bounded count instead of wrk's whole second).
    quick
      ? { id: 'download-1m', kind: 'download', tool: 'stream', fixture: '1m.bin', concurrency: 8, count: 48, deadlineMs: 3000, subjects: downloaders('download-1m', DOWNLOADERS) }
      : { id: 'download-1m', kind: 'download', tool: 'wrk', fixture: '1m.bin', connections: 8, seconds: 5, subjects: DOWNLOADERS },
    { id: 'download-100m', kind: 'download', tool: 'stream', fixture: '100m.bin', concurrency: pick(2, 4), count: pick(2, 32), deadlineMs: pick(1000, 8000), subjects: downloaders('download-100m', DOWNLOADERS) },
    {
      id: 'download-100m-c32',
      kind: 'download',
      tool: 'stream',
      fixture: '100m.bin',
      concurrency: 32,
      count: 32,
      deadlineMs: pick(1000, 3000),
      subjects: quick ? ['stowage-http', 'raw-stream'] : ['stowage-http', 'stowage-express', 'stowage-koa', 'raw-stream'],
    },
    { id: 'upload-1m-c1', kind: 'upload', size: MiB, concurrency: 1, count: pick(8, 64), deadlineMs: pick(10000, 30000), subjects: UPLOADERS },
    { id: 'upload-1m-c4', kind: 'upload', size: MiB, concurrency: 4, count: pick(16, 128), deadlineMs: pick(10000, 30000), subjects: UPLOADERS },
    { id: 'upload-100m-c1', kind: 'upload', size: 100 * MiB, concurrency: 1, count: pick(1, 4), deadlineMs: pick(15000, 60000), subjects: UPLOADERS },
    { id: 'upload-100m-c4', kind: 'upload', size: 100 * MiB, concurrency: 4, count: pick(4, 8), deadlineMs: pick(20000, 90000), subjects: UPLOADERS },
  ];
}

/**
 * The targets: `value(numerator) / value(denominator)` per round, median over rounds, at least
 * `min`; or, with `maxAbsolute`, the largest value over rounds below it. `context`: subjects of
 * the same scenario whose CPU by thread RESULTS.md shows beside the two when the target is missed.
 */
export const TARGETS = [
  { id: 'dl4k-vs-raw-stream', text: '4 KiB download, node:http adapter vs raw createReadStream', scenario: 'download-4k', metric: 'requestsPerSecond', numerator: 'stowage-http', denominator: 'raw-stream', min: 1.5 },
  { id: 'dl4k-vs-serve-static', text: '4 KiB download, node:http adapter vs Express + serve-static', scenario: 'download-4k', metric: 'requestsPerSecond', numerator: 'stowage-http', denominator: 'serve-static', min: 3 },
  { id: 'dl1m-vs-raw-stream', text: '1 MiB download (stream mode) vs raw createReadStream', scenario: 'download-1m', metric: 'mbPerSecond', numerator: 'stowage-http', denominator: 'raw-stream', min: 1.0 },
  { id: 'dl100m-vs-raw-stream', text: '100 MiB download (stream mode) vs raw createReadStream', scenario: 'download-100m', metric: 'mbPerSecond', numerator: 'stowage-http', denominator: 'raw-stream', min: 1.5 },
  { id: 'dl100m-c32-rss', text: 'peak RSS, 32 clients downloading 100 MiB (MiB, worst round)', scenario: 'download-100m-c32', metric: 'peakRssMiB', numerator: 'stowage-http', maxAbsolute: 200 },
  { id: 'xaccel-4k', text: 'X-Accel mode, 4 KiB, vs the bare X-Accel app (same nginx)', scenario: 'download-4k', metric: 'requestsPerSecond', numerator: 'stowage-xaccel', denominator: 'bare-xaccel', min: 0.9 },
  { id: 'xaccel-1m', text: 'X-Accel mode, 1 MiB, vs the bare X-Accel app (same nginx)', scenario: 'download-1m', metric: 'mbPerSecond', numerator: 'stowage-xaccel', denominator: 'bare-xaccel', min: 0.9 },
  ...['download-4k', 'download-1m', 'download-100m'].flatMap((scenario) =>
    ['express', 'koa'].map((adapter) => ({
      id: `${adapter}-${scenario}`,
      text: `${adapter === 'express' ? 'Express' : 'Koa'} adapter vs node:http adapter, ${scenario.replace('download-', '')}`,
      scenario,
      metric: scenario === 'download-4k' ? 'requestsPerSecond' : 'mbPerSecond',
      numerator: `stowage-${adapter}`,
      denominator: 'stowage-http',
      min: 0.8,
      // Express answering with no work at all: the ceiling of any Express app, shown beside them.
      ...(adapter === 'express' && scenario === 'download-4k' ? { context: ['express-buffer'] } : {}),
    })),
  ),
  { id: 'up100m-vs-multer', text: '100 MiB upload (hash, fsync, record) vs multer (no hash, no fsync)', scenario: 'upload-100m-c1', metric: 'mbPerSecond', numerator: 'stowage-upload', denominator: 'multer', min: 1.0 },
  { id: 'up100m-vs-fsync-limit', text: '100 MiB upload vs the machine limit (write + fsync)', scenario: 'upload-100m-c1', metric: 'mbPerSecond', numerator: 'stowage-upload', denominator: 'fsync-write', denominatorScenario: 'limits', min: 0.6 },
  { id: 'up100m-vs-raw-upload', text: '100 MiB upload vs the naive hashed raw server', scenario: 'upload-100m-c1', metric: 'mbPerSecond', numerator: 'stowage-upload', denominator: 'raw-upload', min: 1.5 },
  { id: 'up100m-vs-tus', text: '100 MiB upload vs @tus/server', scenario: 'upload-100m-c1', metric: 'mbPerSecond', numerator: 'stowage-upload', denominator: 'tus', min: 1.5 },
  { id: 'up1m-c4-vs-tus', text: '1 MiB uploads, 4 concurrent, vs @tus/server', scenario: 'upload-1m-c4', metric: 'mbPerSecond', numerator: 'stowage-upload', denominator: 'tus', min: 1.5 },
  { id: 'up1m-c4-vs-raw-upload', text: '1 MiB uploads, 4 concurrent, vs the naive hashed raw server', scenario: 'upload-1m-c4', metric: 'mbPerSecond', numerator: 'stowage-upload', denominator: 'raw-upload', min: 1.0 },
];
