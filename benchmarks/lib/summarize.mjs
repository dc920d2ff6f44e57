// From per-round measurements to what the report shows: spreads per subject, ratios within the
// run (round by round) and the targets' verdicts.
import { median, pairedRatios, round, spread } from './stats.mjs';
import { TARGETS } from './plan.mjs';

const METRICS = ['requestsPerSecond', 'mbPerSecond', 'p50', 'p99', 'cpuPercent', 'peakRssMiB', 'rssAtStartMiB'];

/** A metric of one measurement (`p50`/`p99` from its latency); `null` for a failed one. */
export function metricOf(measurement, metric) {
  if (measurement === undefined || measurement === null || !measurement.ok) return null;
  if (metric === 'p50' || metric === 'p99') return measurement.latencyMs?.[metric] ?? null;
  return measurement[metric] ?? null;
}

/**
 * The server's CPU per body moved (one request, upload or download), in milliseconds, over the
 * successful rounds that recorded it: `total` is the spread of all its processes' CPU; `byRole`
 * the median of each role's share (a role a round did not see counts 0 in it), rounded;
 * `null` when no round recorded CPU by thread.
 */
export function cpuPerTransfer(rounds) {
  const usable = rounds.filter((m) => m?.ok && m.threadCpuSeconds !== undefined && m.transfers > 0);
  if (usable.length === 0) return null;
  const roles = [...new Set(usable.flatMap((m) => Object.keys(m.threadCpuSeconds)))];
  const total = spread(usable.map((m) => (m.cpuSeconds * 1000) / m.transfers));
  const byRole = Object.fromEntries(roles.map((role) => [role, round(median(usable.map((m) => ((m.threadCpuSeconds[role] ?? 0) * 1000) / m.transfers)))]));
  return { total: { min: round(total.min), median: round(total.median), max: round(total.max) }, byRole, rounds: usable.length };
}

/** `{ [scenario]: { [subject]: { [metric]: spread, okRounds, failedRounds, problems, cpuMsPerTransfer } } }`. */
export function summarize(results) {
  const summary = {};
  for (const [scenarioId, bySubject] of Object.entries(results)) {
    summary[scenarioId] = {};
    for (const [subjectId, rounds] of Object.entries(bySubject)) {
      const entry = { okRounds: rounds.filter((m) => m?.ok).length, failedRounds: rounds.filter((m) => m && !m.ok).length };
      for (const metric of METRICS) {
        const s = spread(rounds.map((m) => metricOf(m, metric)));
        entry[metric] = { min: round(s.min), median: round(s.median), max: round(s.max) };
      }
      entry.problems = [...new Set(rounds.flatMap((m) => m?.problems ?? []))].slice(0, 3);
      entry.cpuMsPerTransfer = cpuPerTransfer(rounds);
      summary[scenarioId][subjectId] = entry;
    }
  }
  return summary;
}

/** Per-round ratios, unrounded: `null` when a side is absent. */
function exactRatioOf(results, scenario, metric, numerator, denominator, denominatorScenario) {
  const top = results[scenario]?.[numerator];
  const bottom = results[denominatorScenario]?.[denominator];
  if (top === undefined || bottom === undefined) return null;
  return pairedRatios(top.map((m) => metricOf(m, metric)), bottom.map((m) => metricOf(m, metric)));
}

/** Per-round ratios of `numerator` to `denominator` on a metric, spread over rounds (rounded for display). */
export function ratioOf(results, scenario, metric, numerator, denominator, denominatorScenario = scenario) {
  const r = exactRatioOf(results, scenario, metric, numerator, denominator, denominatorScenario);
  return r === null ? null : { min: round(r.min), median: round(r.median), max: round(r.max), n: r.n };
}

/** Each target with its measured value and verdict: `met`, `missed`, or `not measured` (with why). */
export function evaluateTargets(results, subjects) {
  return TARGETS.map((target) => {
    const needed = target.maxAbsolute !== undefined ? `< ${target.maxAbsolute}` : `>= ${target.min}x`;
    const base0 = { id: target.id, text: target.text, scenario: target.scenario, metric: target.metric, needed };
    const notRun = [target.scenario, target.denominatorScenario].find((id) => id !== undefined && results[id] === undefined);
    if (notRun !== undefined) return { ...base0, verdict: 'not measured', why: `${notRun} was not run` };
    const absent = [target.numerator, target.denominator].filter((id) => id !== undefined && id !== 'fsync-write' && subjects[id] === undefined);
    if (absent.length > 0) return { ...base0, verdict: 'not measured', why: `${absent.join(', ')} not selected` };
    const involved = [target.numerator, target.denominator].filter((id) => id !== undefined && subjects[id] !== undefined);
    const skipped = involved.filter((id) => subjects[id].status !== 'running');
    const base = { ...base0, numerator: target.numerator, denominator: target.denominator ?? null };
    if (skipped.length > 0) return { ...base, verdict: 'not measured', why: skipped.map((id) => `${id} skipped: ${subjects[id].reason}`).join('; ') };
    if (target.maxAbsolute !== undefined) {
      const values = (results[target.scenario]?.[target.numerator] ?? []).map((m) => metricOf(m, target.metric));
      const s = spread(values);
      if (s.n === 0) return { ...base, verdict: 'not measured', why: 'no successful round' };
      return { ...base, measured: { min: round(s.min), median: round(s.median), max: round(s.max), n: s.n }, verdict: s.max < target.maxAbsolute ? 'met' : 'missed' };
    }
    const exact = exactRatioOf(results, target.scenario, target.metric, target.numerator, target.denominator, target.denominatorScenario ?? target.scenario);
    if (exact === null || exact.n === 0) return { ...base, verdict: 'not measured', why: 'no round where both sides succeeded' };
    // Judged on the exact median: 1.4996x is shown as 1.50x but misses a 1.5x target.
    const measured = { min: round(exact.min), median: round(exact.median), max: round(exact.max), n: exact.n };
    return { ...base, measured, verdict: exact.median >= target.min ? 'met' : 'missed' };
  });
}
