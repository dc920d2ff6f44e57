import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { abortedError, StowageError, throwIfAborted } from '@stowage/core';
import { isDirectory } from './entries.js';
import { PRIVATE_PREFIX } from './name-encoding.js';
import { joinShare } from './share-layout.js';
import type { Cleanup } from './share-session.js';
import { Access, CreateOption, Share } from './wire/commands.js';
import { closeQuietly, open, openAttributes, openForRename, renameHandle, setDeleteOnClose } from './wire/share-operations.js';
import type { SmbConnection } from './wire/smb-connection.js';
import { hasStatus, SmbError } from './wire/smb-error.js';

/**
 * Committing a rename over a file that may be open elsewhere.
 *
 * Windows refuses to replace a file while any handle is open on it (`NT_STATUS_ACCESS_DENIED`),
 * whatever the sharing mode, and so does Samba when the handle belongs to the same smbd process
 * (the same connection, for instance a download multiplexed with the upload): a download in
 * progress blocks every overwrite of its file. The backend retries such refusals a few times with
 * a doubling wait (sharing violations are usually short), then swaps: it marks the name as being swapped,
 * renames the old file aside (allowed, since readers open with `FILE_SHARE_DELETE`), renames
 * the new one in, marks the old one delete-on-close (it disappears when its last reader
 * closes) and removes the mark. Readers that find no file while a mark exists wait for the swap
 * to finish and look again ({@link findDuringSwap}), so the name never appears missing.
 *
 * @packageDocumentation
 */

/** Statuses meaning "the target is held open by someone". */
export const HELD = ['NT_STATUS_ACCESS_DENIED', 'NT_STATUS_SHARING_VIOLATION', 'NT_STATUS_FILE_LOCK_CONFLICT'];
const MISSING = ['NT_STATUS_OBJECT_NAME_NOT_FOUND', 'NT_STATUS_DELETE_PENDING'];
/** Refusals of a rename with replace: the target is held open, or is a directory. */
const TAKEN = [...HELD, 'NT_STATUS_OBJECT_NAME_COLLISION', 'NT_STATUS_FILE_IS_A_DIRECTORY'];
const DELETE_ON_CLOSE = 0x0000_1000;

/** Where a commit puts the file. */
export interface CommitTarget {
  /** The share-relative folder. */
  readonly parent: string;
  /** The stored name in that folder. */
  readonly name: string;
  /** `parent\name`. */
  readonly path: string;
}

/** How a commit retries, and where it reports what a broken connection leaves behind. */
export interface CommitSettings {
  /** Plain renames tried before the swap. */
  readonly attempts: number;
  /** The first wait between them (doubling). */
  readonly firstDelayMs: number;
  /**
   * How long a swap waits for other writers' swaps of the same name to end (their marks to go)
   * before `STOWAGE_BUSY`: a time, not a count, since writers queue behind each other.
   */
  readonly markWaitMs: number;
  /** The caller's abort signal: the commit ends with `STOWAGE_ABORTED` once it aborts, before a rename and in any wait (to retry the rename, for the swap mark). */
  readonly signal?: AbortSignal | undefined;
  readonly defer: (cleanup: Cleanup) => void;
}

/** The longest pause between two tries for the swap mark. */
const LONGEST_MARK_PAUSE_MS = 200;
/**
 * A swap mark that is in use: held by a writer, or on its way out (a reader's probe still had it
 * open when its writer closed it, so it is delete-pending until that probe closes).
 */
const MARK_TAKEN = ['NT_STATUS_OBJECT_NAME_COLLISION', 'NT_STATUS_DELETE_PENDING'];

/** The name of the mark that says "a swap of `name` is in progress" (delete-on-close, so it never outlives its writer's connection). */
export function swapMarkOf(name: string): string {
  return `${PRIVATE_PREFIX}swap-${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 40)}`;
}

/**
 * How a commit ended: the file now has the target name, or another writer's file took the name
 * while the old one was aside, which orders this write just before that one (the caller drops
 * its file: it was replaced at once).
 */
export type CommitOutcome = 'committed' | 'overtaken';

/**
 * Renames the open handle `fileId` (opened with `DELETE` access) to `target`, replacing a file
 * there (see the module description).
 *
 * @throws StowageError `STOWAGE_IS_A_DIRECTORY` (a directory took the name), `STOWAGE_BUSY` (the
 *   old file cannot be moved aside: it is open without `FILE_SHARE_DELETE`; or other writers'
 *   swaps of the name went on for `markWaitMs`), `STOWAGE_ABORTED` (the signal aborted while
 *   the rename waited to retry or for those swaps); SmbError otherwise.
 */
export async function commitRename(
  connection: SmbConnection,
  fileId: Buffer,
  target: CommitTarget,
  settings: CommitSettings,
): Promise<CommitOutcome> {
  let wait = settings.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(settings.signal);
    try {
      await renameHandle(connection, fileId, target.path, true);
      return 'committed';
    } catch (error) {
      if (!hasStatus(error, ...TAKEN)) throw error;
      // The same refusals come from a directory at the target, which no wait will move.
      if (attempt === 1 && (await directoryAt(connection, target.path))) {
        throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'A directory stands at the target', { cause: error });
      }
      if (attempt >= settings.attempts) break;
    }
    await pause(wait, settings.signal);
    wait *= 2;
  }
  return swapIn(connection, fileId, target, settings);
}

