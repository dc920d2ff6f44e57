import { createHash } from 'node:crypto';

/** Bounds of the in-memory cache of small blobs. */
export interface SmallBlobCacheOptions {
  /** Bytes the cache may hold in all; `0` turns it off. @defaultValue 32 MiB */
  readonly maxBytes?: number;
  /** Blobs up to this size are cached; larger ones always stream from their backend. @defaultValue 64 KiB */
  readonly maxBlobBytes?: number;
}

/** A cached blob and whether it was used since the evictor last passed it. */
interface Held {
  readonly bytes: Buffer;
  used: boolean;
}

/**
 * The bytes of small blobs, by SHA-256, evicted in second-chance order (an approximation of
 * least recently used: a hit only sets a flag, so the hot path allocates nothing).
 *
 * Safe because blobs are content-addressed and immutable: a cached buffer is only ever reached
 * through a committed catalog entry naming its SHA-256, and {@link SmallBlobCache.admit} refuses
 * bytes that do not hash to it (so a small blob that rotted on disk is caught on its first read
 * instead of being served, RELIABILITY D27).
 */
export class SmallBlobCache {
  private readonly blobs = new Map<string, Held>();
  private held = 0;

  constructor(
    readonly maxBytes: number,
    readonly maxBlobBytes: number,
  ) {}

  /** `true` when a blob of `size` bytes is cached (or may be). */
  accepts(size: number): boolean {
    return this.maxBytes > 0 && size <= this.maxBlobBytes && size <= this.maxBytes;
  }

  /** The bytes of `sha256`, marked recently used; `undefined` when not cached. */
  get(sha256: string): Buffer | undefined {
    const held = this.blobs.get(sha256);
    if (held === undefined) return undefined;
    held.used = true;
    return held.bytes;
  }

  /**
   * Caches `bytes` as the content of `sha256` if they hash to it; `false` (and nothing cached)
   * when they do not, which the caller reports as a lost blob.
   */
  admit(sha256: string, bytes: Buffer): boolean {
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) return false;
    if (!this.accepts(bytes.length) || this.blobs.has(sha256)) return true;
    this.blobs.set(sha256, { bytes, used: false });
    this.held += bytes.length;
    // Oldest first; one used since the last pass is spared once (moved to the young end).
    while (this.held > this.maxBytes) {
      const oldest = this.blobs.entries().next();
      if (oldest.done === true) break;
      const [key, value] = oldest.value;
      this.blobs.delete(key);
      if (value.used && key !== sha256) {
        value.used = false;
        this.blobs.set(key, value);
        continue;
      }
      this.held -= value.bytes.length;
    }
    return true;
  }

  /** Bytes held. */
  get size(): number {
    return this.held;
  }
}
