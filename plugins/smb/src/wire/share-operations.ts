import {
  Access,
  CreateOption,
  decodeCreate,
  decodeDirectoryEntries,
  decodeOutputBuffer,
  decodeRead,
  decodeWrite,
  Disposition,
  dispositionInformation,
  encodeClose,
  encodeCreate,
  encodeFlush,
  encodeQueryDirectory,
  encodeQueryInfo,
  encodeRead,
  encodeSetInfo,
  encodeWrite,
  InfoClass,
  renameInformation,
  Share,
  type CreateParameters,
  type DirectoryEntry,
  type OpenedFile,
} from './commands.js';
import { Command, HEADER_SIZE } from './packet.js';
import { expectStatus, type SmbConnection } from './smb-connection.js';
import { SmbError } from './smb-error.js';

/**
 * The file operations of the backend, one or two SMB requests each, on a connection. Paths are
 * share-relative and backslash-separated. Failures are `SmbError`s.
 *
 * @packageDocumentation
 */

/** The most bytes one READ or WRITE carries: 64 KiB, the limit without multi-credit requests. */
export const MAX_IO_BYTES = 65_536;

/** The result of an open: the file and whether the server created it. */
export interface Opened extends OpenedFile {
  readonly created: boolean;
}

/** Opens (or creates) a file or directory. */
export async function open(connection: SmbConnection, parameters: CreateParameters): Promise<Opened> {
  const response = expectStatus(await connection.request(Command.CREATE, encodeCreate(parameters)));
  const createAction = response.packet.readUInt32LE(HEADER_SIZE + 4);
  return { ...decodeCreate(response.packet), created: createAction === 2 };
}

/** Closes a handle and resolves with the file's final size and write time. */
export async function close(connection: SmbConnection, fileId: Buffer): Promise<{ size: number; lastWriteTime: bigint }> {
  const body = encodeClose(fileId);
  body.writeUInt16LE(1, 2); // SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB
  const { packet } = expectStatus(await connection.request(Command.CLOSE, body));
  return { lastWriteTime: packet.readBigUInt64LE(HEADER_SIZE + 24), size: Number(packet.readBigUInt64LE(HEADER_SIZE + 48)) };
}

/** Closes a handle, ignoring failures (the handle is gone either way when the connection is). */
export async function closeQuietly(connection: SmbConnection, fileId: Buffer): Promise<void> {
  await close(connection, fileId).catch(() => undefined);
}

/** Opens `path` for its attributes only (no data access: never conflicts with other opens). */
export function openAttributes(connection: SmbConnection, path: string, extra: Partial<CreateParameters> = {}): Promise<Opened> {
  return open(connection, {
    path,
    access: Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: Disposition.OPEN,
    options: CreateOption.OPEN_REPARSE_POINT,
    queryDiskId: true,
    ...extra,
  });
}

/** Describes `path` (open for attributes, close). */
export async function statPath(connection: SmbConnection, path: string): Promise<OpenedFile> {
  const file = await openAttributes(connection, path);
  await close(connection, file.fileId);
  return file;
}

/** Reads up to `length` bytes at `offset`; an empty buffer at or past the end of the file. */
export async function readAt(connection: SmbConnection, fileId: Buffer, offset: number, length: number): Promise<Buffer> {
  const response = expectStatus(
    await connection.request(Command.READ, encodeRead(fileId, offset, length)),
    'NT_STATUS_END_OF_FILE',
  );
  return response.header.status === 0 ? decodeRead(response.packet) : Buffer.alloc(0);
}

/**
 * Writes `data` (at most {@link MAX_IO_BYTES}) at `offset`.
 *
 * @throws SmbError `protocol` when the server reports a short write.
 */
export async function writeAt(connection: SmbConnection, fileId: Buffer, offset: number, data: Uint8Array): Promise<void> {
  const response = expectStatus(await connection.request(Command.WRITE, encodeWrite(fileId, offset, data)));
  const written = decodeWrite(response.packet);
  if (written !== data.byteLength) {
    throw new SmbError('protocol', `The server wrote ${String(written)} of ${String(data.byteLength)} bytes`);
  }
}

