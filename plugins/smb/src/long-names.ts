import { longNameOf, recordNameOf } from './name-encoding.js';
import { joinShare } from './share-layout.js';
import { Access, CreateOption, Share } from './wire/commands.js';
import { close, closeQuietly, deletePath, open, readAt, writeAt } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

/**
 * Long-name records: a segment whose encoded name is too long is stored under the alias
 * `%-long-<hash>`, and the segment itself is kept in the record `.%-name-<hash>` next to it, so
 * listings can give the key back. A record is valid only when its content hashes to its name.
 *
 * @packageDocumentation
 */

const MISSING = ['NT_STATUS_OBJECT_NAME_NOT_FOUND', 'NT_STATUS_OBJECT_PATH_NOT_FOUND', 'NT_STATUS_DELETE_PENDING'];
const OVERWRITE_IF = 5;

/** The segment a long-name alias in `folder` stands for, or `undefined` when its record is missing or invalid. */
export async function readRecord(connection: SmbConnection, folder: string, longName: string): Promise<string | undefined> {
  const file = await open(connection, {
    path: joinShare(folder, recordNameOf(longName)),
    access: Access.READ_DATA | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: 1,
    options: CreateOption.NON_DIRECTORY_FILE,
  }).catch((error: unknown) => {
    if (hasStatus(error, ...MISSING)) return undefined;
    throw error;
  });
  if (file === undefined) return undefined;
  try {
    const segment = (await readAt(connection, file.fileId, 0, 4096)).toString('utf8');
    return segment !== '' && longNameOf(segment) === longName ? segment : undefined;
  } finally {
    await closeQuietly(connection, file.fileId);
  }
}

/** Makes sure the record of `segment` (stored as `longName`) exists in `folder`. */
export async function ensureRecord(connection: SmbConnection, folder: string, longName: string, segment: string): Promise<void> {
  if ((await readRecord(connection, folder, longName)) === segment) return;
  const file = await open(connection, {
    path: joinShare(folder, recordNameOf(longName)),
    access: Access.WRITE_DATA | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.READ,
    disposition: OVERWRITE_IF,
    options: CreateOption.NON_DIRECTORY_FILE,
  });
  try {
    await writeAt(connection, file.fileId, 0, Buffer.from(segment, 'utf8'));
  } catch (error) {
    await closeQuietly(connection, file.fileId);
    throw error;
  }
  await close(connection, file.fileId);
}

/** Removes the record of `longName` in `folder`, if there is one. */
export async function removeRecord(connection: SmbConnection, folder: string, longName: string): Promise<void> {
  await deletePath(connection, joinShare(folder, recordNameOf(longName))).catch((error: unknown) => {
    if (!hasStatus(error, ...MISSING)) throw error;
  });
}
