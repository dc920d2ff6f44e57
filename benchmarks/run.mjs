// The throughput harness: `npm run bench` (full) or `npm run bench -- --quick` (under two minutes).
//
// Options: --quick; --repeats N (rounds, default 3; fewer than 3 is for development only);
// --scenarios a,b and --subjects a,b (filters, for development); --cpu-prof (Stowage subjects
// run under `node --cpu-prof`, profiles kept in benchmarks/results/profiles/<run>/);
// --keep (keep the temporary work folder); --report / --no-report (write RESULTS.md; by default
// only unfiltered runs with at least 3 rounds do); --render <run.json> (measure nothing: rewrite
// RESULTS.md from a run's JSON, e.g. the last full run's after a quick run replaced it). Progress
// goes to stderr; the summary of the targets to stdout; the run's JSON to benchmarks/results/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEnvironment, load } from './lib/environment.mjs';
import { measureLimit, measureTransfer } from './lib/measure.mjs';
import { findNginx } from './lib/nginx.mjs';
import { FIXTURES, scenarios as planScenarios, SUBJECTS } from './lib/plan.mjs';
import { renderReport } from './lib/report.mjs';
import { killAll } from './lib/servers.mjs';
import { checkSubjects, clearUploads, prepareData, startSubjects } from './lib/setup.mjs';
import { evaluateTargets, summarize } from './lib/summarize.mjs';
import { findWrk } from './lib/wrk.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));

function parseArgs(argv) {
  const options = { quick: false, repeats: 3, scenarios: undefined, subjects: undefined, cpuProf: false, keep: false, report: undefined, render: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--repeats') options.repeats = Number(value());
    else if (arg === '--scenarios') options.scenarios = value().split(',');
    else if (arg === '--subjects') options.subjects = value().split(',');
    else if (arg === '--cpu-prof') options.cpuProf = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--report') options.report = true;
    else if (arg === '--no-report') options.report = false;
    else if (arg === '--render') options.render = value();
    else throw new Error(`unknown option ${arg} (see the top of benchmarks/run.mjs)`);
  }
  if (!Number.isInteger(options.repeats) || options.repeats < 1) throw new Error('--repeats must be a positive integer');
  return options;
}