/** Asks the server to write the file's data to stable storage (`fsync` on Samba with `strict sync`). */
export async function flush(connection: SmbConnection, fileId: Buffer): Promise<void> {
  expectStatus(await connection.request(Command.FLUSH, encodeFlush(fileId)));
}

/** Sets or clears delete-on-close on an open handle (opened with `DELETE` access). */
export async function setDeleteOnClose(connection: SmbConnection, fileId: Buffer, deletePending: boolean): Promise<void> {
  expectStatus(
    await connection.request(
      Command.SET_INFO,
      encodeSetInfo(fileId, InfoClass.FILE_DISPOSITION, dispositionInformation(deletePending)),
    ),
  );
}

/** Renames an open handle (opened with `DELETE` access) to the share-relative `path`. */
export async function renameHandle(connection: SmbConnection, fileId: Buffer, path: string, replace: boolean): Promise<void> {
  expectStatus(
    await connection.request(Command.SET_INFO, encodeSetInfo(fileId, InfoClass.FILE_RENAME, renameInformation(path, replace))),
  );
}

/** The file's size as the server sees it (FileStandardInformation). */
export async function sizeOf(connection: SmbConnection, fileId: Buffer): Promise<number> {
  const response = expectStatus(await connection.request(Command.QUERY_INFO, encodeQueryInfo(fileId, 1, 5, 24)));
  return Number(decodeOutputBuffer(response.packet).readBigUInt64LE(8));
}

/** The bytes available to the account on the share's volume (FileFsFullSizeInformation). */
export async function freeBytesOf(connection: SmbConnection, fileId: Buffer): Promise<number> {
  const response = expectStatus(
    await connection.request(Command.QUERY_INFO, encodeQueryInfo(fileId, 2, InfoClass.FS_FULL_SIZE, 32)),
  );
  const info = decodeOutputBuffer(response.packet);
  const units = Number(info.readBigUInt64LE(8));
  return units * info.readUInt32LE(24) * info.readUInt32LE(28);
}

/** Opens the directory at `path` for listing. */
export function openDirectory(connection: SmbConnection, path: string): Promise<Opened> {
  return open(connection, {
    path,
    access: Access.READ_DATA | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: Disposition.OPEN,
    options: CreateOption.DIRECTORY_FILE,
  });
}

/**
 * The next batch of a directory listing (`.` and `..` included, as the server sends them), or
 * `undefined` when the listing is complete.
 */
export async function readDirectory(connection: SmbConnection, fileId: Buffer): Promise<DirectoryEntry[] | undefined> {
  const response = expectStatus(
    await connection.request(Command.QUERY_DIRECTORY, encodeQueryDirectory(fileId, false, MAX_IO_BYTES)),
    'NT_STATUS_NO_MORE_FILES',
  );
  if (response.header.status !== 0) return undefined;
  return decodeDirectoryEntries(decodeOutputBuffer(response.packet));
}

/**
 * Deletes the file or empty directory at `path` (open for `DELETE`, set delete-on-close, close).
 * The name disappears when the last handle on it closes.
 *
 * @throws SmbError `NT_STATUS_DIRECTORY_NOT_EMPTY` for a directory with entries, and the open's failures.
 */
export async function deletePath(connection: SmbConnection, path: string): Promise<void> {
  const file = await open(connection, {
    path,
    access: Access.DELETE | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: Disposition.OPEN,
    options: CreateOption.OPEN_REPARSE_POINT,
  });
  try {
    await setDeleteOnClose(connection, file.fileId, true);
  } finally {
    await closeQuietly(connection, file.fileId);
  }
}

/** Opens `path` with `DELETE` access, for a rename. */
export function openForRename(connection: SmbConnection, path: string, options = 0): Promise<Opened> {
  return open(connection, {
    path,
    access: Access.DELETE | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: Disposition.OPEN,
    options: options | CreateOption.OPEN_REPARSE_POINT,
    queryDiskId: true,
  });
}
