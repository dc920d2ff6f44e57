// Server-side cost of a measurement, read from /proc: CPU time (user + system, all threads) and
// peak resident memory of each server process. Peaks are reset before a measurement by writing
// `5` to /proc/<pid>/clear_refs (which resets VmHWM); where that is refused, the peak is the
// largest VmRSS sampled every 20 ms instead, and the result says which method was used. CPU time
// is also read thread by thread and split by role (thread-roles.mjs) when a role function is given.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond;

/** The kernel's clock ticks per second (`getconf CLK_TCK`, 100 on Linux nearly always). */
export function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readStat(pid, path = `/proc/${pid}/stat`) {
  const text = readFileSync(path, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(rest[1]), utime: Number(rest[11]), stime: Number(rest[12]) };
}

/** CPU seconds (user + system, every thread) a process has used so far; `null` once it is gone. */
export function cpuSeconds(pid) {
  try {
    const { utime, stime } = readStat(pid);
    return (utime + stime) / clockTicks();
  } catch {
    return null;
  }
}

/** CPU seconds each live thread of a process has used so far: `Map tid → seconds` (empty once it is gone). */
export function threadCpuSeconds(pid) {
  const times = new Map();
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return times;
  }
  for (const tid of tids) {
    try {
      const { utime, stime } = readStat(pid, `/proc/${pid}/task/${tid}/stat`);
      times.set(Number(tid), (utime + stime) / clockTicks());
    } catch {
      // The thread ended while we looked.
    }
  }
  return times;
}

/** The process's command name (`nginx`, `node`); `process` once it is gone. */
export function commandName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'process';
  }
}

/**
 * Sums the CPU seconds threads used between two `threadCpuSeconds` readings by role:
 * `role(tid)` names each thread's. A thread that started meanwhile counts from zero; one that
 * ended meanwhile is lost (its time stays in the process total).
 */
export function cpuByRole(before, after, role) {
  const byRole = {};
  for (const [tid, seconds] of after) {
    const used = seconds - (before.get(tid) ?? 0);
    if (used <= 0) continue;
    const name = role(tid);
    byRole[name] = (byRole[name] ?? 0) + used;
  }
  return byRole;
}

function statusKiB(pid, field) {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/** The process's direct children (nginx workers under their master). */
export function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    const found = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        if (readStat(Number(name)).ppid === pid) found.push(Number(name));
      } catch {
        // The process ended while we looked.
      }
    }
    return found;
  }
}

/**
 * Watches a set of server processes during one measurement. `start()` resets peaks and reads
 * CPU; `stop()` reads both again and returns the CPU seconds used, the peak RSS in MiB (the
 * sum of each process's peak when there are several, e.g. nginx workers plus the app behind them)
 * and the RSS at the start (what earlier work left resident is part of the peak). With `roles`,
 * a function called at `stop()` that returns `roleOf(pid, tid, comm)` (read then, so threads
 * started during the measurement are known), `stop()` also returns `threadCpuSeconds`: the CPU
 * seconds by role (the main thread, a worker, libuv's pool, ...; a process that kept no census,
 * such as nginx's, by its command name).
 */
export class ProcessWatch {
  constructor(pids, roles = undefined) {
    this.pids = pids;
    this.roles = roles;
  }

  start() {
    this.cpu = new Map(this.pids.map((pid) => [pid, cpuSeconds(pid)]));
    if (this.roles !== undefined) this.threads = new Map(this.pids.map((pid) => [pid, threadCpuSeconds(pid)]));
    this.reset = this.pids.every((pid) => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    });
    this.sampled = new Map(this.pids.map((pid) => [pid, statusKiB(pid, 'VmRSS') ?? 0]));
    this.startKiB = [...this.sampled.values()].reduce((sum, kib) => sum + kib, 0);
    this.timer = setInterval(() => {
      for (const pid of this.pids) this.sampled.set(pid, Math.max(this.sampled.get(pid), statusKiB(pid, 'VmRSS') ?? 0));
    }, 20);
    this.startedAt = performance.now();
  }

  stop() {
    clearInterval(this.timer);
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    let cpu = 0;
    let peakKiB = 0;
    const byRole = {};
    const roleOf = this.roles?.();
    for (const pid of this.pids) {
      if (roleOf !== undefined) {
        const comm = commandName(pid);
        for (const [role, seconds] of Object.entries(cpuByRole(this.threads.get(pid), threadCpuSeconds(pid), (tid) => roleOf(pid, tid, comm)))) {
          byRole[role] = (byRole[role] ?? 0) + seconds;
        }
      }
      const before = this.cpu.get(pid);
      const after = cpuSeconds(pid);
      if (before !== null && after !== null) cpu += after - before;
      const hwm = this.reset ? statusKiB(pid, 'VmHWM') : null;
      peakKiB += Math.max(hwm ?? 0, this.sampled.get(pid));
    }
    return {
      cpuSeconds: cpu,
      cpuPercent: wallSeconds > 0 ? (cpu / wallSeconds) * 100 : null,
      peakRssMiB: peakKiB / 1024,
      rssAtStartMiB: this.startKiB / 1024,
      rssMethod: this.reset ? 'VmHWM after clear_refs' : 'VmRSS sampled every 20 ms',
      ...(roleOf === undefined ? {} : { threadCpuSeconds: byRole }),
    };
  }
}
