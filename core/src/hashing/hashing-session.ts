import type { HashWorkerPool } from './hash-worker-pool.js';

/** The digests of one file of an upload. */
export interface FileDigests {
  /** SHA-256 of the bytes, 64 lowercase hex characters. */
  readonly sha256: string;
  /** SHA-1 of the bytes, 40 lowercase hex characters. */
  readonly sha1: string;
  /** The number of bytes fed. */
  readonly size: number;
}

/**
 * Where a session hashes:
 * - `inline`: `node:crypto` on the calling thread, inside `update()`;
 * - `worker`: in a `worker_threads` worker of a shared pool; `update()` only copies the bytes;
 * - `auto`: chosen per session from the measurements in this folder's README (see
 *   {@link HashingSessionOptions.expectedSize}).
 */
export type HashingMode = 'inline' | 'worker' | 'auto';

/** Options of `createHashingSession`. */
export interface HashingSessionOptions {
  /** Where to hash. @defaultValue `'auto'` */
  readonly mode?: HashingMode;
  /**
   * How many bytes the upload is expected to carry, when known (from `Content-Length`, or the
   * largest declared file of a folder-like). Only `auto` reads it: it picks the worker from
   * `AUTO_WORKER_THRESHOLD_BYTES` (1 MiB) and hashes smaller or unknown sizes inline. A wrong
   * hint costs speed, never correctness.
   */
  readonly expectedSize?: number;
  /** The pool `worker` mode leases from. @defaultValue the process-wide `sharedHashWorkerPool()` */
  readonly pool?: HashWorkerPool;
}

/**
 * One upload's hashing: the long id state plus per-file SHA-256 and SHA-1, computed in one pass
 * over the bytes.
 *
 * Order of calls: (`beginFile`, `update`*, `endFile`) once per file, then `finish` once. A
 * misuse of that order is a bug in the caller and fails with `STOWAGE_INTERNAL` without changing
 * the session's state (methods returning a promise reject; the others throw). `dispose` may be
 * called at any time.
 */
export interface HashingSession {
  /** The mode this session hashes in (`auto` resolved to `inline` or `worker`). */
  readonly mode: 'inline' | 'worker';
  /**
   * Starts the next file: feeds its planned path (`<backend>:<path>`, as a plain string) into the
   * long id.
   *
   * Behavior:
   * - `STOWAGE_INTERNAL` if a file is open, or the session is finished or disposed.
   * - `STOWAGE_INVALID_ARGUMENT` if the path has a lone surrogate (it has no UTF-8 form).
   * - A non-string is a `TypeError`.
   *
   * @throws StowageError `STOWAGE_INTERNAL`, `STOWAGE_INVALID_ARGUMENT`
   */
  beginFile(plannedPath: string): void;
  /**
   * Feeds bytes of the open file into its SHA-256, its SHA-1 and the long id.
   *
   * Behavior:
   * - The session keeps no reference to `chunk`: the caller may reuse or overwrite it as soon as
   *   the call returns (`worker` mode copies the bytes before returning).
   * - An empty chunk changes nothing.
   * - `STOWAGE_INTERNAL` if no file is open; a chunk that is not a `Uint8Array` is a `TypeError`.
   *
   * @throws StowageError `STOWAGE_INTERNAL`
   */
  update(chunk: Uint8Array): void;
  /**
   * Resolves once the bytes fed so far are hashed closely enough that feeding more cannot pile up
   * unbounded copies for the worker (at once in `inline` mode). A producer faster than the hash
   * awaits it between chunks; {@link hashingTap} does.
   *
   * Rejects with the worker's failure (`STOWAGE_INTERNAL`, or `STOWAGE_UNAVAILABLE` if the pool
   * was closed).
   */
  drain(): Promise<void>;
  /**
   * Ends the open file and resolves its digests. The next `beginFile` may be called at once,
   * without waiting for the promise.
   *
   * Rejects with `STOWAGE_INTERNAL` if no file is open, the session is finished or disposed, or
   * its worker failed; `STOWAGE_UNAVAILABLE` if the pool was closed meanwhile.
   */
  endFile(): Promise<FileDigests>;
  /**
   * Feeds the author's name (UTF-8, `""` for anonymous) and the salt (bytes, or a string as
   * UTF-8) into the long id and resolves it (64 lowercase hex). The session is then finished and
   * its worker lease released.
   *
   * Rejects with `STOWAGE_INTERNAL` if a file is open, no file was hashed, the session is already
   * finished or disposed, or its worker failed; `STOWAGE_INVALID_ARGUMENT` for a lone surrogate
   * in `author` or a string salt; `STOWAGE_UNAVAILABLE` if the pool was closed meanwhile; a
   * `TypeError` for an author that is not a string or a salt that is neither bytes nor a string.
   */
  finish(author: string, salt: Uint8Array | string): Promise<string>;
  /**
   * Releases the session's resources (its worker lease) when the upload fails midway. Later
   * calls fail with `STOWAGE_INTERNAL`; results already requested still settle. Idempotent, and
   * harmless after `finish`.
   */
  dispose(): void;
}
