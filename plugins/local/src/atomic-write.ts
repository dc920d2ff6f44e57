import { dirname } from 'node:path';
import { checkedSource, type BackendEntry, type ByteSource, type ErrorContext, type WriteOptions } from '@stowage/core';
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
  /** The host path of the final file; its directory exists and was checked. */
  readonly hostPath: string;
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
 * with positional writes → `fsync(file)` → `fchmod` → close → `rename` over the final name →
 * `fsync(directory)`.
 *
 * Behavior:
 * - Until the rename nothing is visible; any failure before it closes and unlinks the temp
 *   file and rejects (the original error wins over a cleanup error; a temp file that cannot be
 *   unlinked is left to the staging sweep).
 * - After an `fsync` error the data is unknown, so the temp file is dropped and the fsync is
 *   never retried (PostgreSQL's "fsyncgate").
 * - A failed directory `fsync` after the rename rejects, although the new file is already in
 *   place: the caller must not acknowledge a write whose durability is unknown.
 */
export async function atomicWrite(
  target: AtomicWriteTarget,
  source: ByteSource,
  options: WriteOptions,
): Promise<BackendEntry> {
  const { fs, staging, key, hostPath, fileMode, context } = target;
  const temp = await staging.create();
  let open = true;
  let renamed = false;
  try {
    let position = 0;
    const checked = checkedSource(source, { size: options.size, digest: options.digest, signal: options.signal, context });
    for await (const chunk of checked) {
      await writeFully(temp.handle, chunk, position);
      position += chunk.byteLength;
    }
    await temp.handle.sync();
    await temp.handle.chmod(fileMode);
    const stats = await temp.handle.stat();
    open = false;
    await temp.handle.close();
    await fs.rename(temp.path, hostPath);
    renamed = true;
    await syncDirectory(fs, dirname(hostPath));
    return entryFromStats(key, stats);
  } catch (error) {
    if (open) await temp.handle.close().catch(() => undefined);
    if (!renamed) await fs.unlink(temp.path).catch(() => undefined);
    throw error;
  }
}
