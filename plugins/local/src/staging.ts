import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { StowageError } from '@stowage/core';
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
    let removed = 0;
    for await (const entry of await this.fs.opendir(this.path)) {
      const path = join(this.path, entry.name);
      try {
        const stats = await this.fs.lstat(path);
        if (stats.mtimeMs > now - olderThanMs) continue;
        if (stats.isDirectory()) await this.fs.rm(path, { recursive: true, force: true });
        else await this.fs.unlink(path);
        removed += 1;
      } catch (error) {
        if (errnoOf(error) !== 'ENOENT') throw error;
      }
    }
    return removed;
  }
}
