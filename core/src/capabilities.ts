/** Hash algorithms a backend may compute natively (without reading the bytes back). */
export type HashAlgorithm = 'sha256' | 'sha1' | 'md5' | 'dropbox-content-hash';

/** The optional operations of {@link Backend}, each present exactly when its capability is set. */
export const OPTIONAL_OPERATIONS = ['copy', 'rename', 'link', 'localPath', 'close'] as const;

/** One of {@link OPTIONAL_OPERATIONS}. */
export type OptionalOperation = (typeof OPTIONAL_OPERATIONS)[number];

/**
 * What a backend can do, as one flat, frozen record (OpenDAL style). Required operations are
 * not listed: every backend has them. Flags describe native behaviour; the contract itself
 * (exact ranges, recursive listing) holds on every backend whatever the flags say.
 */
export interface Capabilities {
  /** Ranged reads transfer only the requested bytes from the storage. */
  readonly readWithRange: boolean;
  /** A write becomes visible all at once: readers see the old content or the new, never a mix. */
  readonly writeIsAtomic: boolean;
  /** The storage lists a whole tree natively instead of one directory at a time. */
  readonly listWithRecursive: boolean;
  /** `stat` and `list` entries carry an `etag` that changes whenever the content changes. */
  readonly statHasEtag: boolean;
  /** `stat` and `list` entries carry `modifiedAt`. */
  readonly statHasModifiedAt: boolean;
  /** How far `modifiedAt` may be from the moment of the write, in milliseconds (rclone's precision). */
  readonly modifiedAtPrecisionMs: number;
  /** Hashes the storage reports without Stowage reading the bytes; `[]` when core must compute them. */
  readonly nativeHashes: readonly HashAlgorithm[];
  /** `copy` is present. */
  readonly copy: boolean;
  /** `rename` is present. */
  readonly rename: boolean;
  /** `link` is present. */
  readonly link: boolean;
  /** `localPath` is present. */
  readonly localPath: boolean;
  /** `close` is present. */
  readonly close: boolean;
}

const DEFAULTS: Capabilities = {
  readWithRange: false,
  writeIsAtomic: false,
  listWithRecursive: false,
  statHasEtag: false,
  statHasModifiedAt: false,
  modifiedAtPrecisionMs: 1000,
  nativeHashes: [],
  copy: false,
  rename: false,
  link: false,
  localPath: false,
  close: false,
};

/**
 * Builds a frozen {@link Capabilities} record: every flag not given is `false`,
 * `modifiedAtPrecisionMs` defaults to 1000 and `nativeHashes` to `[]` (also frozen).
 */
export function defineCapabilities(flags: Partial<Capabilities>): Capabilities {
  const merged = { ...DEFAULTS, ...flags };
  return Object.freeze({ ...merged, nativeHashes: Object.freeze([...merged.nativeHashes]) });
}
