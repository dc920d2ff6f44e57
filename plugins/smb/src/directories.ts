import { StowageError } from '@stowage/core';
import { ensureRecord, removeRecord } from './long-names.js';
import type { StoredSegment } from './share-layout.js';
import { Access, CreateOption, Disposition, Share } from './wire/commands.js';
import { closeQuietly, deletePath, open } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

/** Statuses meaning a file stands where a directory is needed. */
const FILE_IN_THE_WAY = ['NT_STATUS_NOT_A_DIRECTORY', 'NT_STATUS_OBJECT_NAME_COLLISION'];

async function openDirectory(connection: SmbConnection, segment: StoredSegment): Promise<boolean> {
  if (segment.long) await ensureRecord(connection, segment.parent, segment.name, segment.segment);
  const opened = await open(connection, {
    path: segment.path,
    access: Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: Disposition.OPEN_IF,
    options: CreateOption.DIRECTORY_FILE,
  });
  await closeQuietly(connection, opened.fileId);
  return opened.created;
}

/**
 * Makes every segment of `segments` (outermost first) an existing directory, creating the
 * missing ones (and the long-name records they need). Resolves with the segments it created,
 * outermost first, for {@link removeCreated}.
 *
 * @throws StowageError `STOWAGE_NOT_A_DIRECTORY` (a file is in the way), `STOWAGE_UNAVAILABLE`
 *   (the backend's root folder is gone); SmbError otherwise.
 */
export async function ensureDirectories(connection: SmbConnection, segments: readonly StoredSegment[]): Promise<StoredSegment[]> {
  const created: StoredSegment[] = [];
  const ensure = async (index: number): Promise<void> => {
    const segment = segments[index]!;
    try {
      if (await openDirectory(connection, segment)) created.push(segment);
    } catch (error) {
      if (hasStatus(error, ...FILE_IN_THE_WAY)) {
        throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'A file stands where a directory is needed', { cause: error });
      }
      if (!hasStatus(error, 'NT_STATUS_OBJECT_PATH_NOT_FOUND')) throw error;
      if (index === 0) throw new StowageError('STOWAGE_UNAVAILABLE', 'The backend root folder is gone', { cause: error });
      await ensure(index - 1);
      if (await openDirectory(connection, segment)) created.push(segment);
    }
  };
  if (segments.length > 0) await ensure(segments.length - 1);
  return created;
}

/** Removes directories `ensureDirectories` created, innermost first, while they are empty; never fails. */
export async function removeCreated(connection: SmbConnection, created: readonly StoredSegment[]): Promise<void> {
  for (const segment of [...created].reverse()) {
    try {
      await deletePath(connection, segment.path);
      if (segment.long) await removeRecord(connection, segment.parent, segment.name);
    } catch {
      return;
    }
  }
}
