import { dirname } from 'node:path';
import type { ContainedRoot } from './containment.js';
import { syncDirectory } from './directory-sync.js';
import type { FileSystem } from './file-system.js';

/**
 * Creates the directory `host` and its missing parents inside the root, after checking the
 * existing ones for symbolic links (unless `checked`: the caller has just done so and found
 * `host` missing). Resolves with the directories it created, outermost first (`[]` when `host`
 * existed), so that the caller can make them durable or remove them again.
 */
export async function createDirectories(fs: FileSystem, root: ContainedRoot, host: string, mode: number, checked = false): Promise<string[]> {
  if (host === root.path || (!checked && (await root.checkDirectory(host)))) return [];
  const first = await fs.mkdir(host, { recursive: true, mode });
  if (first === undefined) return [];
  const created: string[] = [];
  for (let directory = host; directory !== root.path; directory = dirname(directory)) {
    created.unshift(directory);
    if (directory === first) break;
  }
  return created;
}

/**
 * Makes directory entries durable: `fsync`s each of `directories` once, all at the same time,
 * and resolves when every one is done; rejects with the first failure once all have settled.
 * For a new directory the caller names the directory holding it: without that sync, a file
 * acknowledged in a new directory may vanish with the directory after a power failure on file
 * systems that do not order metadata (XFS, btrfs, NFS). Concurrent syncs can share one journal
 * commit, so a put into new `ab/cd` folders waits about one sync instead of three in a row.
 */
export async function syncDirectories(fs: FileSystem, directories: readonly string[]): Promise<void> {
  const outcomes = await Promise.allSettled([...new Set(directories)].map((directory) => syncDirectory(fs, directory)));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

/**
 * Removes, innermost first, the directories an operation created before it failed, so a failed
 * operation leaves nothing visible. Best effort: a directory another writer has filled in the
 * meantime stays.
 */
export async function removeCreated(fs: FileSystem, created: readonly string[]): Promise<void> {
  for (const directory of [...created].reverse()) {
    try {
      await fs.rmdir(directory);
    } catch {
      return;
    }
  }
}
