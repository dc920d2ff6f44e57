import { dateOfFileTime, type DirectoryEntry } from './wire/commands.js';
import { isDirectory, isReparsePoint } from './entries.js';
import { LONG_PREFIX, PRIVATE_PREFIX, RECORD_PREFIX } from './name-encoding.js';
import { joinShare } from './share-layout.js';
import { closeQuietly, deletePath, openDirectory, readDirectory } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

const GONE = ['NT_STATUS_OBJECT_NAME_NOT_FOUND', 'NT_STATUS_OBJECT_PATH_NOT_FOUND', 'NT_STATUS_DELETE_PENDING'];

async function entriesIn(connection: SmbConnection, path: string): Promise<DirectoryEntry[]> {
  const handle = await openDirectory(connection, path);
  const entries: DirectoryEntry[] = [];
  try {
    for (let batch = await readDirectory(connection, handle.fileId); batch !== undefined; batch = await readDirectory(connection, handle.fileId)) {
      entries.push(...batch.filter((entry) => entry.name !== '.' && entry.name !== '..'));
    }
  } finally {
    await closeQuietly(connection, handle.fileId);
  }
  return entries;
}

/**
 * Walks the tree below `root` and deletes the backend's private files last written more than
 * `olderThanMs` ago (by the server's clock against this host's): partial uploads, files moved
 * aside, swap marks, and long-name records whose alias no longer exists. Folders are visited one
 * at a time; symbolic links are not followed. Resolves with how many files were deleted.
 */
export async function sweepPrivateFiles(connection: SmbConnection, root: string, olderThanMs: number): Promise<number> {
  const cutoff = Date.now() - olderThanMs;
  let removed = 0;
  const folders = [root];
  for (let folder = folders.pop(); folder !== undefined; folder = folders.pop()) {
    const entries = await entriesIn(connection, folder).catch((error: unknown) => {
      if (folder !== root && hasStatus(error, ...GONE)) return [];
      throw error;
    });
    const names = new Set(entries.map((entry) => entry.name));
    for (const entry of entries) {
      if (isReparsePoint(entry)) continue;
      const path = joinShare(folder, entry.name);
      if (isDirectory(entry)) {
        folders.push(path);
        continue;
      }
      if (!entry.name.startsWith(PRIVATE_PREFIX) || dateOfFileTime(entry.lastWriteTime).getTime() > cutoff) continue;
      if (entry.name.startsWith(RECORD_PREFIX) && names.has(`${LONG_PREFIX}${entry.name.slice(RECORD_PREFIX.length)}`)) continue;
      try {
        await deletePath(connection, path);
        removed += 1;
      } catch (error) {
        if (!hasStatus(error, ...GONE)) throw error;
      }
    }
  }
  return removed;
}
