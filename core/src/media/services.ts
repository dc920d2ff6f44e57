import type { Catalog } from '../catalog/catalog.js';
import type { SaltKeyring } from '../policies/index.js';
import type { ShardRouter } from '../sharding/index.js';
import type { KeyedLock } from './keyed-lock.js';
import type { ResolvedConfig } from './resolve-config.js';
import type { SmallBlobCache } from './read/small-blob-cache.js';

/**
 * Counts in-process claims on blobs: a put pins each blob from the moment it claims it until
 * its entries are recorded (or it fails), and the collector never deletes a pinned blob.
 */
export class BlobPins {
  readonly #pins = new Map<string, number>();

  pin(sha256: string): void {
    this.#pins.set(sha256, (this.#pins.get(sha256) ?? 0) + 1);
  }

  unpin(sha256: string): void {
    const count = (this.#pins.get(sha256) ?? 0) - 1;
    if (count <= 0) this.#pins.delete(sha256);
    else this.#pins.set(sha256, count);
  }

  isPinned(sha256: string): boolean {
    return this.#pins.has(sha256);
  }
}

/** What every media operation works with; built once by the composition root. */
export interface MediaServices {
  readonly config: ResolvedConfig;
  readonly catalog: Catalog;
  readonly router: ShardRouter;
  readonly keyring: SaltKeyring;
  /** Serializes claim/move/delete of one blob within the process. */
  readonly blobLocks: KeyedLock;
  readonly pins: BlobPins;
  /** Upload ids of the puts running in this process; fsck leaves their staging folders alone. */
  readonly uploads: Set<string>;
  /** Verified bytes of small blobs, served without backend I/O. */
  readonly smallBlobs: SmallBlobCache;
}
