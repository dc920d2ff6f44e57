import type { Visibility } from '../catalog/entry.js';
import { StowageError } from '../stowage-error.js';

/** Options of {@link cacheDirectivesFor}. */
export interface CachePolicyOptions {
  /**
   * How long shared caches and browsers may keep a public entry, in whole seconds. Entries never
   * change (a replacement is a new entry behind a 301), so the default is a year, the longest
   * value RFC 9111 caches are expected to honour in practice. `0` makes public entries revalidate
   * on every use (`public, no-cache`), for deployments that remove entries and cannot purge CDNs.
   * At most 2147483648 (RFC 9111 §1.2.2).
   * @default 31536000
   */
  readonly publicMaxAgeSeconds?: number;
}

/** The caching headers of one entry, computed by {@link cacheDirectivesFor}. */
export interface CacheDirectives {
  /** The `Cache-Control` value. */
  readonly cacheControl: string;
  /** A strong `ETag` value, quoted: `"<sha256>"`. */
  readonly etag: string;
  /** The `Last-Modified` instant: the entry's creation, truncated to whole seconds (HTTP-date precision). */
  readonly lastModified: Date;
  /** Whether `cacheControl` carries `immutable`. */
  readonly immutable: boolean;
}

/** The default {@link CachePolicyOptions.publicMaxAgeSeconds}: 365 days. */
export const DEFAULT_PUBLIC_MAX_AGE_SECONDS = 31_536_000;

/** The largest delta-seconds RFC 9111 §1.2.2 asks caches to handle. */
const MAX_AGE_LIMIT = 2_147_483_648;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The caching headers of an entry.
 *
 * Behavior:
 * - Public: `public, max-age=<publicMaxAgeSeconds>, immutable` (or `public, no-cache` when the
 *   max age is 0), `immutable: true` except in that case.
 * - Private: `private, no-store` whatever the filename or extension, so no cache outside the
 *   application keeps it; `immutable: false`.
 * - The ETag is strong and quoted, `"<sha256>"`, for both: the bytes of an entry never change,
 *   and the HTTP layer may still answer conditional requests of a private entry's owner.
 * - `lastModified` is `createdAt` truncated to the second, so `If-Modified-Since` with the value
 *   sent back compares equal.
 * - The result is frozen.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` when `publicMaxAgeSeconds` is not an integer between 0 and
 * 2147483648. `TypeError` for a malformed entry (a visibility other than `public`/`private`, a
 * `sha256` that is not 64 lowercase hex, an invalid `createdAt`): a programmer mistake.
 */
export function cacheDirectivesFor(
  entry: { readonly visibility: Visibility; readonly sha256: string; readonly createdAt: Date },
  options: CachePolicyOptions = {},
): CacheDirectives {
  const maxAge = publicMaxAgeOf(options);
  if (typeof entry.sha256 !== 'string' || !SHA256_HEX.test(entry.sha256)) {
    throw new TypeError('entry.sha256 must be 64 lowercase hex characters');
  }
  if (!(entry.createdAt instanceof Date) || Number.isNaN(entry.createdAt.getTime())) {
    throw new TypeError('entry.createdAt must be a valid Date');
  }
  const etag = `"${entry.sha256}"`;
  const lastModified = new Date(Math.floor(entry.createdAt.getTime() / 1000) * 1000);
  switch (entry.visibility) {
    case 'public': {
      const immutable = maxAge > 0;
      const cacheControl = immutable ? `public, max-age=${maxAge}, immutable` : 'public, no-cache';
      return Object.freeze({ cacheControl, etag, lastModified, immutable });
    }
    case 'private':
      return Object.freeze({ cacheControl: 'private, no-store', etag, lastModified, immutable: false });
    default:
      throw new TypeError('entry.visibility must be "public" or "private"');
  }
}

function publicMaxAgeOf(options: CachePolicyOptions): number {
  if (typeof options !== 'object' || options === null) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'The cache policy options must be an object');
  }
  const value: unknown = options.publicMaxAgeSeconds;
  if (value === undefined) return DEFAULT_PUBLIC_MAX_AGE_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_AGE_LIMIT) {
    throw new StowageError(
      'STOWAGE_INVALID_CONFIG',
      `publicMaxAgeSeconds must be a whole number of seconds between 0 and ${MAX_AGE_LIMIT}`,
    );
  }
  return value;
}
