import { destroyOnAbort, resolveReadRange, throwIfAborted, type ErrorContext, type ReadOptions, type ReadResult } from '@stowage/core';
import { entryOf } from './entries.js';
import { lookUp } from './lookup.js';
import { SmbReadStream } from './read-stream.js';
import type { StoredPath } from './share-layout.js';
import { isConnectionFailure, type ShareSession } from './share-session.js';
import { Access, CreateOption, Disposition, Share, type OpenedFile } from './wire/commands.js';
import { closeQuietly, open } from './wire/share-operations.js';

/** How {@link openRead} reads, and how it reports open handles. */
export interface ReadSettings {
  /** Reads outstanding at once (64 KiB each). */
  readonly window: number;
  readonly context: ErrorContext;
  /** Called when a stream takes a handle, and again (`-1`) when it gives it back. */
  readonly onHandle: (delta: 1 | -1) => void;
}

/**
 * Opens the file at `stored` for a ranged read and returns the stream over it, holding a lease
 * on the connection until the stream closes. The open shares read, write and delete with
 * everyone, so downloads never block renames of the file. An open on a reused connection that
 * turns out dead is tried once more on a new one.
 *
 * @throws StowageError `STOWAGE_RANGE_NOT_SATISFIABLE`, `STOWAGE_ABORTED`, `STOWAGE_UNSAFE_PATH`;
 *   SmbError from the open.
 */
export async function openRead(session: ShareSession, stored: StoredPath, options: ReadOptions, settings: ReadSettings): Promise<ReadResult> {
  for (let attempt = 1; ; attempt++) {
    const lease = await session.acquire();
    let file: OpenedFile | undefined;
    try {
      file = await lookUp(lease.connection, stored, () =>
        open(lease.connection, {
          path: stored.path,
          access: Access.READ_DATA | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
          share: Share.ALL,
          disposition: Disposition.OPEN,
          options: CreateOption.NON_DIRECTORY_FILE | CreateOption.OPEN_REPARSE_POINT,
          queryDiskId: true,
        }),
      );
      const entry = entryOf(stored.key, { ...file, fileIndex: file.diskId });
      const range = resolveReadRange(options.range, entry.size);
      throwIfAborted(options.signal, settings.context);
      settings.onHandle(1);
      const stream = new SmbReadStream({
        lease,
        fileId: file.fileId,
        ...range,
        window: settings.window,
        context: settings.context,
        onRelease: () => settings.onHandle(-1),
      });
      return { entry, stream: destroyOnAbort(stream, options.signal, settings.context), ...range };
    } catch (error) {
      if (file !== undefined) await closeQuietly(lease.connection, file.fileId);
      lease.release();
      if (lease.fresh || attempt > 1 || !isConnectionFailure(error)) throw error;
    }
  }
}
