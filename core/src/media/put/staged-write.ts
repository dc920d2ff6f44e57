import type { Backend, BackendEntry, ByteSource, OperationOptions, WriteOptions } from '../../backend.js';

/**
 * Bytes a backend has stored durably under a private temporary name (in its own staging area),
 * not yet visible at any path; made by {@link StagingBackend.stageWrite}.
 */
export interface StagedBytes {
  /** How many bytes were staged. */
  readonly size: number;
  /**
   * Publishes the staged bytes at `path` in one atomic step (replacing any file there, creating
   * missing parents) and makes the new directory entry durable; the staging is consumed.
   *
   * Behavior:
   * - A failure before the publishing step leaves nothing at `path` and the staged bytes in
   *   place (call {@link discard}); a failure after it is a non-retryable `STOWAGE_IO` (the file
   *   is whole at `path`, its durability unknown).
   * - Committing twice, or after {@link discard}, is `STOWAGE_INTERNAL`.
   *
   * @throws StowageError like `Backend.write` (`STOWAGE_IS_A_DIRECTORY`,
   *   `STOWAGE_NOT_A_DIRECTORY`, `STOWAGE_INVALID_PATH`, `STOWAGE_ABORTED`, ...), `STOWAGE_INTERNAL`
   */
  commit(path: string, options?: OperationOptions): Promise<BackendEntry>;
  /** Drops the staged bytes. Idempotent, a no-op after a commit, and never rejects (a leftover is the backend's staging sweep's). */
  discard(): Promise<void>;
}

/**
 * An optional extension of {@link Backend} for the put pipeline: write once, decide the name
 * later. A put learns its blob's content address only after the last byte, so a backend without
 * it stores the bytes atomically at a staging path and then moves them (two commits); one with
 * it writes and fsyncs a private temp file and renames it once, to the content address.
 *
 * It is detected by the method's presence ({@link stagingBackendOf}), so every other backend,
 * and every layer that wraps one (`ForwardingBackend` does not forward it), keeps the portable
 * path. A staged temp file left by a crash is the backend's to sweep (the local backend removes
 * stale ones at startup and in `sweepStaging()`).
 */
export interface StagingBackend extends Backend {
  /**
   * Consumes `source` into durable private storage (the bytes are fsynced before this resolves).
   *
   * Behavior: as `Backend.write` for the source (`size`, `digest`, `signal` are enforced, and a
   * failing, mismatched or aborted source leaves nothing staged).
   *
   * @throws StowageError `STOWAGE_SIZE_MISMATCH`, `STOWAGE_DIGEST_MISMATCH`, `STOWAGE_ABORTED`,
   *   `STOWAGE_INSUFFICIENT_STORAGE`, `STOWAGE_IO`
   */
  stageWrite(source: ByteSource, options?: WriteOptions): Promise<StagedBytes>;

  /**
   * Optional: the backend's staged temp files last modified before `olderThan` (the leftovers
   * of `stageWrite`s a crash interrupted), as paths relative to the backend's root, for
   * reports; with `remove`, they are deleted first. fsck lists them as `stale-staging` (and
   * removes them with `repair`), with its own staleness cutoff.
   *
   * @throws StowageError `STOWAGE_IO`, `STOWAGE_PERMISSION_DENIED`, `STOWAGE_UNAVAILABLE`
   */
  staleStagedWrites?(olderThan: Date, options: { readonly remove: boolean }): Promise<readonly string[]>;
}

/** The backend as a {@link StagingBackend} when it has `stageWrite`, else `undefined`. */
export function stagingBackendOf(backend: Backend): StagingBackend | undefined {
  return typeof (backend as Partial<StagingBackend>).stageWrite === 'function' ? (backend as StagingBackend) : undefined;
}