/** Waits `ms`, or ends with `STOWAGE_ABORTED` as soon as `signal` aborts. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => {
    throw abortedError(signal);
  });
}

async function directoryAt(connection: SmbConnection, path: string): Promise<boolean> {
  return openAttributes(connection, path, { queryDiskId: false }).then(
    async (opened) => {
      await closeQuietly(connection, opened.fileId);
      return isDirectory(opened);
    },
    () => false,
  );
}

async function openMark(connection: SmbConnection, target: CommitTarget, settings: CommitSettings): Promise<Buffer> {
  const deadline = Date.now() + settings.markWaitMs;
  const signal = settings.signal;
  let wait = Math.min(LONGEST_MARK_PAUSE_MS, Math.max(1, settings.firstDelayMs));
  for (;;) {
    throwIfAborted(signal);
    try {
      const mark = await open(connection, {
        path: joinShare(target.parent, swapMarkOf(target.name)),
        access: Access.DELETE | Access.READ_ATTRIBUTES | Access.SYNCHRONIZE,
        share: Share.ALL,
        disposition: 2,
        options: CreateOption.NON_DIRECTORY_FILE | DELETE_ON_CLOSE,
      });
      return mark.fileId;
    } catch (error) {
      // Another writer is swapping the same name: wait for it, as long as the settings allow.
      if (!hasStatus(error, ...MARK_TAKEN)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new StowageError('STOWAGE_BUSY', 'Other writers kept replacing this file', { cause: error, retryAfterMs: 1000 });
      }
      await pause(Math.min(wait, left), signal);
    }
    wait = Math.min(wait * 2, LONGEST_MARK_PAUSE_MS);
  }
}

function busy(cause: unknown): StowageError {
  return new StowageError('STOWAGE_BUSY', 'The file to replace is open and cannot be moved aside', { cause, retryAfterMs: 1000 });
}

/** Renames `fileId` in once the name is free; a writer that took the name first overtakes it. */
async function renameIn(connection: SmbConnection, fileId: Buffer, target: CommitTarget): Promise<CommitOutcome> {
  try {
    await renameHandle(connection, fileId, target.path, true);
    return 'committed';
  } catch (error) {
    if (!hasStatus(error, ...TAKEN)) throw error;
    if (await directoryAt(connection, target.path)) {
      throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'A directory took the name', { cause: error });
    }
    return 'overtaken';
  }
}

async function swapIn(connection: SmbConnection, fileId: Buffer, target: CommitTarget, settings: CommitSettings): Promise<CommitOutcome> {
  const mark = await openMark(connection, target, settings);
  try {
    const old = await openForRename(connection, target.path).catch((error: unknown) => {
      if (hasStatus(error, ...MISSING)) return undefined;
      throw hasStatus(error, ...HELD) ? busy(error) : error;
    });
    if (old === undefined) return await renameIn(connection, fileId, target);
    if (isDirectory(old)) {
      await closeQuietly(connection, old.fileId);
      throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'A directory took the name');
    }
    const aside = joinShare(target.parent, `${PRIVATE_PREFIX}old-${randomBytes(16).toString('hex')}`);
    try {
      await renameHandle(connection, old.fileId, aside, false);
    } catch (error) {
      await closeQuietly(connection, old.fileId);
      throw hasStatus(error, ...HELD) ? busy(error) : error;
    }
    let outcome: CommitOutcome;
    try {
      // Writers retrying a plain rename may take the free name first.
      outcome = await renameIn(connection, fileId, target);
    } catch (error) {
      await renameHandle(connection, old.fileId, target.path, false).catch(() =>
        settings.defer({ kind: 'restore', from: aside, to: target.path }),
      );
      await closeQuietly(connection, old.fileId);
      throw error;
    }
    await setDeleteOnClose(connection, old.fileId, true).catch(() => settings.defer({ kind: 'delete', path: aside }));
    await closeQuietly(connection, old.fileId);
    return outcome;
  } finally {
    await closeQuietly(connection, mark);
  }
}

/**
 * Runs `find` (an open of `path` in `parent` under the stored name `name`); when it reports the
 * name missing while a swap of it is in progress, waits for the swap to end and runs it once
 * more. A miss is final only when no swap was in progress after it.
 */
export async function findDuringSwap<T>(
  connection: SmbConnection,
  parent: string,
  name: string,
  find: () => Promise<T>,
): Promise<T> {
  try {
    return await find();
  } catch (error) {
    if (!hasStatus(error, 'NT_STATUS_OBJECT_NAME_NOT_FOUND')) throw error;
    const mark = joinShare(parent, swapMarkOf(name));
    for (let waited = 0; waited < 2000; waited += 5) {
      const swapping = await openAttributes(connection, mark, { queryDiskId: false }).then(
        async (opened) => {
          await closeQuietly(connection, opened.fileId);
          return true;
        },
        (markError: unknown) => {
          if (hasStatus(markError, ...MISSING)) return false;
          if (markError instanceof SmbError && markError.kind === 'status') return true;
          throw markError;
        },
      );
      if (!swapping) break;
      await delay(5);
    }
    return await find();
  }
}
