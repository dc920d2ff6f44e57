import type { BlobCandidate, BlobClaim, BlobRecord } from './blob-record.js';
import type { BlobScan, Catalog, EntryScan } from './catalog.js';
import type { CatalogEntry, EntryAccess, EntryKey, EntryState, NewEntry } from './entry.js';

/**
 * The base of a catalog layer: a {@link Catalog} that forwards every call to `inner` unchanged,
 * so a layer overrides only what it changes (the entry cache; the testkit's broken catalogs).
 */
export class ForwardingCatalog implements Catalog {
  constructor(protected readonly inner: Catalog) {}

  get name(): string {
    return this.inner.name;
  }

  claimBlob(candidate: BlobCandidate, now: Date): Promise<BlobClaim> {
    return this.inner.claimBlob(candidate, now);
  }

  markBlobPresent(sha256: string, now: Date): Promise<BlobRecord> {
    return this.inner.markBlobPresent(sha256, now);
  }

  releaseBlob(sha256: string): Promise<void> {
    return this.inner.releaseBlob(sha256);
  }

  getBlob(sha256: string): Promise<BlobRecord | undefined> {
    return this.inner.getBlob(sha256);
  }

  claimBlobForDeletion(sha256: string, unreferencedBefore: Date): Promise<boolean> {
    return this.inner.claimBlobForDeletion(sha256, unreferencedBefore);
  }

  forgetBlob(sha256: string): Promise<void> {
    return this.inner.forgetBlob(sha256);
  }

  markBlobLost(sha256: string): Promise<number> {
    return this.inner.markBlobLost(sha256);
  }

  insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]> {
    return this.inner.insertEntries(entries);
  }

  transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void> {
    return this.inner.transitionEntries(keys, from, to);
  }

  deleteEntries(keys: readonly EntryKey[], now?: Date): Promise<readonly CatalogEntry[]> {
    return now === undefined ? this.inner.deleteEntries(keys) : this.inner.deleteEntries(keys, now);
  }

  getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    return this.inner.getEntry(key);
  }

  listEntries(id: string): Promise<readonly CatalogEntry[]> {
    return this.inner.listEntries(id);
  }

  setReplacement(key: EntryKey, replacement: EntryKey | null): Promise<CatalogEntry> {
    return this.inner.setReplacement(key, replacement);
  }

  updateAccess(key: EntryKey, access: EntryAccess): Promise<CatalogEntry> {
    return this.inner.updateAccess(key, access);
  }

  scanEntries(filter?: EntryScan): AsyncIterable<CatalogEntry> {
    return this.inner.scanEntries(filter);
  }

  scanBlobs(filter?: BlobScan): AsyncIterable<BlobRecord> {
    return this.inner.scanBlobs(filter);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
