import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { StowageError, type BackendEntry, type OperationOptions } from '@stowage/core';
import { errnoOf } from './errors.js';
import type { FileHandleLike, FileSystem } from './file-system.js';

const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A temp file opened for writing in the staging folder. */
export interface TempFile {
  readonly path: string;
  readonly handle: FileHandleLike;
}

/**
 * The staging folder: where writes build their temp files before the rename that commits them.
 * It lives inside the root, so the rename never crosses file systems, and is never listed.
 */
export class Staging {
  constructor(
    readonly path: string,
    private readonly fs: FileSystem,
  ) {}

  /**
   * Creates a temp file with a random 128-bit name, exclusively (`O_EXCL`, `O_NOFOLLOW`), readable
   * only by its owner until committed. A name collision (or a planted link) is met with a fresh
   * name, a few times.
   */
  async create(): Promise<TempFile> {
    let recreated = false;
    for (let attempt = 1; ; attempt++) {
      const path = join(this.path, `${randomBytes(16).toString('hex')}.tmp`);
      try {
        return { path, handle: await this.fs.open(path, CREATE_EXCLUSIVE, 0o600) };
      } catch (error) {
        const errno = errnoOf(error);
        if (errno === 'ENOENT' && !recreated) {
          await this.recreate();
          recreated = true;
        } else if (errno !== 'EEXIST' || attempt >= 5) {
          throw error;
        }
      }
    }
  }

  /**
   * Recreates a staging folder removed from under the backend: only the two levels the backend
   * owns, never the root (an unmounted share must not be written into its bare mount point),
   * and checked for a link like at startup.
   */
  private async recreate(): Promise<void> {
    for (const directory of [dirname(this.path), this.path]) {
      await this.fs.mkdir(directory, { recursive: false, mode: 0o700 }).catch((error: unknown) => {
        const errno = errnoOf(error);
        if (errno === 'ENOENT') throw new StowageError('STOWAGE_UNAVAILABLE', 'The backend root is gone', { cause: error });
        if (errno !== 'EEXIST') throw error;
      });
    }
    if ((await this.fs.realpath(this.path)) !== this.path) {
      throw new StowageError('STOWAGE_UNSAFE_PATH', 'The staging folder is a symbolic link');
    }
  }

  /**
   * Removes staging entries last modified more than `olderThanMs` ago: the leftovers of writes
   * interrupted by a crash or a failed cleanup. Resolves with how many were removed.
   */
  async sweep(olderThanMs: number, now: number = Date.now()): Promise<number> {
    return (await this.stale(now - olderThanMs, true)).length;
  }

  /**
   * The names of the staging entries last modified at or before `before` (epoch milliseconds),
   * removed first when `remove` is set. An entry that vanishes meanwhile (its writer finished)
   * is left out.
   */
  async stale(before: number, remove: boolean): Promise<string[]> {
    const names: string[] = [];
    for await (const entry of await this.fs.opendir(this.path)) {
      const path = join(this.path, entry.name);
      try {
        const stats = await this.fs.lstat(path);
        // Compared in whole milliseconds, like `before`: a file modified within that millisecond
        // is "at" it (its fractional mtime would otherwise count as after a `Date.now()` taken
        // later in the same millisecond, and a sweep of age 0 would keep a file it should drop).
        if (Math.floor(stats.mtimeMs) > before) continue;
        if (remove && stats.isDirectory()) await this.fs.rm(path, { recursive: true, force: true });
        else if (remove) await this.fs.unlink(path);
        names.push(entry.name);
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') throw error;
      }
    }
    return names.sort();
  }
}

/**
 * Bytes staged in a temp file of the staging folder, waiting for their final name (the local
 * backend's `stageWrite`): committed once, by `publish`, or discarded.
 *
 * Behavior: `commit` after a commit, a failed commit or a discard is `STOWAGE_INTERNAL` (after a
 * failed commit only `discard` is left); `discard` unlinks the temp file unless it was
 * committed, is idempotent and never rejects (a temp file that cannot be unlinked is the
 * sweep's).
 */
export class StagedFile {
  #state: 'staged' | 'committing' | 'committed' | 'failed' | 'discarded' = 'staged';

  constructor(
    /** The host path of the temp file. */
    readonly path: string,
    /** How many bytes were staged. */
    readonly size: number,
    private readonly fs: FileSystem,
    private readonly publish: (path: string, options?: OperationOptions) => Promise<BackendEntry>,
  ) {}

  /** Publishes the staged bytes at `path` (see the backend's `stageWrite`). */
  async commit(path: string, options?: OperationOptions): Promise<BackendEntry> {
    if (this.#state !== 'staged') throw new StowageError('STOWAGE_INTERNAL', `These staged bytes are ${this.#state}`);
    this.#state = 'committing';
    try {
      const entry = await this.publish(path, options);
      this.#state = 'committed';
      return entry;
    } catch (error) {
      this.#state = 'failed';
      throw error;
    }
  }

  /** Drops the staged bytes unless they were committed. */
  async discard(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'committing' || this.#state === 'discarded') return;
    this.#state = 'discarded';
    await this.fs.unlink(this.path).catch(() => undefined);
  }
}
