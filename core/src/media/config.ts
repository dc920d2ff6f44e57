import type { Backend } from '../backend.js';
import type { Catalog } from '../catalog/catalog.js';
import type { HashingMode } from '../hashing/index.js';
import type { CachePolicyOptions } from '../policies/index.js';
import type { PermissionPolicy, Principal } from '../policies/index.js';
import type { SaltKeyringOptions } from '../policies/index.js';
import type { PlacementStrategy } from '../sharding/index.js';
import type { SmallBlobCacheOptions } from './read/small-blob-cache.js';
import type { EntryCacheOptions } from '../catalog/entry-cache.js';

/**
 * A storage root Stowage places blobs on: the results-storage descriptor shape
 * (`name`, `active`, `keepDays`, `description`) around a constructed backend.
 */
export interface BackendDescriptor {
  /** Unique; recorded in every entry stored on it (`[A-Za-z0-9._-]+`). */
  readonly name: string;
  readonly backend: Backend;
  /** Inactive backends receive no new data but stay readable. @defaultValue true */
  readonly active?: boolean;
  /** Days entries stored here are kept by default; absent keeps them forever. */
  readonly keepDays?: number;
  /** Static placement weight. @defaultValue 1 */
  readonly weight?: number;
  /** Free bytes, for the `free-space` placement strategy. */
  readonly freeBytes?: () => Promise<number>;
  /** For operators. */
  readonly description?: string;
}

/** Limits a put enforces; exceeding one is `STOWAGE_TOO_LARGE` and nothing is committed. */
export interface PutLimits {
  /** Files in one folder-like. @defaultValue 1000 */
  readonly maxFiles?: number;
  /** Bytes of one file. @defaultValue 10 GiB */
  readonly maxFileBytes?: number;
  /** Bytes of one put. @defaultValue 50 GiB */
  readonly maxTotalBytes?: number;
}

/** Ages that separate in-flight work from leftovers, in milliseconds. */
export interface RetentionTimings {
  /** How long an unreferenced blob survives before the collector may delete it; longer than any upload. @defaultValue 1 hour */
  readonly graceMs?: number;
  /** When a `pending` entry, a `writing` blob or a staging file counts as abandoned. @defaultValue 1 hour */
  readonly staleAfterMs?: number;
}

/** Where Stowage keeps things on every backend. */
export interface StorageLayout {
  /** Content-addressed blobs: `<blobs>/<ab>/<cd>/<sha256>`. @defaultValue `'blobs'` */
  readonly blobs?: string;
  /** Bytes still arriving: `<staging>/<upload id>/<index>`. @defaultValue `'incoming'` */
  readonly staging?: string;
}

/** Who may put. Called before any byte is read; `false` is `STOWAGE_FORBIDDEN` (or `STOWAGE_UNAUTHENTICATED` for anonymous). */
export type UploadGuard = (principal: Principal | null) => boolean | Promise<boolean>;

/** The configuration of {@link createStowage}. Validated once; errors name the field. */
export interface StowageConfig {
  /** Where blobs go: one backend (named `default`) or several descriptors sharded by `placement`. */
  readonly backends: Backend | readonly BackendDescriptor[];
  /** @defaultValue `'rendezvous'` */
  readonly placement?: PlacementStrategy;
  /** The lookup database. @defaultValue a memory catalog (nothing survives a restart) */
  readonly catalog?: Catalog;
  /** The secret salt of long ids: one salt, or several by key id with the current one named. Never logged. */
  readonly salt: string | SaltKeyringOptions;
  readonly permissions?: PermissionPolicy & { readonly canUpload?: UploadGuard };
  readonly caching?: CachePolicyOptions;
  readonly limits?: PutLimits;
  readonly retention?: RetentionTimings;
  readonly layout?: StorageLayout;
  /** Longest replacement chain followed before `STOWAGE_LOOP_DETECTED`. @defaultValue 16 */
  readonly maxReplacementChain?: number;
  /**
   * The in-memory cache of small blobs (verified against their SHA-256 when they enter it);
   * `false` turns it off. @defaultValue `{ maxBytes: 32 MiB, maxBlobBytes: 64 KiB }`
   */
  readonly smallBlobCache?: SmallBlobCacheOptions | false;
  /**
   * The in-memory cache of catalog entries in front of `catalog` (the download path's lookup);
   * changes made through this Stowage are seen at once, changes made by other processes on a
   * shared catalog within `ttlMs`. `false` turns it off.
   * @defaultValue `{ maxEntries: 10 000, ttlMs: 1 000 }`
   */
  readonly entryCache?: EntryCacheOptions | false;
  /** @defaultValue `'auto'` */
  readonly hashing?: HashingMode;
  /** The time source (tests control expiry with it). @defaultValue `() => new Date()` */
  readonly clock?: () => Date;
  /**
   * Called at labelled points of put and remove (`put:staged`, `put:claimed`, `put:moved`,
   * `put:stored`, `put:recorded`, `put:committed`, `remove:marked`, `remove:deleted`); for
   * tracing and crash tests.
   */
  readonly checkpoint?: (label: string) => void;
}
