import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { StowageError } from '@stowage/core';
import { mapSqliteError, toStowageError } from './errors.js';
import { runBatch } from './group-commit.js';
import type { ResolvedSqliteOptions } from './options.js';
import type { CatalogStatements } from './statements.js';
import type { WriteArgs, WriteOperation, WriteResult } from './write-operations.js';
import type { FromWriter, ToWriter } from './writer-protocol.js';

/**
 * Where the catalog's write transactions run. Each `run` is one atomic operation that resolves
 * only once it is committed (durably, `synchronous = FULL`, unless the write is one of the
 * `DEFERRABLE_OPERATIONS`), or rejects with a `StowageError` having changed nothing.
 */
export interface CatalogWriter {
  run<Name extends WriteOperation>(op: Name, ...args: WriteArgs<Name>): Promise<WriteResult<Name>>;
  /** Waits for the writes in flight, then releases the writer. Idempotent. */
  close(): Promise<void>;
}

/** Runs each write at once on the catalog's own connection, in its own transaction (memory and read-only catalogs). */
export class InlineWriter implements CatalogWriter {
  constructor(
    private readonly db: Database.Database,
    private readonly statements: CatalogStatements,
  ) {}

  async run<Name extends WriteOperation>(op: Name, ...args: WriteArgs<Name>): Promise<WriteResult<Name>> {
    const [outcome] = runBatch(this.db, this.statements, [{ op, args }]);
    if (outcome === undefined || !outcome.ok) throw mapSqliteError(outcome?.error);
    return outcome.value as WriteResult<Name>;
  }

  async close(): Promise<void> {
    // The connection is the catalog's; it closes it.
  }
}

/** One running writer thread and the jobs it owes an answer. */
interface WriterThread {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  readonly exited: Promise<void>;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: StowageError) => void;
}

/**
 * Runs the writes in a worker thread with its own connection (`writer-thread.ts`), which group
 * commits the jobs that queue while it syncs: the event loop never blocks on a WAL `fsync` or on
 * another process's lock, and concurrent writers share syncs.
 *
 * Behavior:
 * - Jobs run in the order they are posted; each resolves after the commit that holds it.
 * - The thread starts on the first write and is `unref`'d while nothing is pending, so it
 *   never keeps the process alive.
 * - If the thread dies, the jobs pending on it fail with a retryable `STOWAGE_UNAVAILABLE` (their
 *   outcome is unknown to the caller, as for a lost connection) and the next write starts a new
 *   thread.
 */
export class ThreadWriter implements CatalogWriter {
  readonly #options: ResolvedSqliteOptions;
  #thread: WriterThread | undefined;
  #nextId = 0;

  constructor(options: ResolvedSqliteOptions) {
    this.#options = options;
  }

  run<Name extends WriteOperation>(op: Name, ...args: WriteArgs<Name>): Promise<WriteResult<Name>> {
    const { worker, pending } = this.#thread ?? this.#start();
    const id = this.#nextId++;
    return new Promise<WriteResult<Name>>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ kind: 'job', id, op, args } satisfies ToWriter);
    });
  }

  async close(): Promise<void> {
    const thread = this.#thread;
    if (thread === undefined) return;
    this.#thread = undefined;
    thread.worker.ref();
    thread.worker.postMessage({ kind: 'close' } satisfies ToWriter);
    await thread.exited;
  }

  #start(): WriterThread {
    // No inherited flags: a test runner's loaders would slow every start (the thread's code is
    // covered where it matters, through InlineWriter, which runs the same operations).
    const worker = new Worker(new URL('./writer-thread.js', import.meta.url), { workerData: this.#options, execArgv: [] });
    worker.unref();
    const pending = new Map<number, Pending>();
    worker.on('message', (message: FromWriter) => {
      const waiting = pending.get(message.id);
      if (waiting === undefined) return;
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(toStowageError(message.error));
    });
    // A crash is reported through 'exit', which fails what is pending.
    worker.on('error', () => undefined);
    const exited = new Promise<void>((resolve) => {
      worker.once('exit', () => {
        if (this.#thread?.worker === worker) this.#thread = undefined;
        for (const waiting of pending.values()) {
          waiting.reject(new StowageError('STOWAGE_UNAVAILABLE', 'The catalog writer thread stopped', { retryable: true, retryAfterMs: 100 }));
        }
        pending.clear();
        resolve();
      });
    });
    const thread = { worker, pending, exited };
    this.#thread = thread;
    return thread;
  }
}
