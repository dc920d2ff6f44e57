// Server-side cost of a measurement, read from /proc: CPU time (user + system, all threads) and
// peak resident memory of each server process. Peaks are reset before a measurement by writing
// `5` to /proc/<pid>/clear_refs (which resets VmHWM); where that is refused, the peak is the
// largest VmRSS sampled every 20 ms instead, and the result says which method was used.
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

function readStat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
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
 * and the RSS at the start (what earlier work left resident is part of the peak).
 */
export class ProcessWatch {
  constructor(pids) {
    this.pids = pids;
  }

  start() {
    this.cpu = new Map(this.pids.map((pid) => [pid, cpuSeconds(pid)]));
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
    for (const pid of this.pids) {
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
    };
  }
}
