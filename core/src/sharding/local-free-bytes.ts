import { statfs } from 'node:fs/promises';
import { StowageError } from '../stowage-error.js';

/**
 * A `freeBytes` function for a shard on a local or mounted file system: the bytes available to
 * unprivileged users on the file system holding `directory` (`statfs`: `bavail * bsize`), the
 * figure `df` shows as available (the root-reserved blocks do not count).
 *
 * Behavior:
 * - Each call asks the kernel; the router caches the answer (`freeSpaceTtlMs`).
 * - A failure (a missing directory, an unmounted share) rejects with `STOWAGE_UNAVAILABLE`, the
 *   file-system error as `cause`; the message does not show the directory.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` at once when `directory` is not a non-empty string.
 */
export function localFreeBytes(directory: string): () => Promise<number> {
  if (typeof directory !== 'string' || directory === '' || directory.includes('\0')) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'localFreeBytes: directory must be a non-empty path');
  }
  return async () => {
    try {
      const stats = await statfs(directory);
      return stats.bavail * stats.bsize;
    } catch (error) {
      throw new StowageError('STOWAGE_UNAVAILABLE', 'The free space of a shard directory cannot be read', { cause: error });
    }
  };
}
