// Preloaded into every Node subject (`NODE_OPTIONS=--import …`, which reaches worker threads too,
// even those started with `execArgv: []`) when BENCH_THREAD_CENSUS names a file: each thread
// appends one JSON line saying which thread it is, so the harness can split a server's CPU time
// by thread (thread-roles.mjs). Node 20 names none of its threads, so this is the only way to
// tell a hash worker from a libuv pool thread in /proc. It never throws: a thread it could not
// record is reported as unclassified.
//
//   main thread:   {"pid":P,"main":TID,"startup":[every TID alive now],"poolSize":N}
//   worker thread: {"pid":P,"tid":TID,"worker":"<script file name>"}
import { appendFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_THREAD_CENSUS;
if (file) {
  try {
    // "/proc/thread-self" links to "<pid>/task/<tid>".
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    const record = isMainThread
      ? {
          pid: process.pid,
          main: tid,
          startup: readdirSync('/proc/self/task').map(Number),
          // libuv's own rule: UV_THREADPOOL_SIZE, at least 1 and at most 1024, else 4.
          poolSize: Math.min(1024, Math.max(1, Math.trunc(Number(process.env.UV_THREADPOOL_SIZE)) || 4)),
        }
      : { pid: process.pid, tid, worker: basename(process.argv[1] ?? 'unknown') };
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  } catch {
    // No /proc, or the file cannot be written: the threads stay unclassified.
  }
}
