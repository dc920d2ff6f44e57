import type { Stats } from 'node:fs';
import type { BackendEntry } from '@stowage/core';

/**
 * The entry of a regular file or directory from its stats. The etag joins inode, size and
 * modification time: every committed write renames a new inode into place, so it changes with
 * every write even when size and time do not.
 */
export function entryFromStats(path: string, stats: Stats): BackendEntry {
  if (stats.isDirectory()) return { path, kind: 'directory', size: 0, modifiedAt: stats.mtime };
  return {
    path,
    kind: 'file',
    size: stats.size,
    modifiedAt: stats.mtime,
    etag: `"${stats.ino.toString(16)}-${stats.size.toString(16)}-${Math.round(stats.mtimeMs * 1000).toString(16)}"`,
  };
}
