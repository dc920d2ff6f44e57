import { Worker } from 'node:worker_threads';
import { StowageError, type StowageErrorOptions } from '../stowage-error.js';
import type { StagingBuffers } from './staging-buffers.js';
import type { FromHashWorker, ToHashWorker } from './worker-protocol.js';

/** A promise's settle functions. */
export interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** What a worker tells a lease of its own. */
export interface LeaseListener {
  /** The worker hashed `bytes` of this lease's data. */
  acknowledge(bytes: number): void;
  /** The worker is gone; every later call fails with `failure`. */
  fail(failure: StowageError): void;
}

/**
 * One hash worker thread and the bookkeeping that routes its answers: pending requests by id,
 * acknowledgements to their lease, returned buffers to the staging pool.
 *
 * The thread is `unref`'d while nothing awaits it and `ref`'d while something does (a request,
 * a `drain`), so it never keeps the process alive on its own, yet a script awaiting a digest is
 * not cut short.
 */
export class PooledWorker {
  readonly worker: Worker;
  /** Leases held on this worker and not yet released. */
  leases = 0;
  /** Why this worker can no longer be used, once it cannot. */
  failure: StowageError | undefined;
  readonly #listeners = new Map<number, LeaseListener>();
  readonly #requests = new Map<number, Waiter<FromHashWorker>>();
  readonly #buffers: StagingBuffers;
  #awaited = 0;

  /** Starts the thread; `onExit` runs when it ends, whatever the reason. */
  constructor(url: URL, buffers: StagingBuffers, onExit: (worker: PooledWorker) => void) {
    this.#buffers = buffers;
    this.worker = new Worker(url, { name: 'stowage-hash' });
    this.worker.unref();
    let crash: unknown;
    this.worker.on('message', (message: FromHashWorker) => this.#route(message));
    this.worker.on('error', (error) => {
      crash = error;
    });
    this.worker.on('exit', (exitCode) => {
      this.fail('STOWAGE_INTERNAL', 'The hash worker exited', { cause: crash ?? new Error(`exit code ${exitCode}`) });
      onExit(this);
    });
  }

  /** Routes the acknowledgements and failure of lease `id` to `listener` (or stops, without one). */
  listen(id: number, listener: LeaseListener | undefined): void {
    if (listener === undefined) this.#listeners.delete(id);
    else this.#listeners.set(id, listener);
  }

  /** Counts an awaited answer (`+1`) or its arrival (`-1`); the thread is `ref`'d while any is awaited. */
  await(delta: 1 | -1): void {
    this.#awaited += delta;
    if (delta === 1 && this.#awaited === 1) this.worker.ref();
    if (this.#awaited === 0) this.worker.unref();
  }

  /** Posts a message that expects no answer; dropped once the worker has failed. */
  post(message: ToHashWorker, transfer: ArrayBuffer[] = []): void {
    if (this.failure === undefined) this.worker.postMessage(message, transfer);
  }

  /** Posts a request and resolves its answer; rejects with the worker's failure. */
  request(id: number, message: ToHashWorker, transfer: ArrayBuffer[] = []): Promise<FromHashWorker> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { resolve, reject });
      this.await(1);
      this.worker.postMessage(message, transfer);
    });
  }

  /** Fails every pending request and every lease of this worker, once; later calls are no-ops. */
  fail(code: 'STOWAGE_INTERNAL' | 'STOWAGE_UNAVAILABLE', message: string, options: StowageErrorOptions = {}): void {
    if (this.failure !== undefined) return;
    const failure = new StowageError(code, message, options);
    this.failure = failure;
    this.#awaited = 0;
    this.worker.unref();
    for (const waiter of this.#requests.values()) waiter.reject(failure);
    this.#requests.clear();
    for (const listener of this.#listeners.values()) listener.fail(failure);
    this.#listeners.clear();
  }

  #route(message: FromHashWorker): void {
    if (message.kind === 'ack') {
      this.#buffers.give(message.buffer);
      this.#listeners.get(message.lease)?.acknowledge(message.bytes);
      return;
    }
    const waiter = this.#requests.get(message.request);
    /* c8 ignore next -- every request is answered once; a stray answer is ignored */
    if (waiter === undefined) return;
    this.#requests.delete(message.request);
    this.await(-1);
    waiter.resolve(message);
  }
}
