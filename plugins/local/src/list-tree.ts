import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { joinPath, normalizePath, type BackendEntry } from '@stowage/core';
import { RESERVED_SEGMENT } from './containment.js';
import { entryFromStats } from './entries.js';
import { errnoOf } from './errors.js';
import type { FileSystem } from './file-system.js';

/** Whether a directory entry's name is a key segment as Stowage would have written it. */
function isCanonicalName(name: string): boolean {
  try {
    return normalizePath(name) === name;
  } catch {
    return false;
  }
}

/**
 * Walks the directory `hostPath` (the key `key`), depth first with one directory open at a time,
 * yielding its entries (and, when `recursive`, everything below) as they are read.
 *
 * Behavior:
 * - Symbolic links, sockets, FIFOs and devices are not listed, and links are never followed.
 * - Names Stowage could not have written (control characters, not NFC, invalid UTF-8) are not
 *   listed, so every listed path round-trips through the other operations.
 * - The staging folder at the root is not listed.
 * - Entries removed while the walk runs are skipped.
 */
export async function* listTree(
  fs: FileSystem,
  rootHostPath: string,
  hostPath: string,
  key: string,
  recursive: boolean,
): AsyncGenerator<BackendEntry> {
  const pending: Array<{ hostPath: string; key: string }> = [{ hostPath, key }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    let directory: AsyncIterable<Dirent>;
    try {
      directory = await fs.opendir(next.hostPath);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT' && next.key !== key) continue;
      throw error;
    }
    for await (const dirent of directory) {
      const name = dirent.name;
      if (next.hostPath === rootHostPath && name === RESERVED_SEGMENT) continue;
      if (dirent.isSymbolicLink() || !isCanonicalName(name)) continue;
      const childHost = join(next.hostPath, name);
      const childKey = joinPath(next.key, name);
      if (dirent.isDirectory()) {
        yield { path: childKey, kind: 'directory', size: 0 };
        if (recursive) pending.push({ hostPath: childHost, key: childKey });
        continue;
      }
      let stats;
      try {
        stats = await fs.lstat(childHost);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') continue;
        throw error;
      }
      if (stats.isFile()) yield entryFromStats(childKey, stats);
      else if (stats.isDirectory()) {
        yield entryFromStats(childKey, stats);
        if (recursive) pending.push({ hostPath: childHost, key: childKey });
      }
    }
  }
}
