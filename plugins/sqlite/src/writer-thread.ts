/**
 * The catalog's writer thread, started by `ThreadWriter` with the resolved options as
 * `workerData`. It opens its own connection to the catalog file (WAL, `synchronous = FULL`) and
 * answers write jobs by group commit: the jobs that arrived while it was busy (an `fsync` takes
 * a millisecond or more) run in one transaction (`runBatch`), so the calling thread never waits
 * for the disk and concurrent puts share WAL syncs.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runBatch } from './group-commit.js';
import type { ResolvedSqliteOptions } from './options.js';
import { describeFailure } from './sqlite-codes.js';
import { CatalogStatements } from './statements.js';
import type { FromWriter, ToWriter } from './writer-protocol.js';

// Only modules without a value import of @stowage/core load here: the whole core would cost a
// second of start-up. The catalog's thread has opened the file and prepared the schema.

if (parentPort === null) throw new Error('writer-thread.js must run in a worker thread');
const port = parentPort;

function answerAll(jobs: readonly ToWriter[], error: unknown): void {
  const failure = describeFailure(error);
  for (const job of jobs) if (job.kind === 'job') port.postMessage({ id: job.id, ok: false, error: failure } satisfies FromWriter);
}

/** The writer's connection, set up as `openDatabase` sets up the catalog's. */
function openConnection(options: ResolvedSqliteOptions): Database.Database {
  const connection = new Database(options.file, { fileMustExist: true, timeout: options.busyTimeoutMs });
  try {
    connection.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = FULL');
    connection.pragma('foreign_keys = ON');
    return connection;
  } catch (error) {
    connection.close();
    throw error;
  }
}

let statements: CatalogStatements | undefined;
let db: Database.Database | undefined;
let openFailure: unknown;
try {
  db = openConnection(workerData as ResolvedSqliteOptions);
  statements = new CatalogStatements(db);
} catch (error) {
  openFailure = error;
  db?.close();
  db = undefined;
}

let queue: Extract<ToWriter, { kind: 'job' }>[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const jobs = queue;
  queue = [];
  if (db === undefined || statements === undefined) {
    answerAll(jobs, openFailure);
    return;
  }
  const outcomes = runBatch(db, statements, jobs);
  outcomes.forEach((outcome, index) => {
    const id = (jobs[index] as { id: number }).id;
    port.postMessage((outcome.ok ? { id, ok: true, value: outcome.value } : { id, ok: false, error: describeFailure(outcome.error) }) satisfies FromWriter);
  });
}

port.on('message', (message: ToWriter) => {
  if (message.kind === 'close') {
    if (queue.length > 0) flush();
    db?.close();
    port.close();
    return;
  }
  queue.push(message);
  if (!scheduled) {
    scheduled = true;
    // Messages that arrived during the last commit are all delivered before this runs.
    setImmediate(flush);
  }
});
