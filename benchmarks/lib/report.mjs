// RESULTS.md, regenerated from one run's JSON: targets, per-scenario tables with spread and
// ratios within the run, skipped subjects, machine, versions, commands and caveats.
import { LIMITS, TARGETS } from './plan.mjs';
import { ratioOf } from './summarize.mjs';
import { ROLES, workerRole } from './thread-roles.mjs';

/** Integers with separators from 100 up, else 3 significant digits. */
function fmt(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}
const spreadText = (s) => (s?.median === null || s?.median === undefined ? '–' : `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`);
const ratioText = (r) => (r === null || r.median === null ? '–' : `${r.median.toFixed(2)}x (${r.min.toFixed(2)}–${r.max.toFixed(2)})`);

const REFERENCE = { download: 'raw-stream', upload: 'raw-upload' };

function targetsTable(run) {
  const lines = ['| target | scenario | needed | measured: median (min–max) over rounds | verdict |', '|---|---|---|---|---|'];
  for (const t of run.targets) {
    const measured = t.measured === undefined ? `– (${t.why})` : t.metric === 'peakRssMiB' ? `${spreadText(t.measured)} MiB` : ratioText(t.measured);
    const verdict = t.verdict === 'met' ? 'met' : t.verdict === 'missed' ? '**missed**' : 'not measured';
    lines.push(`| ${t.text} | ${t.scenario} | ${t.needed ?? '–'} | ${measured} | ${verdict} |`);
  }
  return lines.join('\n');
}

