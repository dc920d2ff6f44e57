// Which thread of a server process does what, from the census its threads wrote
// (thread-census.mjs), so a measurement's CPU time can be split by role.
//
// Node 20 starts, in this order: the main thread, V8's platform threads (the workers that run
// garbage collection and compilation jobs, a delayed-task scheduler), the inspector's signal
// thread, then libuv's pool on its first queued job, which happens while the entry module loads.
// So of the threads alive when the preload runs, the last `poolSize` (by thread id, which Linux
// hands out in creation order) are libuv's pool and the others, but the main thread, are V8's.
// Worker threads name themselves. Threads started later and not named are "other threads".
import { readFileSync } from 'node:fs';

/** Role names, in the order reports list them. */
export const ROLES = {
  main: 'main thread',
  pool: 'libuv pool (fs, crypto)',
  platform: 'V8 platform (GC, compiler)',
  other: 'other threads',
};

/** `worker <script>`: the role of a worker thread, by its entry script's file name. */
export const workerRole = (script) => `worker ${script}`;

/** `<comm> processes`: the role of a process that kept no census (nginx). */
export const processRole = (comm) => `${comm} processes`;

/** A census line's main-thread record → `{ main, platform: Set, pool: Set }`. */
export function splitStartupThreads({ main, startup, poolSize }) {
  const others = startup.filter((tid) => tid !== main).sort((a, b) => a - b);
  // Fewer threads than a pool plus one V8 thread: not Node's usual start; classify none.
  if (others.length <= poolSize) return { main, platform: new Set(), pool: new Set() };
  return { main, platform: new Set(others.slice(0, -poolSize)), pool: new Set(others.slice(-poolSize)) };
}

/** Parses census lines (unparseable ones are ignored) → `Map pid → { main, platform, pool, workers: Map tid → script }`. */
export function parseCensus(text) {
  const byPid = new Map();
  const entry = (pid) => {
    if (!byPid.has(pid)) byPid.set(pid, { main: undefined, platform: new Set(), pool: new Set(), workers: new Map() });
    return byPid.get(pid);
  };
  for (const line of text.split('\n')) {
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Number.isInteger(record?.pid)) continue;
    if (Number.isInteger(record.main) && Array.isArray(record.startup) && Number.isInteger(record.poolSize)) {
      Object.assign(entry(record.pid), splitStartupThreads(record));
    } else if (Number.isInteger(record.tid) && typeof record.worker === 'string') {
      entry(record.pid).workers.set(record.tid, record.worker);
    }
  }
  return byPid;
}

/** Reads a census file; an absent or unreadable one is an empty census. */
export function readCensus(file) {
  try {
    return parseCensus(readFileSync(file, 'utf8'));
  } catch {
    return new Map();
  }
}

/**
 * The role of thread `tid` of process `pid`: from the census when the process kept one, else
 * the process's role by its command name (`comm`, e.g. nginx's workers).
 */
export function roleOf(census, pid, tid, comm) {
  const threads = census.get(pid);
  if (threads === undefined) return processRole(comm);
  if (threads.workers.has(tid)) return workerRole(threads.workers.get(tid));
  // Workers named themselves but the main thread wrote nothing: the rest cannot be told apart.
  if (threads.main === undefined) return processRole(comm);
  if (tid === threads.main) return ROLES.main;
  if (threads.pool.has(tid)) return ROLES.pool;
  if (threads.platform.has(tid)) return ROLES.platform;
  return ROLES.other;
}
