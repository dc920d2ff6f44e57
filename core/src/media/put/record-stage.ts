import type { EntryKey, NewEntry } from '../../catalog/entry.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { isStowageError, StowageError } from '../../stowage-error.js';
import { daysToMs } from '../resolve-config.js';
import { required } from '../layout.js';
import type { PutContext, PutFileState } from './put-context.js';

function expiryOf(context: PutContext, file: PutFileState, createdAt: Date): Date | null {
  const requested = context.options.keepDays;
  const days =
    requested === undefined
      ? context.services.config.descriptors.find((descriptor) => descriptor.name === file.shard)?.keepDays
      : requested;
  return days === undefined || days === null ? null : new Date(createdAt.getTime() + daysToMs(days));
}

function newEntryOf(context: PutContext, file: PutFileState): NewEntry {
  const createdAt = required(context.uploadedAt, 'the upload time');
  const digests = required(file.digests, 'the digests');
  const blob = required(file.blob, 'the stored blob');
  return {
    id: required(context.id, 'the long id'),
    filename: file.filename,
    position: file.index,
    backend: blob.backend,
    path: blob.path,
    size: digests.size,
    sha256: digests.sha256,
    sha1: digests.sha1,
    contentType: file.contentType,
    createdAt,
    plannedPath: required(file.plannedPath, 'the planned path'),
    author: context.principal?.name ?? '',
    saltKeyId: required(context.saltKeyId, 'the salt key id'),
    visibility: context.options.visibility ?? 'private',
    readers: [...(context.options.readers ?? [])],
    writers: [...(context.options.writers ?? [])],
    expiresAt: expiryOf(context, file, createdAt),
  };
}

function keysOf(context: PutContext): EntryKey[] {
  const id = required(context.id, 'the long id');
  return context.files.map((file) => ({ id, filename: file.filename }));
}

/**
 * The `record` stage: inserts one `pending` catalog row per file, all or none, each adding a
 * reference to its blob. If anything after it fails, it deletes those rows again, so a failed put
 * leaves nothing referenced (its blobs become orphans the collector removes after the grace).
 */
export const recordStage: Stage<PutContext> = {
  name: 'record',
  async run(context, next) {
    const { catalog, config } = context.services;
    try {
      context.entries = await catalog.insertEntries(context.files.map((file) => newEntryOf(context, file)));
    } catch (error) {
      // A blob vanished between its claim and this insert (another process's collector): retry.
      throw lostRace(error, 'a blob of this put was collected before it was recorded');
    }
    config.checkpoint('put:recorded');
    try {
      await next();
      if (context.result === undefined) {
        throw new StowageError('STOWAGE_REJECTED', 'a stage ended the put before it was committed');
      }
    } catch (error) {
      try {
        await catalog.deleteEntries(keysOf(context), config.clock());
      } catch (cleanup) {
        // The rows stay pending; fsck removes them once stale. The put's own failure is what counts.
        if (error instanceof Error && error.cause === undefined) Object.defineProperty(error, 'cause', { value: cleanup });
      }
      throw error;
    }
  },
};

function lostRace(error: unknown, message: string): unknown {
  return isStowageError(error, 'STOWAGE_NOT_FOUND')
    ? new StowageError('STOWAGE_BUSY', message, { cause: error, retryable: true, retryAfterMs: 100 })
    : error;
}

/** The `commit` stage: turns the put's rows `committed`, which makes them readable, and sets the result. */
export const commitStage: Stage<PutContext> = {
  name: 'commit',
  async run(context, next) {
    const { catalog, config } = context.services;
    const keys = keysOf(context);
    try {
      await catalog.transitionEntries(keys, 'pending', 'committed');
    } catch (error) {
      // The pending rows were taken for abandoned by an fsck of another process: retry.
      throw lostRace(error, 'the put was cleaned up before it was committed');
    }
    config.checkpoint('put:committed');
    const entries = await catalog.listEntries(required(context.id, 'the long id'));
    const mine = new Set(keys.map((key) => key.filename));
    context.result = Object.freeze({
      id: required(context.id, 'the long id'),
      entries: Object.freeze(entries.filter((entry) => mine.has(entry.filename))),
      deduplicated: Object.freeze(context.files.map((file) => required(file.blob, 'the stored blob').reused)),
    });
    await next();
  },
};