function scenarioTable(run, scenario) {
  const reference = REFERENCE[scenario.kind];
  const head = `| subject | req/s | MB/s | p50 ms | p99 ms | server CPU % | server peak RSS MiB (at start) | MB/s vs ${reference} |`;
  const lines = [head, '|---|---|---|---|---|---|---|---|'];
  for (const id of scenario.subjects) {
    const subject = run.subjects.find((s) => s.id === id);
    if (subject?.status !== 'running') {
      lines.push(`| ${id} | skipped: ${subject?.reason ?? 'not selected'} | | | | | | |`);
      continue;
    }
    const s = run.summary[scenario.id]?.[id];
    if (s === undefined) continue;
    const failed = s.failedRounds > 0 ? ` (${s.failedRounds} failed round${s.failedRounds > 1 ? 's' : ''}: ${s.problems.join('; ')})` : '';
    const ratio = id === reference ? '1' : ratioText(ratioOf(run.results, scenario.id, 'mbPerSecond', id, reference));
    lines.push(
      `| ${id}${failed} | ${spreadText(s.requestsPerSecond)} | ${spreadText(s.mbPerSecond)} | ${spreadText(s.p50)} | ${spreadText(s.p99)} | ${spreadText(s.cpuPercent)} | ${spreadText(s.peakRssMiB)} (${fmt(s.rssAtStartMiB.median)}) | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

/** Main thread first, then workers, libuv's pool, V8's threads, the unclassified, other processes. */
const RANK = new Map([
  [ROLES.main, 0],
  [ROLES.pool, 2],
  [ROLES.platform, 3],
  [ROLES.other, 4],
]);
const roleRank = (role) => RANK.get(role) ?? (role.startsWith(workerRole('')) ? 1 : 5);
const byRank = (a, b) => roleRank(a) - roleRank(b) || a.localeCompare(b);

/**
 * For each scenario with a missed target: the server CPU per body of the subjects those targets
 * compare (and the plan's context subjects), split by thread; `[]` when the run recorded no CPU
 * by thread (runs before it was measured).
 */
function timeSplits(run, missed) {
  const sections = [];
  for (const scenario of run.scenarios) {
    const targets = missed.filter((t) => t.scenario === scenario.id);
    if (targets.length === 0) continue;
    const context = targets.flatMap((t) => TARGETS.find((planned) => planned.id === t.id)?.context ?? []);
    const ids = [...new Set(targets.flatMap((t) => [t.numerator, t.denominator]).concat(context))].filter((id) => run.summary[scenario.id]?.[id]?.cpuMsPerTransfer);
    if (ids.length === 0) continue;
    const split = ids.map((id) => run.summary[scenario.id][id].cpuMsPerTransfer);
    const roles = [...new Set(split.flatMap((s) => Object.keys(s.byRole)))].sort(byRank);
    // Microseconds for small bodies, milliseconds for large ones.
    const micro = Math.max(...split.map((s) => s.total.median ?? 0)) < 1;
    const unit = micro ? 'µs' : 'ms';
    const value = (ms) => (ms === undefined || ms === null ? '–' : fmt(micro ? ms * 1000 : ms));
    const lines = [`| server CPU per ${scenario.kind === 'upload' ? 'upload' : 'download'} (${unit}) | ${ids.join(' | ')} |`, `|---|${ids.map(() => '---:').join('|')}|`];
    for (const role of roles) lines.push(`| ${role} | ${split.map((s) => value(s.byRole[role] ?? 0)).join(' | ')} |`);
    lines.push(`| **all threads**, median (min–max) | ${split.map((s) => `**${value(s.total.median)}** (${value(s.total.min)}–${value(s.total.max)})`).join(' | ')} |`);
    sections.push({ scenario, targets, lines });
  }
  return sections;
}

function describeScenario(scenario) {
  const bound = scenario.tool === 'wrk' ? `wrk -t1 -c${scenario.connections} -d${scenario.seconds}s` : `stream client, ${scenario.concurrency} concurrent, at most ${scenario.count} transfers or ${scenario.deadlineMs / 1000} s`;
  return `${scenario.kind} of ${scenario.fixture ?? `${scenario.size / 2 ** 20} MiB bodies`}: ${bound}`;
}

/** The Markdown of RESULTS.md for one run. */
export function renderReport(run) {
  const out = [];
  out.push('# Benchmark results', '');
  out.push(
    `Regenerated by \`npm run bench${run.options.quick ? ' -- --quick' : ''}\` on ${run.startedAt} (${run.options.quick ? 'quick' : 'full'} mode, ${run.options.repeats} rounds, ${fmt(run.durationSeconds)} s). ` +
      `The JSON of this run is \`benchmarks/results/${run.file}\`. Every figure is the median over rounds with min–max in parentheses; ` +
      'ratios are computed round by round (both sides measured minutes apart at most, in the same run) and then their median is taken. MB = 10^6 bytes.',
    '',
  );
  out.push('## Targets (issue 7)', '', targetsTable(run), '');
  const missed = run.targets.filter((t) => t.verdict === 'missed');
  if (missed.length > 0) {
    out.push(`Missed in this run: ${missed.length} of ${run.targets.length}. Where the time goes, measured in this run, is below; the profiles behind it (V8's and perf's) are in [README.md](README.md#where-stowage-falls-short).`, '');
    const splits = timeSplits(run, missed);
    out.push('## Where the time goes (missed targets)', '');
    if (splits.length === 0) out.push('This run did not record the servers\' CPU by thread.', '');
    else {
      out.push(
        'The servers\' CPU time (user + system, from `/proc/<pid>/task/<tid>/stat` around each measurement) per body moved, by thread, median over rounds. ' +
          'The threads name themselves through a preload (`lib/thread-census.mjs`): the main thread; worker threads by script (`hash-worker.js`: the three digests; `writer-thread.js`: the SQLite catalog); ' +
          'libuv\'s pool (file reads and writes, `fsync`, `rename`, `mkdir`); V8\'s platform threads (mostly garbage collection); nginx\'s processes as a whole. The kernel counts CPU time in clock ticks (usually 10 ms), so a share is exact to one tick per measurement; the medians of the parts need not add up to the median of the whole.',
        '',
      );
      for (const { scenario, targets, lines } of splits) {
        out.push(`### ${scenario.id}: ${targets.map((t) => `${t.text} ${ratioText(t.measured)}`).join('; ')}`, '', ...lines, '');
      }
    }
  }
  out.push('## Machine limits', '', '| limit | MB/s |', '|---|---|');
  for (const limit of LIMITS) out.push(`| ${limit.label} | ${spreadText(run.summary.limits?.[limit.id]?.mbPerSecond)} |`);
  out.push('');
  for (const scenario of run.scenarios.filter((s) => s.kind !== 'limits')) {
    out.push(`## ${scenario.id}`, '', describeScenario(scenario) + '.', '', scenarioTable(run, scenario), '');
  }
  const skipped = run.subjects.filter((s) => s.status !== 'running');
  out.push('## Skipped subjects', '');
  if (skipped.length === 0) out.push('None: every subject started and passed its check.', '');
  else for (const s of skipped) out.push(`- ${s.id} (${s.label}): ${s.reason}`);
  if (skipped.length > 0) out.push('');
  out.push('## Subjects', '', '| id | what |', '|---|---|', ...run.subjects.map((s) => `| ${s.id} | ${s.label} |`), '');
  const { machine, versions } = run.environment;
  out.push('## Machine and versions', '');
  out.push(`- ${machine.cpus} × ${machine.cpuModel}${machine.shaNi ? ' (SHA-NI)' : ''}, ${machine.memoryGiB} GiB, Linux ${machine.kernel}`);
  out.push(`- load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${run.loadAverageAtEnd.join(' ')}; per round: ${run.rounds.map((r) => r.loadAverage[0]).join(', ')}`);
  out.push(`- Node ${versions.node}, ${versions.wrk ?? 'wrk missing'}, ${versions.nginx ?? 'nginx missing'}`);
  out.push(`- ${Object.entries(versions.packages).map(([name, version]) => `${name} ${version ?? 'missing'}`).join(', ')}`);
  out.push(`- git ${run.environment.git.commit ?? '?'} with ${run.environment.git.uncommittedFiles} uncommitted files`, '');
  out.push('## Commands', '');
  out.push('```sh', `npm run bench${run.options.quick ? ' -- --quick' : ''}   # = tsc -b && node benchmarks/run.mjs`, ...run.commands.map((c) => `# ${c}`), '```', '');
  out.push('## Method', '');
  out.push(
    '- Every server runs as its own child process on 127.0.0.1 (port 0), started once for the whole run; nginx runs from a private configuration in the run\'s temporary folder, with each X-Accel app behind the server block `stowage nginx-config` writes (on a port of its own), and is stopped at the end.',
    '- Each round runs every scenario against every subject once, in an order rotated by one subject per round, so slow phases of the shared machine spread over all subjects; every subject gets the same number of rounds.',
    '- Before the rounds each subject is checked (each fixture downloaded and its SHA-256 compared, the 100 MiB one in full runs only; four uploads accepted), which also warms it up. A subject that does not start or fails the check is listed as skipped and never given numbers. Every measured download is also checked for its exact length.',
    '- Small files: wrk with one thread (the server keeps the other core). Large bodies and uploads: `benchmarks/lib/stream-client.mjs` in its own process, bounded in count and time; upload bodies are unique per upload (no deduplication).',
    '- Server CPU is user + system time of the server processes (all threads; for the X-Accel subjects nginx plus the app) over the measurement\'s wall time: 100% is one core. Peak RSS is VmHWM after resetting it through /proc/<pid>/clear_refs (summed over nginx master, workers and the app); it includes what the process kept resident from earlier measurements, shown as "at start". Stowage serves uploads from a second process (stowage-upload) so downloads are not measured on a heap shaped by 100 MiB uploads. Each thread\'s CPU time is read the same way, from /proc/<pid>/task/<tid>/stat, and named by the census the subjects\' threads write when they start (README.md, "CPU by thread").',
    '- Uploads are deleted after each measurement to bound disk use (Stowage\'s rows stay in its catalog).',
    '',
  );
  out.push('## Caveats', '');
  out.push(
    `- The machine is shared: other engineers build and test on the same ${machine.cpus} cores during the run (load average above). Absolute figures move by up to 2x, and more under heavy load; ratios within one run are what counts, and their spread over rounds says how far to trust them.`,
    '- The load generators run on the same machine as the servers and compete with them for CPU; nginx (2 workers) competes with wrk more than a one-thread Node server does.',
    '- The stream client is Node: for the fastest subjects (nginx, cached buffers) it can be the bottleneck of large-body figures.',
    '- Stowage subjects do more per request than the baselines (catalog lookup, permission check, validators, Content-Disposition); uploads hash SHA-256 and SHA-1, fsync, rename and record a row; multer and tus do not hash or fsync.',
    '- The fixture files and the store are in the page cache: downloads measure the serving path, not the disk.',
    ...(run.options.quick ? ['- This is a --quick run: 1-second wrk runs, the stream client for 1 MiB downloads, few transfers per round, and downloads only with the subjects the targets compare; prefer a full run for decisions.'] : []),
    '',
  );
  return out.join('\n');
}
