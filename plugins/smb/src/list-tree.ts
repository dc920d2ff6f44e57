import { normalizePath, throwIfAborted, type BackendEntry, type ErrorContext } from '@stowage/core';
import { entryOf, isDirectory, isReparsePoint } from './entries.js';
import { readRecord } from './long-names.js';
import { decodeSegment, isLongName, PRIVATE_PREFIX, RESERVED_FIRST_SEGMENT } from './name-encoding.js';
import { joinShare } from './share-layout.js';
import { closeQuietly, openDirectory, readDirectory } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

const GONE = ['NT_STATUS_OBJECT_NAME_NOT_FOUND', 'NT_STATUS_OBJECT_PATH_NOT_FOUND', 'NT_STATUS_DELETE_PENDING'];

/** A directory to list: its key and share path. */
export interface ListedDirectory {
  readonly key: string;
  readonly path: string;
}

/** Whether `segment` is a segment Stowage could have written (normalization leaves it unchanged). */
function isKeySegment(segment: string): boolean {
  try {
    return normalizePath(segment) === segment;
  } catch {
    return false;
  }
}

/** The key segment of a stored name, resolving long-name aliases through their records. */
async function segmentOf(connection: SmbConnection, folder: string, name: string): Promise<string | undefined> {
  if (name === '.' || name === '..' || name.startsWith(PRIVATE_PREFIX)) return undefined;
  const segment = isLongName(name) ? await readRecord(connection, folder, name) : decodeSegment(name);
  return segment !== undefined && isKeySegment(segment) ? segment : undefined;
}

/**
 * Lists `start` (a directory), and with `recursive` everything below it, one directory handle at
 * a time, batch by batch (64 KiB of entries per request, however many entries there are).
 *
 * Skipped: `.` and `..`, the backend's private files (partial uploads, long-name records, files
 * moved aside), reparse points (symbolic links), and names that are not the canonical encoding of
 * a valid key segment (files put on the share by other means under other names): a listing shows
 * exactly the keys that `stat` finds.
 */
export async function* listTree(
  connection: SmbConnection,
  start: ListedDirectory,
  recursive: boolean,
  signal: AbortSignal | undefined,
  context: ErrorContext,
): AsyncGenerator<BackendEntry> {
  const pending: ListedDirectory[] = [start];
  for (let directory = pending.pop(); directory !== undefined; directory = pending.pop()) {
    const handle = await openDirectory(connection, directory.path).catch((error: unknown) => {
      // A directory removed after its parent was listed is simply not there any more.
      if (directory !== start && hasStatus(error, ...GONE)) return undefined;
      throw error;
    });
    if (handle === undefined) continue;
    try {
      for (let batch = await readDirectory(connection, handle.fileId); batch !== undefined; batch = await readDirectory(connection, handle.fileId)) {
        throwIfAborted(signal, context);
        for (const item of batch) {
          if (isReparsePoint(item)) continue;
          const segment = await segmentOf(connection, directory.path, item.name);
          if (segment === undefined || (directory.key === '' && segment === RESERVED_FIRST_SEGMENT)) continue;
          const key = directory.key === '' ? segment : `${directory.key}/${segment}`;
          throwIfAborted(signal, context);
          if (recursive && isDirectory(item)) pending.push({ key, path: joinShare(directory.path, item.name) });
          yield entryOf(key, { ...item, fileIndex: item.fileIndex });
        }
      }
    } finally {
      await closeQuietly(connection, handle.fileId);
    }
  }
}
