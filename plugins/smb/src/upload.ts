import { createHash, randomBytes } from 'node:crypto';
import { checkedSource, isStowageError, StowageError, throwIfAborted, type ByteSource, type ErrorContext, type WriteOptions } from '@stowage/core';
import { commitRename, type CommitSettings } from './commit.js';
import type { ServerFacts } from './entries.js';
import { ensureRecord } from './long-names.js';
import { PRIVATE_PREFIX } from './name-encoding.js';
import { joinShare, type StoredPath } from './share-layout.js';
import { isConnectionFailure } from './share-session.js';
import { Access, Attribute, CreateOption, Disposition, Share } from './wire/commands.js';
import { close, closeQuietly, flush, MAX_IO_BYTES, open, readAt, setDeleteOnClose, sizeOf, writeAt } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus } from './wire/smb-error.js';

/** Names of partial uploads start with this. */
export const PARTIAL_PREFIX = `${PRIVATE_PREFIX}partial-`;

/** How {@link upload} works. */
export interface UploadSettings extends CommitSettings {
  readonly verify: 'digest' | 'size';
  /** Writes outstanding at once (64 KiB each). */
  readonly window: number;
  readonly context: ErrorContext;
}

/** Streams the checked source into the open partial file; resolves with its size and SHA-256. */
async function stream(
  connection: SmbConnection,
  fileId: Buffer,
  source: ByteSource,
  options: WriteOptions,
  settings: UploadSettings,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  const inFlight: Promise<void>[] = [];
  // Bytes are gathered into 64 KiB blocks; encodeWrite copies a block into its request at once,
  // so the staging buffer is reused right away and source chunks are never retained.
  const staging = Buffer.allocUnsafe(MAX_IO_BYTES);
  let staged = 0;
  let offset = 0;
  const send = async (block: Uint8Array): Promise<void> => {
    const write = writeAt(connection, fileId, offset, block);
    write.catch(() => undefined);
    offset += block.byteLength;
    inFlight.push(write);
    if (inFlight.length >= settings.window) await inFlight.shift();
  };
  try {
    const checked = checkedSource(source, { size: options.size, digest: options.digest, signal: options.signal, context: settings.context });
    for await (const chunk of checked) {
      hash.update(chunk);
      let at = 0;
      while (at < chunk.byteLength) {
        if (staged === 0 && chunk.byteLength - at >= MAX_IO_BYTES) {
          await send(chunk.subarray(at, at + MAX_IO_BYTES));
          at += MAX_IO_BYTES;
          continue;
        }
        const take = Math.min(MAX_IO_BYTES - staged, chunk.byteLength - at);
        staging.set(chunk.subarray(at, at + take), staged);
        staged += take;
        at += take;
        if (staged === MAX_IO_BYTES) {
          staged = 0;
          await send(staging);
        }
      }
    }
    if (staged > 0) await send(staging.subarray(0, staged));
    while (inFlight.length > 0) await inFlight.shift();
  } finally {
    await Promise.allSettled(inFlight);
  }
  return { size: offset, sha256: hash.digest('hex') };
}

/**
 * Checks the partial holds exactly what was sent: with `'digest'` by reading it back (and one
 * read past the end, which must find nothing), with `'size'` by the size the server reports.
 */
async function verify(connection: SmbConnection, fileId: Buffer, sent: { size: number; sha256: string }, settings: UploadSettings): Promise<void> {
  let intact: boolean;
  if (settings.verify === 'size') {
    intact = (await sizeOf(connection, fileId)) === sent.size;
  } else {
    const hash = createHash('sha256');
    let offset = 0;
    let beyond = 0;
    while (offset <= sent.size) {
      const reads: Promise<Buffer>[] = [];
      for (let i = 0; i < settings.window && offset <= sent.size; i++) {
        const length = offset === sent.size ? 1 : Math.min(MAX_IO_BYTES, sent.size - offset);
        reads.push(readAt(connection, fileId, offset, length));
        offset += offset === sent.size ? 1 : length;
      }
      const results = await Promise.all(reads);
      if (offset > sent.size) beyond = results.pop()!.length;
      for (const data of results) hash.update(data);
    }
    intact = beyond === 0 && hash.digest('hex') === sent.sha256;
  }
  if (!intact) {
    throw new StowageError('STOWAGE_IO', 'The uploaded bytes do not match what was sent', { retryable: true });
  }
}

