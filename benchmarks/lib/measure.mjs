// One measurement: one scenario against one subject in one round, with the server's CPU and
// peak RSS read from /proc around it. Failures are recorded as such (never replaced by numbers).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ProcessWatch } from './process-stats.mjs';
import { runJob } from './stream-client.mjs';
import { runWrk } from './wrk.mjs';

const LIMITS = fileURLToPath(new URL('./limits.mjs', import.meta.url));

/** Runs a helper script with one JSON argument and parses the JSON line it prints. */
export function runJsonChild(script, job, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, JSON.stringify(job)], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message.split('\n')[0]} ${stderr.trim().split('\n').slice(-3).join(' ')}`.trim()));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

/**
 * Runs the stream client (one job or an array of jobs, in order) in this process: the harness
 * itself does nothing else meanwhile but a 20 ms /proc sampler, and a process start per
 * measurement would cost more than the measurement on a loaded machine.
 */
export async function streamClient(job) {
  if (!Array.isArray(job)) return runJob(job);
  const results = [];
  for (const one of job) results.push(await runJob(one));
  return results;
}

/** One machine-limit measurement: `{ mbPerSecond }`. */
export async function measureLimit(limitId, scenario, workDir) {
  const job =
    limitId === 'sha256'
      ? { mode: 'sha256', bytes: scenario.bytes }
      : limitId === 'fsync-write'
        ? { mode: 'fsync-write', bytes: scenario.bytes, dir: workDir }
        : { mode: 'loopback', seconds: scenario.seconds };
  const result = await runJsonChild(LIMITS, job, 120_000);
  return { ok: true, mbPerSecond: result.mbPerSecond, command: `node benchmarks/lib/limits.mjs '${JSON.stringify({ ...job, dir: job.dir && '<work>' })}'` };
}

/**
 * Measures a download or upload scenario against a started subject (`subject.pids()`,
 * `subject.url(path)`, optionally `subject.threadRoles()`): resolves the metrics, with `ok: false`
 * and the reasons when the load generator saw errors, wrong sizes, or too little completed work.
 * `transfers` is the work done in whole bodies (requests for wrk, bytes moved over the body size
 * for the stream client), what the CPU by thread is divided by.
 */
export async function measureTransfer(scenario, subject, { wrk, fixture, uploadHeaders }) {
  const watch = new ProcessWatch(subject.pids(), subject.threadRoles);
  watch.start();
  let load;
  try {
    if (scenario.tool === 'wrk') {
      load = await runWrk(wrk, subject.downloadUrl(fixture), { connections: scenario.connections, seconds: scenario.seconds });
    } else if (scenario.kind === 'download') {
      load = await streamClient({
        mode: 'download',
        url: subject.downloadUrl(fixture),
        size: fixture.size,
        concurrency: scenario.concurrency,
        count: scenario.count,
        deadlineMs: scenario.deadlineMs,
      });
    } else {
      load = await streamClient({
        mode: 'upload',
        protocol: subject.upload.protocol,
        url: subject.uploadUrl(),
        headers: uploadHeaders,
        size: scenario.size,
        concurrency: scenario.concurrency,
        count: scenario.count,
        deadlineMs: scenario.deadlineMs,
      });
    }
  } catch (error) {
    watch.stop();
    return { ok: false, problems: [String(error.message ?? error)] };
  }
  const server = watch.stop();
  const metrics = scenario.tool === 'wrk' ? fromWrk(load, fixture) : fromStream(load, scenario);
  const transfers = (metrics.mbPerSecond * metrics.seconds * 1e6) / (fixture?.size ?? scenario.size);
  return { ...metrics, transfers, ...server };
}

function fromWrk(load, fixture) {
  const problems = [];
  const errors = Object.entries(load.errors).filter(([, count]) => count > 0);
  if (errors.length > 0) problems.push(`wrk errors: ${errors.map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
  if (load.requests === 0) problems.push('no request completed');
  else if (load.bytes / load.requests < fixture.size) problems.push(`responses averaged ${Math.round(load.bytes / load.requests)} bytes, less than the ${fixture.size}-byte body`);
  return {
    ok: problems.length === 0,
    problems,
    requests: load.requests,
    seconds: load.seconds,
    requestsPerSecond: load.requests / load.seconds,
    mbPerSecond: (load.requests * fixture.size) / 1e6 / load.seconds,
    latencyMs: { p50: load.latencyMs.p50, p99: load.latencyMs.p99 },
    command: load.command,
  };
}

function fromStream(load, scenario) {
  const problems = [];
  if (load.failed > 0) problems.push(`${load.failed} failed: ${load.failures.join('; ')}`);
  // A download costs the same for every byte: bytes moved until the deadline are a throughput.
  // An upload's cost is only known once it is committed, so only completed uploads count.
  const upload = scenario.kind === 'upload';
  if (upload ? load.completed === 0 : load.bytes === 0) problems.push(`no ${upload ? 'upload completed' : 'byte arrived'} within ${scenario.deadlineMs} ms`);
  const seconds = load.wallMs / 1000;
  return {
    ok: problems.length === 0,
    problems,
    requests: load.completed,
    hitDeadline: load.hitDeadline,
    seconds,
    requestsPerSecond: load.completed / seconds,
    mbPerSecond: (upload ? load.completedBytes : load.bytes) / 1e6 / seconds,
    latencyMs: { p50: load.latencyMs.p50, p99: load.latencyMs.p99 },
    command: `node benchmarks/lib/stream-client.mjs '{"mode":"${scenario.kind}",…,"concurrency":${scenario.concurrency},"count":${scenario.count},"deadlineMs":${scenario.deadlineMs}}'`,
  };
}
