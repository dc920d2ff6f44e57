import type { CatalogEntry, EntryKey } from '../catalog/entry.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { RemoveContext, RemoveTarget } from './change/remove.js';
import type { ReplaceContext } from './change/replace.js';
import type { FsckReport, FsckOptions } from './jobs/fsck-findings.js';
import type { FsckContext } from './jobs/fsck.js';
import type { SweepContext, SweepOptions, SweepReport } from './jobs/sweep.js';
import type { PutContext } from './put/put-context.js';
import type { ListContext } from './read/list.js';
import type { ReadContext } from './read/read-context.js';
import type { BlobMove } from './rebalance.js';
import type { MediaOptions, OpenOptions, OpenResult, PutFile, PutOptions, PutResult, RemoveResult, StatResult } from './types.js';

/** The pipelines of the facade, by operation name. */
export interface StowagePipelines {
  readonly put: Pipeline<PutContext>;
  readonly open: Pipeline<ReadContext>;
  readonly stat: Pipeline<ReadContext>;
  readonly list: Pipeline<ListContext>;
  readonly remove: Pipeline<RemoveContext>;
  readonly replace: Pipeline<ReplaceContext>;
  readonly sweep: Pipeline<SweepContext>;
  readonly fsck: Pipeline<FsckContext>;
}

/** The names of the facade's pipelines. */
export type OperationName = keyof StowagePipelines;

/**
 * The media facade: bytes on backends become entries applications name (`/<long id>/<filename>`),
 * protect, replace and expire.
 *
 * Behavior:
 * - Every operation is a {@link Pipeline} of named stages; `pipeline(name).use(stage, { before })`
 *   inserts an application's own stage, which may veto (throw) or undo (catch around `next()`).
 * - Errors are `StowageError`s. A failed put leaves nothing referenced; removal is idempotent.
 * - Reads check permissions before any backend I/O and read from the shard recorded in the entry.
 *
 * Errors (besides backend and catalog codes): `STOWAGE_INVALID_ARGUMENT`, `STOWAGE_INVALID_PATH`
 * (bad filename), `STOWAGE_TOO_LARGE`, `STOWAGE_REJECTED` (a stage's veto), `STOWAGE_NOT_FOUND`
 * (unknown, malformed, expired, or hidden), `STOWAGE_UNAUTHENTICATED`, `STOWAGE_FORBIDDEN`,
 * `STOWAGE_LOOP_DETECTED`, `STOWAGE_LOST`, `STOWAGE_RANGE_NOT_SATISFIABLE`, `STOWAGE_UNAVAILABLE`
 * after `close`.
 */
export interface Stowage {
  /** Stores one file, or several as one folder-like under one long id, hashing each byte once. */
  put(files: PutFile | readonly PutFile[], options?: PutOptions): Promise<PutResult>;
  /** Opens an entry's bytes (optionally a range) if the caller may read it; or answers `replaced`. */
  open(key: EntryKey, options?: OpenOptions): Promise<OpenResult>;
  /** Describes an entry the caller may read, with its caching policy; or answers `replaced`. */
  stat(key: EntryKey, options?: OpenOptions): Promise<StatResult>;
  /** The entries of a folder-like the caller may read, in upload order. */
  list(id: string, options?: MediaOptions): Promise<readonly CatalogEntry[]>;
  /** Removes one entry, or every entry of an id; idempotent. Blobs go later, with `sweep`. */
  remove(target: RemoveTarget, options?: MediaOptions): Promise<RemoveResult>;
  /** Makes reads of `old` answer `replaced` with the end of `replacement`'s chain (a 301). */
  replace(old: EntryKey, replacement: EntryKey, options?: MediaOptions): Promise<CatalogEntry>;
  /** Removes expired entries, then blobs unreferenced past the grace period. */
  sweep(options?: SweepOptions): Promise<SweepReport>;
  /** Checks (and with `repair`, fixes) the catalog against the backends. */
  fsck(options?: FsckOptions): Promise<FsckReport>;
  /** Dry run: which blobs the current placement strategy would move to another shard. Moves nothing. */
  rebalance(options?: { readonly signal?: AbortSignal }): AsyncIterable<BlobMove>;
  /**
   * Recomputes the long id of `id` from the stored bytes and the catalog's `uploadedAt`,
   * `plannedPath`s and `author` with the salt of the entries' key id; `true` when it matches.
   */
  verifyLongId(id: string): Promise<boolean>;
  /** The pipeline of an operation, to insert, replace or remove stages. */
  pipeline<K extends OperationName>(name: K): StowagePipelines[K];
  /** Closes the catalog and every backend that can be closed. Idempotent. */
  close(): Promise<void>;
}
