// Everything a run needs before measuring: a private work folder (fixtures, the seeded Stowage
// store, upload folders, nginx's configuration), the subjects started as child processes (nginx
// last, in front of its apps), and a check of every subject (each download's bytes hashed against
// the fixture, one upload accepted) that doubles as its warm-up. A subject that cannot start or
// fails its check is reported as skipped, with the reason.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runJsonChild, streamClient } from './measure.mjs';
import { writeNginxConfig } from './nginx.mjs';
import { FIXTURES, SUBJECTS } from './plan.mjs';
import { freePorts, startNginx, startNodeSubject } from './servers.mjs';
import { readCensus, roleOf } from './thread-roles.mjs';

const SUBJECTS_DIR = fileURLToPath(new URL('../subjects/', import.meta.url));
const SEED = fileURLToPath(new URL('./seed-stowage.mjs', import.meta.url));
const CENSUS = fileURLToPath(new URL('./thread-census.mjs', import.meta.url));

/**
 * What a Node subject needs in its environment to keep a thread census in `file`: the preload
 * in NODE_OPTIONS (after any options already there), so worker threads run it too.
 */
function censusEnvironment(file) {
  const preload = `--import=${JSON.stringify(pathToFileURL(CENSUS).href)}`;
  return { NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '), BENCH_THREAD_CENSUS: file };
}

/** `() => roleOf(pid, tid, comm)` over the census in `file` as it is when called. */
const rolesFrom = (file) => () => {
  const census = file === undefined ? new Map() : readCensus(file);
  return (pid, tid, comm) => roleOf(census, pid, tid, comm);
};

/**
 * Writes the fixture files (random bytes) and starts seeding the Stowage store with them as
 * public entries: `data.seeded` resolves once the store holds them (and `data.entries` is set).
 */
export async function prepareData(workDir) {
  const paths = {
    filesDir: join(workDir, 'files'),
    blobRoot: join(workDir, 'store', 'blobs'),
    catalogFile: join(workDir, 'store', 'catalog.db'),
    uploadsDir: join(workDir, 'uploads'),
    nginxDir: join(workDir, 'nginx'),
    censusDir: join(workDir, 'census'),
  };
  for (const dir of Object.values(paths)) if (!dir.endsWith('.db')) mkdirSync(dir, { recursive: true });
  mkdirSync(join(workDir, 'store'), { recursive: true });
  const fixtures = {};
  for (const { name, size } of FIXTURES) {
    const bytes = randomBytes(size);
    const path = join(paths.filesDir, name);
    writeFileSync(path, bytes);
    fixtures[name] = { name, size, path, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const salt = randomBytes(32).toString('hex');
  const token = randomBytes(24).toString('hex');
  const data = { ...paths, fixtures, salt, token, entries: {} };
  data.seeded = runJsonChild(SEED, { blobRoot: paths.blobRoot, catalogFile: paths.catalogFile, salt, fixtures }, 120_000).then((seeded) => {
    data.entries = seeded.entries;
  });
  return data;
}

/** Removes what uploads left in a subject's folder (the seeded Stowage blobs stay). */
export function clearUploads(subject, data) {
  const keep = new Set(Object.values(data.entries).map((entry) => join(data.blobRoot, entry.blobPath)));
  const dir = subject.group === 'stowage' ? join(data.blobRoot, 'blobs') : subject.uploadDir;
  if (dir === undefined) return;
  for (const name of readdirSync(dir, { recursive: true })) {
    const path = join(dir, name);
    if (keep.has(path)) continue;
    try {
      rmSync(path, { force: true });
    } catch {
      // A folder: its files were removed one by one; folders themselves may stay.
    }
  }
}

function urlsFor(definition, data, port) {
  const base = `http://127.0.0.1:${port}`;
  const path = (fixture) => {
    if (definition.download === 'stowage') return data.entries[fixture.name].url;
    if (definition.download === 'static') return `/static/${fixture.name}`;
    if (definition.download === 'bare') return `/bare/${fixture.name}`;
    return `/${fixture.name}`;
  };
  return {
    downloadUrl: (fixture) => `${base}${path(fixture)}`,
    uploadUrl: () => `${base}${definition.upload.path}`,
  };
}

/**
 * Starts the selected subjects. Resolves a map id → subject: `{ id, label, status: 'running' |
 * 'skipped', reason?, pids(), downloadUrl(fixture), uploadUrl(), stop() }`.
 */
export async function startSubjects(selected, data, { nginx, cpuProfileDir }) {
  const subjects = new Map();
  const fixtures = data.fixtures;
  const apps = selected.filter((definition) => !definition.nginxOnly);
  // All start at once; Stowage subjects once the store is seeded (SQLite's busy timeout covers
  // their opening the same catalog together).
  await Promise.all(apps.map(async (definition) => {
    if (definition.group === 'stowage') {
      const failure = await data.seeded.then(() => undefined, (error) => error);
      if (failure !== undefined) {
        subjects.set(definition.id, { ...definition, status: 'skipped', reason: `the store could not be seeded: ${failure.message}` });
        return;
      }
    }
    const uploadDir = definition.upload !== undefined && definition.group !== 'stowage' ? join(data.uploadsDir, definition.id) : undefined;
    if (uploadDir !== undefined) mkdirSync(uploadDir, { recursive: true });
    const settings = {
      ...definition.settings,
      fixtures,
      filesDir: data.filesDir,
      blobRoot: data.blobRoot,
      catalogFile: data.catalogFile,
      salt: data.salt,
      token: data.token,
      uploadDir,
    };
    const nodeArgs = cpuProfileDir !== undefined && definition.group === 'stowage' ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfileDir, definition.id)}`] : [];
    const census = join(data.censusDir, `${definition.id}.jsonl`);
    try {
      const app = await startNodeSubject(join(SUBJECTS_DIR, definition.script), settings, { nodeArgs, env: censusEnvironment(census) });
      subjects.set(definition.id, {
        ...definition,
        status: 'running',
        app,
        census,
        uploadDir,
        pids: app.pids,
        threadRoles: rolesFrom(census),
        ...urlsFor(definition, data, app.port),
        stop: app.stop,
      });
    } catch (error) {
      subjects.set(definition.id, { ...definition, status: 'skipped', reason: `did not start: ${error.message}` });
    }
  }));
  await data.seeded.catch(() => undefined);
  // Keep the plan's order for reports.
  const ordered = new Map(selected.filter((definition) => subjects.has(definition.id)).map((definition) => [definition.id, subjects.get(definition.id)]));
  subjects.clear();
  for (const [id, subject] of ordered) subjects.set(id, subject);
  const fronted = selected.filter((definition) => definition.nginxOnly || definition.behindNginx !== undefined);
  if (fronted.length === 0) return subjects;
  const appPort = (name) => {
    const app = [...subjects.values()].find((subject) => subject.behindNginx === name && subject.status === 'running');
    return app?.app.port;
  };
  // Each X-Accel app behind the server block `stowage nginx-config` writes, on a port of its own.
  const frontedApps = {
    stowage: { appPort: appPort('stowage'), mediaPrefix: '/media', internalPrefix: '/_blobs/default', root: data.blobRoot },
    bare: { appPort: appPort('bare'), mediaPrefix: '/bare', internalPrefix: '/_files', root: data.filesDir },
  };
  for (const [name, app] of Object.entries(frontedApps)) if (app.appPort === undefined) delete frontedApps[name];
  let proxy;
  let reason;
  let failed = new Map();
  if (nginx === undefined) reason = 'nginx is not installed';
  else {
    try {
      const [port, ...listens] = await freePorts(1 + Object.keys(frontedApps).length);
      for (const app of Object.values(frontedApps)) app.listen = listens.shift();
      const written = await writeNginxConfig({ dir: data.nginxDir, port, filesDir: data.filesDir, apps: frontedApps });
      failed = written.failed;
      proxy = await startNginx(nginx, written.file, port);
    } catch (error) {
      reason = `nginx did not start: ${error.message}`;
    }
  }
  for (const definition of fronted) {
    const app = subjects.get(definition.id);
    if (app?.status === 'skipped') continue;
    const fronting = definition.behindNginx === undefined ? undefined : frontedApps[definition.behindNginx];
    const unbuilt = definition.behindNginx === undefined ? undefined : (failed.get(definition.behindNginx) ?? (fronting === undefined ? 'its app did not start' : undefined));
    if (proxy === undefined || unbuilt !== undefined) {
      await app?.stop();
      subjects.set(definition.id, { ...definition, status: 'skipped', reason: unbuilt ?? reason });
      continue;
    }
    subjects.set(definition.id, {
      ...definition,
      status: 'running',
      app: app?.app,
      pids: () => [...proxy.pids(), ...(app === undefined ? [] : app.pids())],
      // nginx kept no census: its processes are counted by their name.
      threadRoles: rolesFrom(app?.census),
      ...urlsFor(definition, data, fronting?.listen ?? proxy.port),
      stop: async () => app?.stop(),
    });
  }
  subjects.nginx = proxy;
  return subjects;
}

/**
 * Checks and warms up every running subject the scenarios use: each fixture downloaded and
 * hashed (then a burst of small requests), or four uploads accepted. A subject that fails is
 * stopped and marked skipped with the reason.
 */
export async function checkSubjects(subjects, scenarios, data, { quick = false } = {}) {
  const used = new Set(scenarios.flatMap((scenario) => (scenario.kind === 'limits' ? [] : scenario.subjects)));
  const downloads = [...new Set(scenarios.filter((scenario) => scenario.kind === 'download').map((scenario) => scenario.fixture))];
  const uploads = scenarios.some((scenario) => scenario.kind === 'upload');
  const uploaders = new Set(scenarios.filter((scenario) => scenario.kind === 'upload').flatMap((scenario) => scenario.subjects));
  await Promise.all(
    [...subjects.values()]
      .filter((subject) => subject.status === 'running' && used.has(subject.id))
      .map(async (subject) => {
        const jobs = [];
        if (subject.download !== undefined) {
          for (const name of downloads) {
            const fixture = data.fixtures[name];
            // Every measurement checks each body's length; the bytes themselves are checked here
            // (for the 100 MiB file only in full runs: --quick spares the machine 1 GB of hashing).
            if (fixture.size > 1024 * 1024 && quick) continue;
            const url = subject.downloadUrl(fixture);
            jobs.push({ mode: 'download', url, size: fixture.size, concurrency: 1, count: 1, deadlineMs: 30_000, verifySha256: fixture.sha256 });
            if (fixture.size <= 1024 * 1024) jobs.push({ mode: 'download', url, size: fixture.size, concurrency: 4, count: (fixture.size <= 4096 ? 300 : 30) / (quick ? 3 : 1), deadlineMs: 10_000 });
          }
        }
        if (uploads && subject.upload !== undefined && uploaders.has(subject.id)) {
          const headers = subject.upload.auth ? { authorization: `Bearer ${data.token}` } : {};
          jobs.push({ mode: 'upload', protocol: subject.upload.protocol, url: subject.uploadUrl(), headers, size: 1024 * 1024, concurrency: 2, count: 4, deadlineMs: 20_000 });
        }
        if (jobs.length === 0) return;
        try {
          const results = await streamClient(jobs);
          const failure = results.find((result) => result.failed > 0 || result.completed === 0);
          if (failure !== undefined) throw new Error(failure.failures.join('; ') || 'nothing completed');
          clearUploads(subject, data);
        } catch (error) {
          subject.status = 'skipped';
          subject.reason = `failed its check: ${error.message}`;
        }
      }),
  );
}

/** Paths relative to the repository, for printing. */
export const repoRelative = (path) => relative(fileURLToPath(new URL('../..', import.meta.url)), path);
