import { StowageError } from '@stowage/core';
import { findDuringSwap } from './commit.js';
import { isReparsePoint } from './entries.js';
import type { StoredPath } from './share-layout.js';
import type { OpenedFile } from './wire/commands.js';
import { statPath } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

/** Statuses meaning nothing is at a path (a missing path, or one below a file). */
export const ABSENT = [
  'NT_STATUS_OBJECT_NAME_NOT_FOUND',
  'NT_STATUS_OBJECT_PATH_NOT_FOUND',
  'NT_STATUS_DELETE_PENDING',
  'NT_STATUS_NOT_A_DIRECTORY',
];

/** What is at `path`, or `undefined` when nothing is. */
export function statIfPresent(connection: SmbConnection, path: string): Promise<OpenedFile | undefined> {
  return statPath(connection, path).catch((error: unknown) => {
    if (hasStatus(error, ...ABSENT)) return undefined;
    throw error;
  });
}

/**
 * Runs `open` (an open of `stored`), waiting out a swap of the name in progress (see
 * `commit.ts`), and refuses what it finds when it is a symbolic link.
 *
 * @throws StowageError `STOWAGE_UNSAFE_PATH`; SmbError from the open.
 */
export async function lookUp(connection: SmbConnection, stored: StoredPath, open: () => Promise<OpenedFile>): Promise<OpenedFile> {
  const last = stored.segments.at(-1);
  const file = last === undefined ? await open() : await findDuringSwap(connection, last.parent, last.name, open);
  if (isReparsePoint(file)) throw new StowageError('STOWAGE_UNSAFE_PATH', 'A symbolic link stands at the path');
  return file;
}
