import type { StowageError } from '../stowage-error.js';
import type { FileDigests } from './hashing-session.js';
import type { LeaseListener, PooledWorker, Waiter } from './pooled-worker.js';
import type { StagingBuffers } from './staging-buffers.js';
import type { FromHashWorker, ToHashWorker } from './worker-protocol.js';

/**
 * How many posted bytes a lease may have waiting in its worker before `drain()` makes the
 * producer wait: 8 MiB, some 25 ms of hashing here, so the worker never starves while the
 * copies queued for it stay bounded.
 */
export const IN_FLIGHT_LIMIT_BYTES = 8 * 1024 * 1024;

/** What a lease needs from its pool. */
export interface LeaseResources {
  readonly host: PooledWorker;
  readonly buffers: StagingBuffers;
  readonly nextRequest: () => number;
}

/**
 * One session's hold on a pooled worker: its hash state lives there until {@link release}.
 *
 * Bytes are copied into recycled staging buffers and transferred when a buffer is full or
 * before any other message, so the worker sees the session's calls in order and never a buffer
 * the caller still owns. `end` and `finish` resolve with the worker's answer.
 */
export class HashWorkerLease implements LeaseListener {
  readonly #id: number;
  readonly #host: PooledWorker;
  readonly #buffers: StagingBuffers;
  readonly #nextRequest: () => number;
  #staging: Uint8Array | undefined;
  #staged = 0;
  #inFlight = 0;
  #drainWaiters: Waiter<void>[] = [];
  #failure: StowageError | undefined;
  #released = false;

  /** Opens the session's state in the worker with the upload time. @internal Use `HashWorkerPool.lease`. */
  constructor(id: number, resources: LeaseResources, uploadedAt: string) {
    this.#id = id;
    this.#host = resources.host;
    this.#buffers = resources.buffers;
    this.#nextRequest = resources.nextRequest;
    this.#host.leases++;
    this.#host.listen(id, this);
    this.#host.post({ kind: 'open', lease: id, uploadedAt });
  }

  /** Starts the next file in the worker. */
  begin(plannedPath: string): void {
    this.#flush();
    this.#host.post({ kind: 'begin', lease: this.#id, plannedPath });
  }

  /** Copies `chunk` for the worker; the caller keeps its buffer. */
  write(chunk: Uint8Array): void {
    if (this.#failure !== undefined) return;
    let offset = 0;
    while (offset < chunk.byteLength) {
      this.#staging ??= this.#buffers.take();
      const length = Math.min(chunk.byteLength - offset, this.#staging.byteLength - this.#staged);
      this.#staging.set(chunk.subarray(offset, offset + length), this.#staged);
      this.#staged += length;
      offset += length;
      if (this.#staged === this.#staging.byteLength) this.#flush();
    }
  }

  /** Resolves when at most {@link IN_FLIGHT_LIMIT_BYTES} posted bytes are still unhashed. */
  drain(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#inFlight <= IN_FLIGHT_LIMIT_BYTES) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#drainWaiters.push({ resolve, reject });
      this.#host.await(1);
    });
  }

  /** Ends the open file in the worker and resolves its digests. */
  async end(): Promise<FileDigests> {
    this.#flush();
    const request = this.#nextRequest();
    const answer = await this.#host.request(request, { kind: 'end', lease: this.#id, request });
    return (answer as Extract<FromHashWorker, { kind: 'digests' }>).digests;
  }

  /** Feeds author and salt (both transferred: the caller hands the buffers over) and resolves the id. */
  async finish(author: Uint8Array, salt: Uint8Array): Promise<string> {
    const request = this.#nextRequest();
    const message: ToHashWorker = { kind: 'finish', lease: this.#id, request, author, salt };
    const answer = await this.#host.request(request, message, [author.buffer as ArrayBuffer, salt.buffer as ArrayBuffer]);
    return (answer as Extract<FromHashWorker, { kind: 'longId' }>).longId;
  }

  /**
   * Gives the worker back: its state for this lease is dropped. Answers already requested still
   * arrive; a pending `drain()` resolves at once, as nothing is left to wait for. Idempotent.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#host.leases--;
    this.#host.listen(this.#id, undefined);
    this.#host.post({ kind: 'drop', lease: this.#id });
    if (this.#staging !== undefined) this.#buffers.give(this.#staging.buffer as ArrayBuffer);
    this.#staging = undefined;
    this.#staged = 0;
    this.#settleDrains();
  }

  /** @internal The worker hashed `bytes` of this lease's data. */
  acknowledge(bytes: number): void {
    this.#inFlight -= bytes;
    if (this.#inFlight <= IN_FLIGHT_LIMIT_BYTES) this.#settleDrains();
  }

  /** @internal The worker is gone: pending and later calls fail with `failure`. */
  fail(failure: StowageError): void {
    this.#failure = failure;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter.reject(failure);
  }

  #settleDrains(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) {
      this.#host.await(-1);
      waiter.resolve();
    }
  }

  #flush(): void {
    const staging = this.#staging;
    if (staging === undefined || this.#failure !== undefined) return;
    this.#staging = undefined;
    const chunk = staging.subarray(0, this.#staged);
    this.#inFlight += this.#staged;
    this.#staged = 0;
    // The worker sees only the filled part; the whole buffer travels, and comes back with the ack.
    this.#host.post({ kind: 'data', lease: this.#id, chunk }, [staging.buffer as ArrayBuffer]);
  }

}
