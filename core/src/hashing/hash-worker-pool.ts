import { availableParallelism } from 'node:os';
import { StowageError } from '../stowage-error.js';
import { HashWorkerLease } from './hash-worker-lease.js';
import { PooledWorker } from './pooled-worker.js';
import { StagingBuffers } from './staging-buffers.js';

/**
 * The size of the buffers bytes travel to a worker in: chunks are gathered into (or split over)
 * 1 MiB buffers, one message each, whatever size the caller feeds.
 */
export const STAGING_BUFFER_BYTES = 1024 * 1024;

/** Options of {@link HashWorkerPool}. */
export interface HashWorkerPoolOptions {
  /**
   * The most workers started; sessions beyond that share them (a worker hashes its leases'
   * messages in arrival order). @defaultValue the available parallelism minus one (the event
   * loop keeps a core), between 1 and 4
   */
  readonly size?: number;
  /** The worker script. @defaultValue `hash-worker.js` next to this module */
  readonly workerUrl?: URL;
}

/**
 * A small pool of hash workers shared by the sessions in `worker` mode; each session leases one.
 *
 * Behavior:
 * - Workers start lazily, on the first lease that needs one, up to `size`; a new lease goes to
 *   the worker with the fewest leases, and starts another worker while that one is busy and the
 *   pool is not full.
 * - Workers never keep the process alive by themselves: they are `unref`'d, and `ref`'d only
 *   while an answer is awaited (`endFile`, `finish`, a waiting `drain`).
 * - A worker that dies fails every pending answer and every lease on it with `STOWAGE_INTERNAL`;
 *   it leaves the pool and the next lease starts a fresh one.
 * - `close()` terminates the workers and fails what is pending with `STOWAGE_UNAVAILABLE`; the
 *   pool stays usable and starts workers again on the next lease.
 * - Staging buffers ({@link STAGING_BUFFER_BYTES}) come back from the workers and are reused;
 *   up to 8 idle ones are kept.
 * - A `size` that is not a positive safe integer is `STOWAGE_INVALID_CONFIG`.
 */
export class HashWorkerPool {
  /** The most workers this pool runs at once. */
  readonly size: number;
  readonly #url: URL;
  readonly #buffers = new StagingBuffers(STAGING_BUFFER_BYTES, 8);
  #workers: PooledWorker[] = [];
  #nextLease = 1;
  #nextRequest = 1;

  /** @throws StowageError `STOWAGE_INVALID_CONFIG` */
  constructor(options: HashWorkerPoolOptions = {}) {
    const size = options.size ?? Math.min(4, Math.max(1, availableParallelism() - 1));
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', 'HashWorkerPool size must be a positive integer');
    }
    this.size = size;
    this.#url = options.workerUrl ?? new URL('./hash-worker.js', import.meta.url);
  }

  /** The workers running now. */
  get workerCount(): number {
    return this.#workers.length;
  }

  /** The leases held now (not yet released). */
  get leaseCount(): number {
    return this.#workers.reduce((sum, host) => sum + host.leases, 0);
  }

  /** Leases a worker for one session and opens the session's state there. */
  lease(uploadedAt: string): HashWorkerLease {
    let host = this.#workers.reduce<PooledWorker | undefined>(
      (best, candidate) => (best === undefined || candidate.leases < best.leases ? candidate : best),
      undefined,
    );
    if (host === undefined || (host.leases > 0 && this.#workers.length < this.size)) {
      host = new PooledWorker(this.#url, this.#buffers, (gone) => {
        this.#workers = this.#workers.filter((candidate) => candidate !== gone);
      });
      this.#workers.push(host);
    }
    const resources = { host, buffers: this.#buffers, nextRequest: () => this.#nextRequest++ };
    return new HashWorkerLease(this.#nextLease++, resources, uploadedAt);
  }

  /** Terminates every worker; pending answers fail with `STOWAGE_UNAVAILABLE`. */
  async close(): Promise<void> {
    const workers = this.#workers;
    this.#workers = [];
    for (const host of workers) host.fail('STOWAGE_UNAVAILABLE', 'The hash worker pool was closed');
    await Promise.all(workers.map((host) => host.worker.terminate()));
  }
}

let shared: HashWorkerPool | undefined;

/**
 * The process-wide pool sessions lease from unless given another. Created on the first call; no
 * worker starts until a session needs one.
 */
export function sharedHashWorkerPool(): HashWorkerPool {
  shared ??= new HashWorkerPool();
  return shared;
}
