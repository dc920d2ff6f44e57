export type { BlobScan, Catalog, EntryScan } from './catalog.js';
export type { BlobCandidate, BlobClaim, BlobRecord, BlobState } from './blob-record.js';
export {
  ENTRY_STATES,
  keyString,
  sameKey,
  type CatalogEntry,
  type EntryAccess,
  type EntryKey,
  type EntryState,
  type NewEntry,
  type Visibility,
} from './entry.js';
export { EntryCachingCatalog, withEntryCache, type EntryCacheOptions } from './entry-cache.js';
export { ForwardingCatalog } from './forwarding-catalog.js';
export { createMemoryCatalog } from './memory-catalog.js';
export {
  assertBlobCandidate,
  assertBlobScan,
  assertDate,
  assertEntryAccess,
  assertEntryKey,
  assertEntryKeys,
  assertEntryScan,
  assertEntryState,
  assertFilename,
  assertLongId,
  assertSha1,
  assertSha256,
  BLOB_STATES,
  freezeBlob,
  freezeEntry,
  validateNewEntries,
  validateNewEntry,
} from './validate.js';
