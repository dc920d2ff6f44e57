import { setTimeout as sleep } from 'node:timers/promises';
import { abortedError } from '../../abort.js';
import type { BlobCandidate, BlobRecord } from '../../catalog/blob-record.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { isStowageError, StowageError } from '../../stowage-error.js';
import { blobPathOf, moveWithin, required } from '../layout.js';
import type { MediaServices } from '../services.js';
import type { PutContext, PutFileState } from './put-context.js';

/** How long a put waits for another writer or the collector to finish with a blob. */
const WAIT_LIMIT_MS = 30_000;
const FIRST_PAUSE_MS = 5;
const LONGEST_PAUSE_MS = 200;

/**
 * The `store` stage: moves each staged file into the content-addressed blob store, once per
 * content (a shard's own staged temp file is renamed there in one step; bytes at a staging path
 * are moved). Under a per-blob lock it claims the blob in the catalog by the SHA-256 the server
 * computed from the bytes it received (never a client's claim): the first claimant moves its
 * staged bytes to `<blobs>/<ab>/<cd>/<sha256>` on its shard and marks the blob present; later
 * claimants drop their staged copy and reuse the stored blob. While another process writes or
 * deletes the blob, it waits (bounded, then `STOWAGE_BUSY`). Claimed blobs stay pinned, so the
 * collector cannot take them, until the stages after this one have finished.
 */
export const storeStage: Stage<PutContext> = {
  name: 'store',
  async run(context, next) {
    const pinned: string[] = [];
    try {
      for (const file of context.files) {
        await storeFile(context, file, pinned);
      }
      context.services.config.checkpoint('put:stored');
      await next();
    } finally {
      for (const sha256 of pinned) context.services.pins.unpin(sha256);
    }
  },
};

async function storeFile(context: PutContext, file: PutFileState, pinned: string[]): Promise<void> {
  const services = context.services;
  const digests = required(file.digests, 'the digests');
  const shard = required(file.shard, 'the shard');
  const candidate: BlobCandidate = {
    sha256: digests.sha256,
    sha1: digests.sha1,
    size: digests.size,
    backend: shard,
    path: blobPathOf(services.config.layout.blobs, digests.sha256),
  };
  await services.blobLocks.run(candidate.sha256, async () => {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const claim = await services.catalog.claimBlob(candidate, services.config.clock());
      if (claim.kind === 'reuse') {
        if (!(await bytesInPlace(services, claim.blob))) {
          // The stored copy vanished or changed behind the catalog: never reference it; the
          // next claim rewrites the blob from this put's good bytes.
          await services.catalog.markBlobLost(candidate.sha256);
          continue;
        }
        pin(services, candidate.sha256, pinned);
        await dropStaged(services, file);
        file.blob = { backend: claim.blob.backend, path: claim.blob.path, reused: true };
        return;
      }
      if (claim.kind === 'write') {
        pin(services, candidate.sha256, pinned);
        await moveIntoPlace(context, file, candidate);
        file.blob = { backend: candidate.backend, path: candidate.path, reused: false };
        return;
      }
      await reclaimAbandonedWrite(services, candidate.sha256);
      if (Date.now() - started > WAIT_LIMIT_MS) {
        throw new StowageError('STOWAGE_BUSY', 'another writer or the collector holds this blob', {
          retryable: true,
          retryAfterMs: 1000,
        });
      }
      await sleep(Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt), undefined, context.signal === undefined ? {} : { signal: context.signal }).catch(
        () => {
          throw abortedError(context.signal);
        },
      );
    }
  });
}

function pin(services: MediaServices, sha256: string, pinned: string[]): void {
  services.pins.pin(sha256);
  pinned.push(sha256);
}

/** `true` when a stored blob's bytes are where the catalog says, with the right size. */
async function bytesInPlace(services: MediaServices, blob: BlobRecord): Promise<boolean> {
  try {
    const entry = await services.router.shard(blob.backend).backend.stat(blob.path);
    return entry.kind === 'file' && entry.size === blob.size;
  } catch (error) {
    if (isStowageError(error, 'STOWAGE_NOT_FOUND')) return false;
    throw error;
  }
}

/**
 * A `writing` claim older than the wait limit belongs to a put that died (a move and a catalog
 * update take milliseconds): release it so this put can write the blob. Two writers of the same
 * content would only move identical bytes to the same address.
 */
async function reclaimAbandonedWrite(services: MediaServices, sha256: string): Promise<void> {
  const blob = await services.catalog.getBlob(sha256);
  if (blob?.state === 'writing' && services.config.clock().getTime() - blob.touchedAt.getTime() > WAIT_LIMIT_MS) {
    await services.catalog.releaseBlob(sha256);
  }
}

async function moveIntoPlace(context: PutContext, file: PutFileState, candidate: BlobCandidate): Promise<void> {
  const { catalog, router, config } = context.services;
  try {
    config.checkpoint('put:claimed');
    if (file.staged !== undefined) {
      await file.staged.commit(candidate.path, context.signal === undefined ? {} : { signal: context.signal });
    } else {
      await moveWithin(router.shard(candidate.backend).backend, required(file.stagingPath, 'the staging path'), candidate.path, context.signal);
    }
    config.checkpoint('put:moved');
    await catalog.markBlobPresent(candidate.sha256, config.clock());
  } catch (error) {
    await catalog.releaseBlob(candidate.sha256).catch(() => undefined);
    throw error;
  }
}

async function dropStaged(services: MediaServices, file: PutFileState): Promise<void> {
  if (file.staged !== undefined) {
    await file.staged.discard();
    return;
  }
  try {
    await services.router.shard(required(file.shard, 'the shard')).backend.delete(required(file.stagingPath, 'the staging path'));
  } catch (error) {
    // The staging folder is removed after the put anyway, and fsck sweeps stale ones.
    if (!isStowageError(error)) throw error;
  }
}
