import type { MediaServices } from './services.js';

/** A blob the current placement strategy would put on another shard. */
export interface BlobMove {
  readonly sha256: string;
  readonly from: string;
  readonly to: string;
  readonly size: number;
}

/**
 * The placement key of a blob: the `<upload id>/<index>` its first uploader was placed by,
 * recovered from the `plannedPath` (`<shard>:<staging>/<upload id>/<index>`) of an entry that
 * references it on its own shard; the blob's SHA-256 when no such entry remains.
 */
export async function placementKeyOf(services: MediaServices, sha256: string, backend: string): Promise<string> {
  const prefix = `${backend}:${services.config.layout.staging}/`;
  for await (const entry of services.catalog.scanEntries({ sha256 })) {
    if (entry.plannedPath.startsWith(prefix)) return entry.plannedPath.slice(prefix.length);
  }
  return sha256;
}

/**
 * Dry run of a rebalance: for every present blob, where the router would place it now (same key
 * as at upload time), yielding the blobs that would move. Reads the catalog only.
 */
export async function* plannedMoves(services: MediaServices, signal: AbortSignal | undefined): AsyncGenerator<BlobMove> {
  for await (const blob of services.catalog.scanBlobs({ states: ['present'] })) {
    signal?.throwIfAborted();
    const target = await services.router.place(await placementKeyOf(services, blob.sha256, blob.backend));
    if (target.name !== blob.backend) {
      yield Object.freeze({ sha256: blob.sha256, from: blob.backend, to: target.name, size: blob.size });
    }
  }
}
