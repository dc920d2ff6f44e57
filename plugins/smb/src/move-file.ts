import { StowageError, type BackendEntry } from '@stowage/core';
import { commitRename, type CommitSettings } from './commit.js';
import { ensureDirectories, removeCreated } from './directories.js';
import { entryOf, isDirectory } from './entries.js';
import { ensureRecord, removeRecord } from './long-names.js';
import { lookUp, statIfPresent } from './lookup.js';
import type { StoredPath } from './share-layout.js';
import { close, closeQuietly, openForRename, setDeleteOnClose } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';

/**
 * Renames the file at `from` to `to`, replacing a file there with the same commit as a write
 * (a rename of the open handle, retried and swapped when the target is held open). Missing
 * parents of `to` are created, and removed again if the rename fails. Long-name records follow
 * the file.
 *
 * @throws StowageError `STOWAGE_IS_A_DIRECTORY` (either side), `STOWAGE_NOT_A_DIRECTORY`,
 *   `STOWAGE_BUSY`; SmbError otherwise (a missing source is `NT_STATUS_OBJECT_NAME_NOT_FOUND`).
 */
export async function moveFile(connection: SmbConnection, from: StoredPath, to: StoredPath, settings: CommitSettings): Promise<BackendEntry> {
  const source = await lookUp(connection, from, () => openForRename(connection, from.path));
  let open = true;
  try {
    if (isDirectory(source)) throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
    if (to.key !== from.key) {
      const existing = await statIfPresent(connection, to.path);
      if (existing !== undefined && isDirectory(existing)) throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
      const created = await ensureDirectories(connection, to.segments.slice(0, -1));
      const last = to.segments.at(-1)!;
      try {
        if (last.long) await ensureRecord(connection, last.parent, last.name, last.segment);
        // Overtaken by a concurrent write, the moved file was replaced at once: it goes on close.
        if ((await commitRename(connection, source.fileId, last, settings)) === 'overtaken') {
          await setDeleteOnClose(connection, source.fileId, true);
        }
      } catch (error) {
        if (connection.alive) await removeCreated(connection, created);
        throw error;
      }
    }
    open = false;
    const closed = await close(connection, source.fileId);
    const moved = from.segments.at(-1)!;
    if (to.key !== from.key && moved.long) await removeRecord(connection, moved.parent, moved.name).catch(() => undefined);
    return entryOf(to.key, { ...source, ...closed, fileIndex: source.diskId });
  } finally {
    if (open) await closeQuietly(connection, source.fileId);
  }
}
