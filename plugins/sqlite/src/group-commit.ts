import type Database from 'better-sqlite3';
import type { CatalogStatements } from './statements.js';
import { DEFERRABLE_OPERATIONS, runJob, type WriteJob } from './write-operations.js';

// No value import from @stowage/core here: the writer thread loads this module (see sqlite-codes.ts).

/** The outcome of one job of a batch; `error` is as thrown (the caller maps it). */
export type JobOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** The `synchronous` level each connection was last set to by {@link runBatch}. */
const levels = new WeakMap<Database.Database, SyncLevel>();

type SyncLevel = 'FULL' | 'NORMAL';

/** Sets `synchronous` for the next commit, when it changes (a pragma is not free). */
function setSyncLevel(db: Database.Database, level: SyncLevel): void {
  if (levels.get(db) === level) return;
  db.pragma(`synchronous = ${level}`);
  levels.set(db, level);
}

/** The level a batch commits with: `NORMAL` only when every job is deferrable. */
export function syncLevelOf(jobs: readonly WriteJob[]): SyncLevel {
  return jobs.every((job) => DEFERRABLE_OPERATIONS.has(job.op)) ? 'NORMAL' : 'FULL';
}

/**
 * Group commit: runs `jobs`, in order, in one `BEGIN IMMEDIATE` transaction, each in its own
 * savepoint, and commits once, so one WAL `fsync` (`synchronous = FULL`) covers them all. A
 * batch made only of {@link DEFERRABLE_OPERATIONS} commits without the `fsync`
 * (`synchronous = NORMAL`): the next durable commit syncs its frames with its own.
 *
 * Behavior:
 * - Each job is still all or nothing: one that throws is rolled back to its savepoint and fails
 *   alone with its error; the others commit.
 * - When the transaction itself fails (the lock is busy beyond the timeout, the commit fails,
 *   or SQLite rolled the whole transaction back after an I/O or full-disk error), every job that
 *   had not failed on its own fails with that error: nothing of the batch is committed.
 * - Outcomes are returned only after the commit: a result is never reported for changes that
 *   are not committed, nor, unless every job is deferrable, for changes that are not durable.
 */
export function runBatch(db: Database.Database, statements: CatalogStatements, jobs: readonly WriteJob[]): JobOutcome[] {
  const outcomes: (JobOutcome | undefined)[] = new Array<JobOutcome | undefined>(jobs.length);
  const single = db.transaction((job: WriteJob) => runJob(statements, job));
  try {
    setSyncLevel(db, syncLevelOf(jobs));
    db.transaction(() => {
      jobs.forEach((job, index) => {
        try {
          outcomes[index] = { ok: true, value: single(job) };
        } catch (error) {
          // Some errors (I/O, a full disk) make SQLite roll back the whole transaction.
          if (!db.inTransaction) throw error;
          outcomes[index] = { ok: false, error };
        }
      });
    }).immediate();
  } catch (error) {
    return jobs.map((_, index) => {
      const outcome = outcomes[index];
      return outcome !== undefined && !outcome.ok ? outcome : { ok: false, error };
    });
  }
  return outcomes as JobOutcome[];
}
