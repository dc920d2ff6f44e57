import type { BlobRecord } from '../../catalog/blob-record.js';
import { isStowageError } from '../../stowage-error.js';
import type { MediaServices } from '../services.js';

/** What happened to a blob the collector looked at. */
export type CollectOutcome = 'deleted' | 'kept' | 'failed';

/**
 * Deletes an unreferenced blob, serialized with puts of the same content: under the blob's lock
 * it skips blobs a put in this process has pinned, claims the row for deletion (the catalog
 * refuses when a reference or a recent claim appeared meanwhile), deletes the bytes, then
 * forgets the row. A failed delete leaves the row `deleting`; fsck finishes it later.
 */
export async function collectBlob(services: MediaServices, blob: BlobRecord, unreferencedBefore: Date): Promise<CollectOutcome> {
  return services.blobLocks.run(blob.sha256, async () => {
    if (services.pins.isPinned(blob.sha256)) return 'kept';
    if (!(await services.catalog.claimBlobForDeletion(blob.sha256, unreferencedBefore))) return 'kept';
    return deleteClaimedBlob(services, blob);
  });
}

/** Deletes the bytes of a blob already claimed (`deleting`) and forgets its row. */
export async function deleteClaimedBlob(services: MediaServices, blob: BlobRecord): Promise<CollectOutcome> {
  try {
    await services.router.shard(blob.backend).backend.delete(blob.path);
  } catch (error) {
    if (!isStowageError(error)) throw error;
    return 'failed';
  }
  await services.catalog.forgetBlob(blob.sha256);
  return 'deleted';
}
