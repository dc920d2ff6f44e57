// The plan's tables agree with each other: targets name scenarios and subjects that a run has,
// scenarios name subjects that exist, and full runs do at least as much as quick ones.
import t from 'tap';
import { FIXTURES, LIMITS, scenarios, SUBJECTS, TARGETS } from '../lib/plan.mjs';

const SUBJECT_IDS = new Set(SUBJECTS.map((s) => s.id));
const LIMIT_IDS = new Set(LIMITS.map((l) => l.id));
const MODES = [
  ['full', scenarios(false)],
  ['quick', scenarios(true)],
];
const METRICS = ['requestsPerSecond', 'mbPerSecond', 'p50', 'p99', 'cpuPercent', 'peakRssMiB', 'rssAtStartMiB'];
const unique = (list) => new Set(list).size === list.length;

t.test('ids are unique in every table', async (t) => {
  t.ok(unique(SUBJECTS.map((s) => s.id)), 'subjects');
  t.ok(unique(LIMITS.map((l) => l.id)), 'limits');
  t.ok(unique(TARGETS.map((target) => target.id)), 'targets');
  t.ok(unique(TARGETS.map((target) => target.text)), 'target texts (the report lists them by text)');
  for (const [mode, list] of MODES) t.ok(unique(list.map((s) => s.id)), `${mode} scenarios`);
});

t.test('full and quick runs have the same scenarios in the same order', async (t) => {
  t.strictSame(
    scenarios(true).map((s) => s.id),
    scenarios(false).map((s) => s.id),
  );
  t.equal(scenarios(false)[0].id, 'limits', 'the limits are measured first in each round');
});

t.test('every target references a scenario both modes run, and subjects that scenario measures', async (t) => {
  for (const target of TARGETS) {
    for (const [mode, list] of MODES) {
      const scenario = list.find((s) => s.id === target.scenario);
      t.ok(scenario, `${target.id}: ${target.scenario} in ${mode} mode`);
      t.ok(scenario?.subjects.includes(target.numerator), `${target.id}: ${target.numerator} in ${target.scenario} (${mode})`);
      if (target.denominator === undefined) continue;
      const denominatorScenario = list.find((s) => s.id === (target.denominatorScenario ?? target.scenario));
      t.ok(denominatorScenario?.subjects.includes(target.denominator), `${target.id}: ${target.denominator} measured (${mode})`);
    }
  }
});

t.test("a target's context subjects exist and are measured in its scenario in both modes", async (t) => {
  const withContext = TARGETS.filter((target) => target.context !== undefined);
  t.ok(withContext.length > 0, 'the Express 4 KiB target shows the Express ceiling');
  for (const target of withContext) {
    t.ok(Array.isArray(target.context) && target.context.length > 0, `${target.id}: a non-empty list`);
    for (const id of target.context) {
      t.ok(SUBJECT_IDS.has(id), `${target.id}: ${id} exists`);
      t.not(id, target.numerator, `${target.id}: ${id} is not already compared`);
      t.not(id, target.denominator, `${target.id}: ${id} is not already compared`);
      for (const [mode, list] of MODES) t.ok(list.find((s) => s.id === target.scenario)?.subjects.includes(id), `${target.id}: ${id} in ${target.scenario} (${mode})`);
    }
  }
});

t.test('target subjects exist; the fsync-write limit is the only denominator that is not a subject', async (t) => {
  for (const target of TARGETS) {
    t.ok(SUBJECT_IDS.has(target.numerator), `${target.id} numerator ${target.numerator}`);
    if (target.denominator === 'fsync-write') {
      t.equal(target.denominatorScenario, 'limits', `${target.id} reads the limit from the limits scenario`);
      t.ok(LIMIT_IDS.has('fsync-write'));
    } else if (target.denominator !== undefined) {
      t.ok(SUBJECT_IDS.has(target.denominator), `${target.id} denominator ${target.denominator}`);
      t.equal(target.denominatorScenario, undefined, `${target.id} compares within its scenario`);
    }
  }
  t.ok(TARGETS.some((target) => target.denominator === 'fsync-write'), 'the machine-limit target is there');
});

t.test('every target is either a ratio with a minimum or an absolute maximum, on a known metric', async (t) => {
  for (const target of TARGETS) {
    t.ok(METRICS.includes(target.metric), `${target.id} metric ${target.metric}`);
    t.equal(typeof target.text, 'string');
    if (target.maxAbsolute === undefined) {
      t.ok(target.min > 0, `${target.id} has a positive min`);
      t.ok(target.denominator !== undefined, `${target.id} has a denominator`);
    } else {
      t.ok(target.maxAbsolute > 0, `${target.id} has a positive maxAbsolute`);
      t.equal(target.min, undefined, `${target.id} has no min`);
      t.equal(target.denominator, undefined, `${target.id} has no denominator`);
    }
  }
  t.match(
    TARGETS.find((target) => target.id === 'dl100m-c32-rss'),
    { metric: 'peakRssMiB', maxAbsolute: 200 },
  );
});

