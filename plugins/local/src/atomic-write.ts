import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkedSource,
  StowageError,
  throwIfAborted,
  type BackendEntry,
  type ByteSource,
  type ErrorContext,
  type WriteOptions,
} from '@stowage/core';
import { removeCreated, syncDirectories } from './directories.js';
import { entryFromStats } from './entries.js';
import type { FileSystem } from './file-system.js';
import { GatheredWriter } from './gathered-writer.js';
import type { Staging } from './staging.js';
import type { UnsyncedDirectories } from './unsynced-directories.js';

/** What {@link atomicWrite} needs besides the source. */
export interface AtomicWriteTarget extends StageTarget {
  /** The key being written, for the returned entry. */
  readonly key: string;
  /** The host path of the final file. */
  readonly hostPath: string;
  /** Creates the final file's missing parent directories; resolves with those it created. */
  readonly prepareDirectory: () => Promise<string[]>;
  /** The backend's directories not durable yet. */
  readonly unsynced: UnsyncedDirectories;
}

/** A temp file in the staging folder, written, fsynced and closed: bytes waiting to be published. */
export interface StagedTemp {
  /** The host path of the temp file. */
  readonly path: string;
  /** Its stats once written (the inode keeps them through the rename). */
  readonly stats: Stats;
}

/** What {@link stageBytes} needs besides the source. */
export interface StageTarget {
  readonly fs: FileSystem;
  readonly staging: Staging;
  /** Permission bits given to the file before it becomes visible. */
  readonly fileMode: number;
  readonly context: ErrorContext;
}

/**
 * The first half of the commit protocol: temp file in the staging folder (random name,
 * exclusive create) → stream the checked source through a {@link GatheredWriter} (1 MiB
 * positional writes, a background `fsync` every 8 MiB) → `fsync(file)` → `fchmod` → close.
 *
 * Behavior: any failure (a source that throws or mismatches, an abort, a failed write or
 * `fsync`) closes and unlinks the temp file and rejects; nothing is left. After an `fsync` error
 * the data is unknown, so the temp file is dropped and the fsync is never retried (PostgreSQL's
 * "fsyncgate").
 */
export async function stageBytes(target: StageTarget, source: ByteSource, options: WriteOptions): Promise<StagedTemp> {
  const { fs, staging, fileMode, context } = target;
  const temp = await staging.create();
  let open = true;
  const writer = new GatheredWriter(temp.handle, options.size);
  try {
    const checked = checkedSource(source, { size: options.size, digest: options.digest, signal: options.signal, context });
    for await (const chunk of checked) await writer.add(chunk);
    await writer.finish();
    await temp.handle.sync();
    await temp.handle.chmod(fileMode);
    const stats = await temp.handle.stat();
    open = false;
    await temp.handle.close();
    return { path: temp.path, stats };
  } catch (error) {
    if (open) {
      await writer.settle();
      await temp.handle.close().catch(() => undefined);
    }
    await fs.unlink(temp.path).catch(() => undefined);
    throw error;
  }
}

/** Where {@link publishStaged} puts a staged temp file. */
export interface PublishTarget {
  readonly fs: FileSystem;
  /** The host path of the final file. */
  readonly hostPath: string;
  /** Creates the final file's missing parent directories; resolves with those it created. */
  readonly prepareDirectory: () => Promise<string[]>;
  /** The backend's directories not durable yet (see {@link makeDurable}). */
  readonly unsynced: UnsyncedDirectories;
  readonly signal?: AbortSignal | undefined;
  readonly context: ErrorContext;
}

/**
 * The second half of the commit protocol: create missing parent directories → `rename` the temp
 * file over the final name → `fsync(directory)` and the holders of created directories. The
 * staging folder is not synced: a temp name that survives a power loss beside its renamed inode
 * is a stale temp file, which the staging sweep removes.
 *
 * Behavior:
 * - An abort is honoured up to the rename, the last step that can be undone. Any failure before
 *   it removes the directories created for it and leaves the temp file to the caller.
 * - A failure after the rename rejects with a non-retryable `STOWAGE_IO`: the new file is in
 *   place and whole, but its durability is unknown, so the write is not acknowledged, and a
 *   retry is not invited.
 */
export async function publishStaged(target: PublishTarget, temp: StagedTemp): Promise<void> {
  const { fs, hostPath, context } = target;
  let created: string[] = [];
  try {
    throwIfAborted(target.signal, context);
    created = await target.prepareDirectory();
    await fs.rename(temp.path, hostPath);
  } catch (error) {
    await removeCreated(fs, created);
    target.unsynced.forget(created);
    throw error;
  }
  await makeDurable(fs, { changed: [dirname(hostPath)], within: [dirname(hostPath)] }, target.unsynced, context);
}

/**
 * The commit protocol of the local backend (RELIABILITY.md §0.3): {@link stageBytes}, then
 * {@link publishStaged}.
 *
 * Behavior:
 * - Until the rename nothing is visible: any failure before it closes and unlinks the temp file
 *   and removes the directories created for it (the original error wins over a cleanup error; a
 *   temp file that cannot be unlinked is left to the staging sweep).
 * - An abort is honoured up to the rename, the last step that can be undone.
 * - After an `fsync` error the data is unknown, so the temp file is dropped and the fsync is
 *   never retried (PostgreSQL's "fsyncgate").
 * - A failure after the rename rejects with a non-retryable `STOWAGE_IO` (see
 *   {@link publishStaged}).
 */
export async function atomicWrite(
  target: AtomicWriteTarget,
  source: ByteSource,
  options: WriteOptions,
): Promise<BackendEntry> {
  const { fs, key, context } = target;
  const temp = await stageBytes(target, source, options);
  try {
    const { hostPath, prepareDirectory, unsynced } = target;
    await publishStaged({ fs, hostPath, prepareDirectory, unsynced, signal: options.signal, context }, temp);
  } catch (error) {
    // After a rename the temp name is gone and this finds nothing; names are never reused.
    await fs.unlink(temp.path).catch(() => undefined);
    throw error;
  }
  return entryFromStats(key, temp.stats);
}

/** What {@link makeDurable} syncs. */
export interface DurableChange {
  /** Directories whose entries changed (a rename into or out of them): each is fsynced. */
  readonly changed: readonly string[];
  /**
   * Directories the change lives in: the holders of every one of them, or of their ancestors,
   * that is not durable yet (just created, by this operation or a concurrent one) are fsynced.
   */
  readonly within: readonly string[];
}

/**
 * `fsync`s the `changed` directories and the holders of the not-yet-durable directories the
 * change lives `within`, at once, after a committed rename; a failure is a non-retryable
 * `STOWAGE_IO`, since the change is already visible and must not be repeated.
 */
export async function makeDurable(fs: FileSystem, change: DurableChange, unsynced: UnsyncedDirectories, context: ErrorContext): Promise<void> {
  const { holders, covered } = unsynced.holdersOf(change.within);
  try {
    await syncDirectories(fs, [...change.changed, ...holders]);
    unsynced.settle(covered);
  } catch (error) {
    throw new StowageError('STOWAGE_IO', 'The change is in place but could not be made durable', {
      cause: error,
      retryable: false,
      context,
    });
  }
}
