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
import { removeCreated, syncCreated } from './directories.js';
import { syncDirectory } from './directory-sync.js';
import { entryFromStats } from './entries.js';
import type { FileHandleLike, FileSystem } from './file-system.js';
import type { Staging } from './staging.js';

/** What {@link atomicWrite} needs besides the source. */
export interface AtomicWriteTarget {
  readonly fs: FileSystem;
  readonly staging: Staging;
  /** The key being written, for the returned entry. */
  readonly key: string;
  /** The host path of the final file. */
  readonly hostPath: string;
  /** Creates the final file's missing parent directories; resolves with those it created. */
  readonly prepareDirectory: () => Promise<string[]>;
  /** Permission bits given to the file before it becomes visible. */
  readonly fileMode: number;
  readonly context: ErrorContext;
}

async function writeFully(handle: FileHandleLike, chunk: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, written, chunk.byteLength - written, position + written);
    written += bytesWritten;
  }
}

/**
 * The commit protocol of the local backend (RELIABILITY.md §0.3):
 * temp file in the staging folder (random name, exclusive create) → stream the checked source
 * with positional writes → `fsync(file)` → `fchmod` → close → create missing parent directories
 * → `rename` over the final name → `fsync(directory)` and the holders of created directories.
 *
 * Behavior:
 * - Until the rename nothing is visible: any failure before it closes and unlinks the temp file
 *   and removes the directories created for it (the original error wins over a cleanup error; a
 *   temp file that cannot be unlinked is left to the staging sweep).
 * - An abort is honoured up to the rename, the last step that can be undone.
 * - After an `fsync` error the data is unknown, so the temp file is dropped and the fsync is
 *   never retried (PostgreSQL's "fsyncgate").
 * - A failure after the rename rejects with a non-retryable `STOWAGE_IO`: the new file is in
 *   place and whole, but its durability is unknown, so the write is not acknowledged, and a
 *   retry is not invited.
 */
export async function atomicWrite(
  target: AtomicWriteTarget,
  source: ByteSource,
  options: WriteOptions,
): Promise<BackendEntry> {
  const { fs, staging, key, hostPath, fileMode, context } = target;
  const temp = await staging.create();
  let open = true;
  let created: string[] = [];
  let stats: Stats;
  try {
    let position = 0;
    const checked = checkedSource(source, { size: options.size, digest: options.digest, signal: options.signal, context });
    for await (const chunk of checked) {
      await writeFully(temp.handle, chunk, position);
      position += chunk.byteLength;
    }
    await temp.handle.sync();
    await temp.handle.chmod(fileMode);
    stats = await temp.handle.stat();
    open = false;
    await temp.handle.close();
    throwIfAborted(options.signal, context);
    created = await target.prepareDirectory();
    await fs.rename(temp.path, hostPath);
  } catch (error) {
    if (open) await temp.handle.close().catch(() => undefined);
    await fs.unlink(temp.path).catch(() => undefined);
    await removeCreated(fs, created);
    throw error;
  }
  await makeDurable(fs, [dirname(hostPath)], created, context);
  return entryFromStats(key, stats);
}

/**
 * `fsync`s `directories` and the holders of `created` after a committed rename; a failure is a
 * non-retryable `STOWAGE_IO`, since the change is already visible and must not be repeated.
 */
export async function makeDurable(
  fs: FileSystem,
  directories: readonly string[],
  created: readonly string[],
  context: ErrorContext,
): Promise<void> {
  try {
    for (const directory of new Set(directories)) await syncDirectory(fs, directory);
    await syncCreated(fs, created);
  } catch (error) {
    throw new StowageError('STOWAGE_IO', 'The change is in place but could not be made durable', {
      cause: error,
      retryable: false,
      context,
    });
  }
}
