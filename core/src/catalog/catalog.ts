import type { BlobCandidate, BlobClaim, BlobRecord } from './blob-record.js';
import type { CatalogEntry, EntryAccess, EntryKey, EntryState, NewEntry } from './entry.js';

/** Filters of {@link Catalog.scanEntries}. All given conditions must hold. */
export interface EntryScan {
  /** Only entries in one of these states. */
  readonly states?: readonly EntryState[];
  /** Only entries whose `expiresAt` is set and earlier than this instant. */
  readonly expiredBefore?: Date;
  /** Only entries whose `createdAt` is earlier than this instant. */
  readonly createdBefore?: Date;
  /** Only entries stored on this backend. */
  readonly backend?: string;
  /** Only entries referencing this blob. */
  readonly sha256?: string;
}

/** Filters of {@link Catalog.scanBlobs}. All given conditions must hold. */
export interface BlobScan {
  /** Only blobs in one of these states. */
  readonly states?: readonly BlobRecord['state'][];
  /** Only blobs without references whose `touchedAt` is earlier than this instant. */
  readonly unreferencedBefore?: Date;
}

/**
 * The lookup database: media entries keyed by `(id, filename)` and the content-addressed blobs
 * they reference, with reference counts.
 *
 * Behavior:
 * - Every method is one transaction: it either applies completely or not at all, and concurrent
 *   calls (from this process or, for shared catalogs, from others) are serialized.
 * - Durability: a persistent catalog's change survives a crash or power loss once its method
 *   resolves, except for {@link claimBlob}, {@link releaseBlob}, {@link markBlobPresent} and
 *   {@link insertEntries}: their changes (a put's intermediate states) must be visible at once
 *   but may wait for the catalog's next durable change to become durable, provided changes
 *   become durable in the order they were made. A put acknowledges only after its final
 *   {@link transitionEntries}, so a crash before it leaves nothing acknowledged: at most an
 *   unreferenced blob file, a stale claim or pending rows, which fsck removes.
 * - `blob.refs` always equals the number of entries in state `pending`, `committed`, `deleting`
 *   or `lost` that reference the blob (invariant I9); only {@link insertEntries} and
 *   {@link deleteEntries} change it. When it drops to zero, `touchedAt` becomes the time of that
 *   call, so garbage collection waits a grace period from the last reference.
 * - Keys compare exactly: ids are 64 lowercase hex, filenames are NFC strings compared byte for
 *   byte (no case folding); `/id/def.txt` never resolves when only `/id/abc.txt` exists.
 * - Entries of one id (a folder-like) are returned in `position` order, the upload order.
 * - Returned objects are plain frozen snapshots; changing the catalog later does not change them.
 * - Dates are stored with millisecond precision and returned as `Date` objects.
 *
 * Errors:
 * - `STOWAGE_ALREADY_EXISTS` when {@link insertEntries} meets a taken key (nothing is inserted).
 * - `STOWAGE_NOT_FOUND` when an operation names an entry or blob that does not exist, or an
 *   entry that is not in the state the operation requires (the context names it).
 * - `STOWAGE_INVALID_ARGUMENT` when an argument is malformed (an empty list, a bad id).
 * - `STOWAGE_UNAVAILABLE` after {@link close}; `STOWAGE_IO` or `STOWAGE_BUSY` (retryable) when
 *   the underlying database fails.
 */
export interface Catalog {
  /** A short name for logs: `memory`, `sqlite:/path/to/db`, ... */
  readonly name: string;

