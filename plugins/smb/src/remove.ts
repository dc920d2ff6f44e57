import { randomBytes } from 'node:crypto';
import { StowageError } from '@stowage/core';
import { isDirectory } from './entries.js';
import { isLongName, PRIVATE_PREFIX } from './name-encoding.js';
import { removeRecord } from './long-names.js';
import { joinShare } from './share-layout.js';
import {
  closeQuietly,
  deletePath,
  openDirectory,
  openForRename,
  readDirectory,
  renameHandle,
  setDeleteOnClose,
} from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

/** Statuses meaning there is nothing to delete (a missing path, or one below a file). */
export const ABSENT = [
  'NT_STATUS_OBJECT_NAME_NOT_FOUND',
  'NT_STATUS_OBJECT_PATH_NOT_FOUND',
  'NT_STATUS_DELETE_PENDING',
  'NT_STATUS_NOT_A_DIRECTORY',
];

/** The names in a directory, `.` and `..` left out. */
async function namesIn(connection: SmbConnection, path: string): Promise<string[]> {
  const handle = await openDirectory(connection, path);
  const names: string[] = [];
  try {
    for (let batch = await readDirectory(connection, handle.fileId); batch !== undefined; batch = await readDirectory(connection, handle.fileId)) {
      for (const item of batch) if (item.name !== '.' && item.name !== '..') names.push(item.name);
    }
  } finally {
    await closeQuietly(connection, handle.fileId);
  }
  return names;
}

/** Deletes everything below the directory `path` (every name, also ones Stowage did not write). */
async function emptyTree(connection: SmbConnection, path: string): Promise<void> {
  for (const name of await namesIn(connection, path)) {
    const child = joinShare(path, name);
    await deletePath(connection, child).catch(async (error: unknown) => {
      if (hasStatus(error, ...ABSENT)) return;
      if (!hasStatus(error, 'NT_STATUS_DIRECTORY_NOT_EMPTY')) throw error;
      await emptyTree(connection, child);
      await deletePath(connection, child).catch((again: unknown) => {
        if (!hasStatus(again, ...ABSENT)) throw again;
      });
    });
  }
}

/**
 * Deletes the file or directory at the share path `path` (in `parent`, stored as `name`).
 *
 * Behavior:
 * - A missing path is not an error.
 * - A file is first renamed aside to a private name, then deleted: the key is free at once even
 *   while a download keeps the old file open (Samba deletes it when that reader closes).
 * - A directory is deleted when it holds nothing but the backend's private files (removed with
 *   it), or with everything below it when `recursive`.
 * - The long-name record of a deleted alias goes with it.
 *
 * @throws StowageError `STOWAGE_DIRECTORY_NOT_EMPTY`; SmbError otherwise.
 */
export async function removePath(
  connection: SmbConnection,
  target: { readonly path: string; readonly parent: string; readonly name: string },
  recursive: boolean,
): Promise<void> {
  const opened = await openForRename(connection, target.path).catch((error: unknown) => {
    if (hasStatus(error, ...ABSENT)) return undefined;
    throw error;
  });
  if (opened === undefined) return;
  if (isDirectory(opened)) {
    await closeQuietly(connection, opened.fileId);
    await removeDirectory(connection, target.path, recursive);
  } else {
    try {
      const aside = joinShare(target.parent, `${PRIVATE_PREFIX}deleted-${randomBytes(16).toString('hex')}`);
      // If the rename is refused, deleting in place still works (the name lingers while read).
      await renameHandle(connection, opened.fileId, aside, false).catch(() => undefined);
      await setDeleteOnClose(connection, opened.fileId, true);
    } finally {
      await closeQuietly(connection, opened.fileId);
    }
  }
  if (isLongName(target.name)) await removeRecord(connection, target.parent, target.name);
}

async function removeDirectory(connection: SmbConnection, path: string, recursive: boolean): Promise<void> {
  try {
    await deletePath(connection, path);
    return;
  } catch (error) {
    if (hasStatus(error, ...ABSENT)) return;
    if (!hasStatus(error, 'NT_STATUS_DIRECTORY_NOT_EMPTY')) throw error;
  }
  if (!recursive) {
    const names = await namesIn(connection, path);
    if (!names.every((name) => name.startsWith(PRIVATE_PREFIX))) {
      throw new StowageError('STOWAGE_DIRECTORY_NOT_EMPTY', 'The directory is not empty');
    }
  }
  await emptyTree(connection, path);
  await deletePath(connection, path).catch((error: unknown) => {
    if (hasStatus(error, ...ABSENT)) return;
    if (hasStatus(error, 'NT_STATUS_DIRECTORY_NOT_EMPTY')) {
      throw new StowageError('STOWAGE_DIRECTORY_NOT_EMPTY', 'The directory is not empty', { cause: error });
    }
    throw error;
  });
}