/** What is at `path` when it holds exactly the bytes `sent` describes; `undefined` otherwise or when it cannot be read. */
async function identical(connection: SmbConnection, path: string, sent: { size: number; sha256: string }): Promise<ServerFacts | undefined> {
  const file = await open(connection, {
    path,
    access: Access.READ_DATA | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
    share: Share.ALL,
    disposition: Disposition.OPEN,
    options: CreateOption.NON_DIRECTORY_FILE,
    queryDiskId: true,
  }).catch(() => undefined);
  if (file === undefined) return undefined;
  try {
    if (file.size !== sent.size) return undefined;
    const hash = createHash('sha256');
    for (let offset = 0; offset < sent.size; offset += MAX_IO_BYTES) {
      hash.update(await readAt(connection, file.fileId, offset, Math.min(MAX_IO_BYTES, sent.size - offset)));
    }
    if (hash.digest('hex') !== sent.sha256) return undefined;
    return { attributes: file.attributes, size: file.size, lastWriteTime: file.lastWriteTime, fileIndex: file.diskId };
  } catch {
    return undefined;
  } finally {
    await closeQuietly(connection, file.fileId);
  }
}

/**
 * The commit protocol of the SMB backend: a partial file with a random hidden name in the
 * target's folder (created exclusively, delete-on-close so the server removes it if the
 * connection drops), the checked source streamed into it with pipelined 64 KiB writes, its size
 * (and, with `verify: 'digest'`, its SHA-256 read back) checked, `FLUSH`ed to stable storage,
 * delete-on-close cleared, then renamed over the final name ({@link commitRename}).
 *
 * Behavior:
 * - Until the rename nothing is visible under the final name; a failure before it deletes the
 *   partial (or queues its deletion when the connection is gone).
 * - An abort is honoured up to the rename.
 * - When the target cannot be replaced (it is held open without `FILE_SHARE_DELETE`) but holds
 *   exactly the bytes sent, the write succeeds without replacing it (RELIABILITY.md F9); with
 *   different bytes it fails with a retryable `STOWAGE_BUSY`, never overwriting silently.
 * - A failure after the rename (the final close) rejects with a non-retryable `STOWAGE_IO`: the
 *   file is in place, but unconfirmed.
 *
 * `prepareFolder` makes the target's folder exist; it runs when the partial cannot be created
 * because the folder is missing. Resolves with what the server reports about the new file.
 */
export async function upload(
  connection: SmbConnection,
  target: StoredPath,
  source: ByteSource,
  options: WriteOptions,
  settings: UploadSettings,
  prepareFolder: () => Promise<void>,
): Promise<ServerFacts> {
  const partial = joinShare(target.parent, `${PARTIAL_PREFIX}${randomBytes(16).toString('hex')}`);
  const openPartial = (): ReturnType<typeof open> =>
    open(connection, {
      path: partial,
      access: Access.READ_DATA | Access.WRITE_DATA | Access.DELETE | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
      // Readers may open the file as soon as it has its final name, before this handle closes.
      share: Share.READ | Share.DELETE,
      disposition: Disposition.CREATE,
      options: CreateOption.NON_DIRECTORY_FILE,
      queryDiskId: true,
    });
  // The folder usually exists; it is made (and a file in the way reported) only when missing.
  const file = await openPartial().catch(async (error: unknown) => {
    if (!hasStatus(error, 'NT_STATUS_OBJECT_PATH_NOT_FOUND', 'NT_STATUS_NOT_A_DIRECTORY')) throw error;
    await prepareFolder();
    return openPartial();
  });
  let deleteOnClose = false;
  let sent: { size: number; sha256: string } | undefined;
  let overtaken = false;
  const last = target.segments.at(-1)!;
  try {
    await setDeleteOnClose(connection, file.fileId, true);
    deleteOnClose = true;
    sent = await stream(connection, file.fileId, source, options, settings);
    await verify(connection, file.fileId, sent, settings);
    await flush(connection, file.fileId);
    throwIfAborted(options.signal, settings.context);
    if (last.long) await ensureRecord(connection, last.parent, last.name, last.segment);
    await setDeleteOnClose(connection, file.fileId, false);
    deleteOnClose = false;
    overtaken = (await commitRename(connection, file.fileId, last, settings)) === 'overtaken';
    // Overtaken, the file was replaced by a concurrent write at once: it goes on close.
    if (overtaken) await setDeleteOnClose(connection, file.fileId, true);
  } catch (error) {
    if (!deleteOnClose || overtaken) await setDeleteOnClose(connection, file.fileId, true).catch(() => undefined);
    await closeQuietly(connection, file.fileId);
    if (isConnectionFailure(error) || !connection.alive) settings.defer({ kind: 'delete', path: partial });
    // RELIABILITY.md F9: a target that cannot be replaced but already holds these very bytes
    // is the outcome the write wanted.
    const same = isStowageError(error, 'STOWAGE_BUSY') && sent !== undefined ? await identical(connection, target.path, sent) : undefined;
    if (same !== undefined) return same;
    throw error;
  }
  try {
    const closed = await close(connection, file.fileId);
    return { attributes: Attribute.NORMAL, size: closed.size, lastWriteTime: closed.lastWriteTime, fileIndex: file.diskId };
  } catch (error) {
    throw new StowageError('STOWAGE_IO', 'The file is in place but the server did not confirm it', {
      cause: error,
      retryable: false,
    });
  }
}
