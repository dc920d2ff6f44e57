import type { BackendEntry, OperationOptions } from '../backend.js';
import { StowageError } from '../stowage-error.js';
import { onShard } from './shard-errors.js';
import { checkFileSlot, locate, removeOlderCopies, type ShardLookup } from './shard-lookup.js';
import type { ResolvedShardDescriptor } from './shard-options.js';
import { shardEntry } from './shard-entry.js';

function signalOnly(options: OperationOptions | undefined): OperationOptions {
  return options?.signal === undefined ? {} : { signal: options.signal };
}

/** Streams the file at `source` on `holder` into `target` on `destination`. */
async function copyAcross(
  holder: ResolvedShardDescriptor,
  destination: ResolvedShardDescriptor,
  source: string,
  target: string,
  options: OperationOptions | undefined,
): Promise<BackendEntry> {
  const opened = await onShard(holder.name, () => holder.backend.read(source, signalOnly(options)));
  try {
    return await onShard(destination.name, () =>
      destination.backend.write(target, opened.stream, { ...signalOnly(options), size: opened.length }),
    );
  } finally {
    // Consumed after a commit; released after a failure.
    opened.stream.destroy();
  }
}

/**
 * Copies or moves the file at `source` to `target` (both normalized) across the router's shards.
 *
 * Behavior:
 * - The source is found like a read; a directory is `STOWAGE_IS_A_DIRECTORY`; onto itself
 *   changes nothing.
 * - The target goes where `place(target)` says, after the same namespace check as a write. When
 *   that is the source's shard, the shard's own `copy`/`rename` does the work (atomic where the
 *   shard's is).
 * - Otherwise the bytes are streamed from one shard into the other (an atomic write where the
 *   target shard's writes are), and a rename then deletes the source. If that delete fails, the
 *   rename rejects with a non-retryable `STOWAGE_IO` and both files exist: nothing is lost.
 * - Older copies of the target on other shards are removed afterwards, as after a write.
 */
export async function transferFile(
  lookup: ShardLookup,
  operation: 'copy' | 'rename',
  source: string,
  target: string,
  options: OperationOptions | undefined,
): Promise<BackendEntry> {
  const found = await locate(lookup.locate(source), options, (backend) => backend.stat(source, options));
  const holder = found.shard;
  if (found.value.kind === 'directory') throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
  if (source === target) return shardEntry(found.value, holder);
  const destination = await lookup.place(target);
  const olderCopies = await checkFileSlot(lookup.shards, destination, target, options);
  let entry: BackendEntry;
  if (destination === holder) {
    entry = await onShard(holder.name, () => holder.backend[operation]!(source, target, options));
  } else {
    entry = await copyAcross(holder, destination, source, target, options);
    if (operation === 'rename') {
      try {
        await holder.backend.delete(source);
      } catch (error) {
        throw new StowageError('STOWAGE_IO', 'The file was copied to its new shard, but the source could not be removed', {
          cause: error,
          retryable: false,
        });
      }
    }
  }
  await removeOlderCopies(olderCopies, target);
  return shardEntry(entry, destination);
}