const t0 = performance.now();
const progress = (text) => process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s ${text}\n`);
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

function headline(scenario, measurement) {
  if (!measurement.ok) return `FAILED ${measurement.problems.join('; ')}`;
  if (scenario.kind === 'limits') return `${measurement.mbPerSecond.toFixed(0)} MB/s`;
  const rate = scenario.fixture === '4k.bin' || scenario.kind === 'upload' && scenario.size < 2 ** 20 ? `${measurement.requestsPerSecond.toFixed(0)} req/s` : `${measurement.mbPerSecond.toFixed(0)} MB/s`;
  return `${rate}, p99 ${measurement.latencyMs.p99?.toFixed(1) ?? '–'} ms, cpu ${measurement.cpuPercent?.toFixed(0)}%, rss ${measurement.peakRssMiB.toFixed(0)} MiB`;
}

/** `--render`: RESULTS.md from a run's JSON, measuring nothing. */
function renderFrom(file) {
  const run = JSON.parse(readFileSync(file, 'utf8'));
  if (run.format !== 'stowage-bench/1') throw new Error(`${file} is not a run of this harness (format ${run.format})`);
  writeFileSync(join(HERE, 'RESULTS.md'), renderReport(run));
  process.stdout.write(`benchmarks/RESULTS.md rewritten from ${file} (${run.options.quick ? 'quick' : 'full'} run of ${run.startedAt})\n`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.render !== undefined) {
    renderFrom(options.render);
    return;
  }
  const started = new Date();
  const runName = started.toISOString().replace(/[:.]/g, '-');
  const wrk = findWrk();
  const nginx = findNginx();
  const environment = describeEnvironment({ wrk, nginx });
  const selectedIds = new Set(SUBJECTS.filter((s) => options.subjects === undefined || options.subjects.includes(s.id)).map((s) => s.id));
  const scenarios = planScenarios(options.quick)
    .filter((s) => options.scenarios === undefined || options.scenarios.includes(s.id))
    .map((s) => ({ ...s, subjects: s.kind === 'limits' ? s.subjects : s.subjects.filter((id) => selectedIds.has(id)) }))
    .filter((s) => s.kind === 'limits' || s.subjects.length > 0);
  // Only the subjects some selected scenario measures are started (--quick leaves some out).
  const measuredIds = new Set(scenarios.flatMap((s) => (s.kind === 'limits' ? [] : s.subjects)));
  const selectedSubjects = SUBJECTS.filter((s) => measuredIds.has(s.id));
  const notMeasured = wrk === undefined ? scenarios.filter((s) => s.tool === 'wrk').map((s) => `${s.id}: wrk is not installed`) : [];
  const measured = scenarios.filter((s) => !(s.tool === 'wrk' && wrk === undefined));

  const workDir = mkdtempSync(join(tmpdir(), 'stowage-bench-'));
  const cpuProfileDir = options.cpuProf ? join(HERE, 'results', 'profiles', runName) : undefined;
  const stopAll = async (subjects) => {
    await subjects?.nginx?.stop();
    await Promise.all([...(subjects?.values() ?? [])].map((s) => s.app?.stop()));
  };
  let subjects;
  const removeWorkDir = () => {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  };
  // However the harness ends (Ctrl-C, a closed pipe, a crash), its servers and folder go too.
  process.once('exit', removeWorkDir);
  process.stderr.on('error', () => undefined);
  process.once('SIGINT', () => {
    killAll();
    process.exit(130);
  });
  try {
    progress(`stowage bench: ${options.quick ? 'quick' : 'full'} run, ${options.repeats} rounds, work folder ${workDir}`);
    const data = await prepareData(workDir);
    progress(`fixtures written (${FIXTURES.map((f) => f.name).join(', ')}); seeding the Stowage store and starting the subjects`);
    subjects = await startSubjects(selectedSubjects, data, { nginx, cpuProfileDir });
    progress('store seeded, subjects started; checking and warming them up');
    await checkSubjects(subjects, measured, data, { quick: options.quick });
    for (const s of subjects.values()) progress(`  ${s.id.padEnd(16)} ${s.status === 'running' ? `running (pids ${s.pids().join(',')})` : `SKIPPED: ${s.reason}`}`);

    const results = Object.fromEntries(measured.map((s) => [s.id, Object.fromEntries(s.subjects.map((id) => [id, []]))]));
    const rounds = [];
    const uploadHeaders = { authorization: `Bearer ${data.token}` };
    for (let round = 0; round < options.repeats; round++) {
      rounds.push({ round: round + 1, startedAt: new Date().toISOString(), loadAverage: load() });
      for (const scenario of measured) {
        for (const id of rotate(scenario.subjects, round)) {
          let measurement;
          if (scenario.kind === 'limits') {
            measurement = await measureLimit(id, scenario, workDir).catch((error) => ({ ok: false, problems: [error.message] }));
          } else {
            const subject = subjects.get(id);
            if (subject?.status !== 'running') continue;
            const fixture = scenario.fixture === undefined ? undefined : data.fixtures[scenario.fixture];
            measurement = await measureTransfer(scenario, subject, { wrk, fixture, uploadHeaders: subject.upload?.auth ? uploadHeaders : {} });
            if (scenario.kind === 'upload') clearUploads(subject, data);
            if (subject.app !== undefined && !subject.app.alive()) measurement = { ok: false, problems: [`the server died: ${subject.app.stderr().slice(-300)}`] };
          }
          results[scenario.id][id][round] = measurement;
          progress(`[${round + 1}/${options.repeats}] ${scenario.id.padEnd(17)} ${id.padEnd(16)} ${headline(scenario, measurement)}`);
        }
      }
    }

    const subjectList = [...subjects.values()].map((s) => ({ id: s.id, label: s.label, status: s.status, ...(s.reason === undefined ? {} : { reason: s.reason }) }));
    const subjectMap = Object.fromEntries(subjectList.map((s) => [s.id, s]));
    const finished = new Date();
    const run = {
      format: 'stowage-bench/1',
      file: `${runName}${options.quick ? '-quick' : ''}.json`,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationSeconds: (finished - started) / 1000,
      options: { quick: options.quick, repeats: options.repeats, scenarios: options.scenarios ?? null, subjects: options.subjects ?? null, cpuProf: options.cpuProf },
      environment,
      loadAverageAtEnd: load(),
      rounds,
      // Ports and ids change every run: the commands are listed once per shape.
      commands: [
        ...new Set(
          Object.values(results).flatMap((bySubject) =>
            Object.values(bySubject).flatMap((list) =>
              list.map((m) => m?.command?.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:<port>').replace(/\/media\/[0-9a-f]{64}\//, '/media/<id>/')).filter(Boolean),
            ),
          ),
        ),
      ],
      notMeasured,
      scenarios: measured.map(({ subjects: ids, ...rest }) => ({ ...rest, subjects: ids })),
      subjects: subjectList,
      results,
      summary: summarize(results),
      targets: evaluateTargets(results, subjectMap),
      ...(cpuProfileDir === undefined ? {} : { cpuProfiles: `benchmarks/results/profiles/${runName}` }),
    };
    mkdirSync(join(HERE, 'results'), { recursive: true });
    writeFileSync(join(HERE, 'results', run.file), `${JSON.stringify(run, null, 1)}\n`);
    const filtered = options.scenarios !== undefined || options.subjects !== undefined || options.repeats < 3;
    if (options.report ?? !filtered) writeFileSync(join(HERE, 'RESULTS.md'), renderReport(run));
    process.stdout.write(`results: benchmarks/results/${run.file}${(options.report ?? !filtered) ? ', benchmarks/RESULTS.md' : ''} (${run.durationSeconds.toFixed(0)} s)\n`);
    for (const t of run.targets) {
      const value = t.measured === undefined ? t.why : t.metric === 'peakRssMiB' ? `${t.measured.max} MiB max` : `${t.measured.median}x (${t.measured.min}-${t.measured.max})`;
      process.stdout.write(`${t.verdict.padEnd(12)} ${t.text}: ${value} (needed ${t.needed ?? '-'})\n`);
    }
  } finally {
    await stopAll(subjects);
    removeWorkDir();
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  killAll();
  process.exitCode = 1;
});