t.test("every scenario's subjects exist and can do what the scenario asks", async (t) => {
  const fixtures = new Set(FIXTURES.map((f) => f.name));
  for (const [mode, list] of MODES) {
    for (const scenario of list) {
      t.ok(scenario.subjects.length > 0, `${mode} ${scenario.id} has subjects`);
      t.ok(unique(scenario.subjects), `${mode} ${scenario.id} lists each subject once`);
      for (const id of scenario.subjects) {
        if (scenario.kind === 'limits') {
          t.ok(LIMIT_IDS.has(id), `${mode} ${scenario.id}: limit ${id}`);
          continue;
        }
        const subject = SUBJECTS.find((s) => s.id === id);
        t.ok(subject, `${mode} ${scenario.id}: ${id} exists`);
        t.ok(scenario.kind === 'download' ? subject?.download !== undefined : subject?.upload !== undefined, `${mode} ${scenario.id}: ${id} can ${scenario.kind}`);
        if (subject?.only !== undefined) t.ok(subject.only.includes(scenario.id), `${mode} ${scenario.id}: ${id} is only for ${subject.only}`);
      }
      if (scenario.kind === 'download') t.ok(fixtures.has(scenario.fixture), `${mode} ${scenario.id}: fixture ${scenario.fixture}`);
      if (scenario.kind === 'upload') t.ok(scenario.size > 0, `${mode} ${scenario.id}: body size`);
    }
  }
});

t.test('full mode measures at least as much as quick mode in every scenario', async (t) => {
  const quick = new Map(scenarios(true).map((s) => [s.id, s]));
  const timeBoundMs = (s) => (s.seconds !== undefined ? s.seconds * 1000 : s.deadlineMs);
  for (const full of scenarios(false)) {
    const q = quick.get(full.id);
    for (const id of q.subjects) t.ok(full.subjects.includes(id), `${full.id}: quick subject ${id} is in the full run too`);
    if (full.count !== undefined && q.count !== undefined) t.ok(full.count >= q.count, `${full.id}: count ${full.count} >= ${q.count}`);
    if (full.bytes !== undefined) t.ok(full.bytes >= q.bytes, `${full.id}: bytes`);
    t.ok(timeBoundMs(full) >= timeBoundMs(q), `${full.id}: time bound ${timeBoundMs(full)} >= ${timeBoundMs(q)} ms`);
    if (full.concurrency !== undefined && q.concurrency !== undefined) t.ok(full.concurrency >= q.concurrency, `${full.id}: concurrency`);
    if (full.connections !== undefined && q.connections !== undefined) t.ok(full.connections >= q.connections, `${full.id}: connections`);
  }
});

t.test('every bound is a positive number: wrk has seconds and connections, the stream client count and deadline', async (t) => {
  for (const [mode, list] of MODES) {
    for (const s of list.filter((s) => s.kind !== 'limits')) {
      const bounds = s.tool === 'wrk' ? [s.seconds, s.connections] : [s.count, s.deadlineMs, s.concurrency];
      t.ok(bounds.every((b) => Number.isFinite(b) && b > 0), `${mode} ${s.id}: ${bounds}`);
    }
  }
});

t.test('every upload subject has an upload protocol and path; every download subject a download kind', async (t) => {
  const uploaders = SUBJECTS.filter((s) => s.upload !== undefined);
  t.ok(uploaders.length >= 4);
  for (const subject of uploaders) {
    t.ok(['raw', 'tus', 'multipart'].includes(subject.upload.protocol), `${subject.id}: protocol ${subject.upload.protocol}`);
    t.match(subject.upload.path, /^\//, `${subject.id}: path`);
    t.equal(subject.download, undefined, `${subject.id} only uploads`);
  }
  for (const subject of SUBJECTS.filter((s) => s.download !== undefined)) {
    t.ok(['stowage', 'name', 'static', 'bare'].includes(subject.download), `${subject.id}: download ${subject.download}`);
    t.ok(subject.script !== undefined || subject.nginxOnly === true, `${subject.id} has a script or is nginx itself`);
  }
  for (const subject of SUBJECTS) t.ok(typeof subject.label === 'string' && subject.label.length > 0, `${subject.id} label`);
});

t.test('--quick downloads with exactly the subjects the targets of each scenario compare or show', async (t) => {
  const full = new Map(scenarios(false).map((s) => [s.id, s]));
  for (const scenario of scenarios(true).filter((s) => s.kind === 'download' && s.id !== 'download-100m-c32')) {
    const named = new Set(TARGETS.filter((target) => target.scenario === scenario.id).flatMap((target) => [target.numerator, target.denominator, ...(target.context ?? [])]));
    t.strictSame(scenario.subjects, full.get(scenario.id).subjects.filter((id) => named.has(id)), `${scenario.id}, in the full run's order`);
  }
  t.notOk(scenarios(true).some((s) => s.subjects.includes('nginx-static')), 'no target compares nginx-static: quick runs leave it out');
  t.ok(scenarios(false).find((s) => s.id === 'download-4k').subjects.includes('nginx-static'), 'full runs keep it');
});
