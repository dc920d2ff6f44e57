import type { FileDigests } from './hashing-session.js';
import type { HashWorkerLease } from './hash-worker-lease.js';
import { UploadHashState } from './upload-hash-state.js';

/**
 * Where a session's hashing happens. The session validates arguments and enforces the call
 * order; an engine only hashes, so it is called in order with well-formed input.
 */
export interface HashEngine {
  beginFile(plannedPath: string): void;
  /** Must not keep `chunk` after returning. */
  update(chunk: Uint8Array): void;
  drain(): Promise<void>;
  endFile(): Promise<FileDigests>;
  /** `author` and `salt` may be kept: the session hands over its own copies. */
  finish(author: Uint8Array, salt: Uint8Array): Promise<string>;
  dispose(): void;
}

/** Hashes on the calling thread, inside `update()`; nothing to release. */
export class InlineHashEngine implements HashEngine {
  readonly #state: UploadHashState;

  constructor(uploadedAt: string) {
    this.#state = new UploadHashState(uploadedAt);
  }

  beginFile(plannedPath: string): void {
    this.#state.beginFile(plannedPath);
  }

  update(chunk: Uint8Array): void {
    this.#state.update(chunk);
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }

  endFile(): Promise<FileDigests> {
    return Promise.resolve(this.#state.endFile());
  }

  finish(author: Uint8Array, salt: Uint8Array): Promise<string> {
    return Promise.resolve(this.#state.finish(author, salt));
  }

  dispose(): void {
    // Nothing is held outside the garbage-collected hash objects.
  }
}

/** Hashes in a pooled worker through its lease, which copies every chunk before returning. */
export class WorkerHashEngine implements HashEngine {
  readonly #lease: HashWorkerLease;

  constructor(lease: HashWorkerLease) {
    this.#lease = lease;
  }

  beginFile(plannedPath: string): void {
    this.#lease.begin(plannedPath);
  }

  update(chunk: Uint8Array): void {
    this.#lease.write(chunk);
  }

  drain(): Promise<void> {
    return this.#lease.drain();
  }

  endFile(): Promise<FileDigests> {
    return this.#lease.end();
  }

  finish(author: Uint8Array, salt: Uint8Array): Promise<string> {
    return this.#lease.finish(author, salt).finally(() => this.#lease.release());
  }

  dispose(): void {
    this.#lease.release();
  }
}