  /**
   * Claims the blob with this SHA-256 for a put that holds its bytes at `candidate`.
   *
   * - No row: inserts one in state `writing` with `refs: 0` at the candidate's location and
   *   answers `{ kind: 'write' }`: the caller moves its bytes into place, then calls
   *   {@link markBlobPresent}, or {@link releaseBlob} when it fails.
   * - A `present` row: sets `touchedAt` to `now` (so a collector does not take it before the
   *   caller's {@link insertEntries}) and answers `{ kind: 'reuse' }` with the stored location.
   * - A `lost` row: the caller has good bytes, so the row is reset to `writing` at the
   *   candidate's location and the answer is `{ kind: 'write' }`.
   * - A `writing` or `deleting` row: changes nothing and answers `{ kind: 'wait' }`; the caller
   *   retries after a pause.
   */
  claimBlob(candidate: BlobCandidate, now: Date): Promise<BlobClaim>;

  /** Turns a `writing` blob into `present`; `STOWAGE_NOT_FOUND` when it is not `writing`. */
  markBlobPresent(sha256: string, now: Date): Promise<BlobRecord>;

  /**
   * Gives up a `writing` claim: removes the row when it has no references, otherwise (a lost
   * blob whose rewrite failed) returns it to `lost`. Idempotent: releasing a blob that is absent
   * or not `writing` changes nothing.
   */
  releaseBlob(sha256: string): Promise<void>;

  /** The blob row, or `undefined`. */
  getBlob(sha256: string): Promise<BlobRecord | undefined>;

  /**
   * Marks a `present` blob without references and untouched since `unreferencedBefore` as
   * `deleting`, answering `true`; answers `false` (changing nothing) in every other case.
   * The collector deletes the bytes only after `true`, then calls {@link forgetBlob}.
   */
  claimBlobForDeletion(sha256: string, unreferencedBefore: Date): Promise<boolean>;

  /** Removes a `deleting` blob row; idempotent for an absent row. `STOWAGE_NOT_FOUND` for other states. */
  forgetBlob(sha256: string): Promise<void>;

  /**
   * Marks a blob `lost` (its bytes are missing or corrupt) together with every entry that
   * references it; such entries are never served. Returns how many entries changed.
   */
  markBlobLost(sha256: string): Promise<number>;

  /**
   * Inserts the entries, all or none, in state `pending`, and adds one reference per entry to
   * the blob it names. Every named blob must be `present` (`STOWAGE_NOT_FOUND` otherwise);
   * a taken key, or the same key twice in the list, is `STOWAGE_ALREADY_EXISTS`.
   */
  insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]>;

  /**
   * Moves every listed entry from state `from` to state `to`, all or none; `STOWAGE_NOT_FOUND`
   * when one of them is absent or in another state.
   */
  transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void>;

  /**
   * Deletes the entries, all or none, removing their references. Absent keys are skipped
   * (idempotent). Returns the entries deleted. A blob whose last reference goes gets
   * `touchedAt = now` (the time of the call when `now` is absent).
   */
  deleteEntries(keys: readonly EntryKey[], now?: Date): Promise<readonly CatalogEntry[]>;

  /** The entry, whatever its state, or `undefined`. */
  getEntry(key: EntryKey): Promise<CatalogEntry | undefined>;

  /** The entries of one id, whatever their state, in `position` order; empty when unknown. */
  listEntries(id: string): Promise<readonly CatalogEntry[]>;

  /**
   * Records that `key` was replaced by `replacement` (or clears it with `null`). The entry must
   * exist; the replacement need not be checked here (the facade does).
   */
  setReplacement(key: EntryKey, replacement: EntryKey | null): Promise<CatalogEntry>;

  /** Changes who may read and modify the entry, and its expiry. */
  updateAccess(key: EntryKey, access: EntryAccess): Promise<CatalogEntry>;

  /** Every entry matching the filter, in no particular order; safe to modify while iterating. */
  scanEntries(filter?: EntryScan): AsyncIterable<CatalogEntry>;

  /** Every blob matching the filter, in no particular order; safe to modify while iterating. */
  scanBlobs(filter?: BlobScan): AsyncIterable<BlobRecord>;

  /** Releases the database; later calls fail with `STOWAGE_UNAVAILABLE`. Idempotent. */
  close(): Promise<void>;
}
