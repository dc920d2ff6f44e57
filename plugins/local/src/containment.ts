import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { StowageError } from '@stowage/core';
import { errnoOf } from './errors.js';
import type { FileSystem } from './file-system.js';

/** The first segment reserved for the backend's own bookkeeping (the staging folder). */
export const RESERVED_SEGMENT = '.stowage';

/**
 * Whether a normalized key falls in the reserved first segment, compared without regard to case
 * (ASCII and Unicode folding both), since a case-insensitive mount (CIFS, macOS) would otherwise
 * let `.STOWAGE/staging` reach the staging folder.
 */
export function isReserved(key: string): boolean {
  const first = key.split('/', 1)[0] ?? '';
  return first.toLowerCase() === RESERVED_SEGMENT || first.toUpperCase() === RESERVED_SEGMENT.toUpperCase();
}

/**
 * Whether `candidate` lies strictly inside `directory`, decided with `path.relative` and never
 * with a string prefix, so `/srv/media-evil` is not inside `/srv/media` (CVE-2014-6394).
 */
export function isInside(directory: string, candidate: string): boolean {
  if (candidate.includes('\0')) return false;
  const rel = relative(directory, candidate);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * Maps normalized backend keys to host paths under one real root directory, and checks, before
 * each use, that no existing component of a path is a symbolic link.
 *
 * The check compares the `realpath` of the deepest existing directory with the path itself:
 * they differ exactly when a symbolic link (planted inside the root, or the root's own parents
 * swapped) is on the way. Final components are opened with `O_NOFOLLOW` by the callers.
 * A race in which something swaps a checked directory for a link between the check and the use
 * needs write access inside the root; the check is defense in depth, not a sandbox.
 *
 * Reads may use {@link checkRecentDirectory}, which remembers directories found clean for
 * `verifiedForMs` (1 s by default) instead of a `realpath` per read. That widens the race above
 * from the microseconds between a check and an open to at most `verifiedForMs`, for the same
 * attacker (one who can already write inside the root); what the check guards stays guarded:
 * the final component is still opened with `O_NOFOLLOW` and must be a regular file, a directory
 * found missing or unsafe is never remembered, and a swap is caught by the first check after the
 * memory lapses. Writes, listings and removals always check afresh.
 */
export class ContainedRoot {
  /** Directories found to exist without links, by host path, with when (oldest first). */
  private readonly verified = new Map<string, number>();

  constructor(
    /** The root's real path (no symbolic links). */
    readonly path: string,
    private readonly fs: FileSystem,
    /** How long {@link checkRecentDirectory} trusts a directory it found clean; 0 turns it off. */
    private readonly verifiedForMs = 1000,
    /** The clock (milliseconds, monotonic). */
    private readonly now: () => number = () => performance.now(),
    /** How many directories are remembered at most. */
    private readonly maxVerified = 4096,
  ) {}

  /** The host path of a normalized key (`""` is the root itself). */
  hostPath(key: string): string {
    if (key === '') return this.path;
    const host = join(this.path, ...key.split('/'));
    if (!isInside(this.path, host)) {
      throw new StowageError('STOWAGE_UNSAFE_PATH', 'The path resolves outside the backend root');
    }
    return host;
  }

  /**
   * Checks that the directory `hostDirectory`, or its deepest existing ancestor inside the
   * root, is a directory reached without symbolic links. Resolves with whether `hostDirectory`
   * itself exists. (`realpath` of the path with a trailing slash fails with `ENOTDIR` on a file,
   * so one call checks both the links and the kind.)
   *
   * @throws StowageError `STOWAGE_UNSAFE_PATH`; the file system's error when that directory or a
   *   component is a file (`ENOTDIR`) or unreadable.
   */
  async checkDirectory(hostDirectory: string): Promise<boolean> {
    for (let directory = hostDirectory; directory !== this.path; directory = dirname(directory)) {
      if (!isInside(this.path, directory)) {
        throw new StowageError('STOWAGE_UNSAFE_PATH', 'The path resolves outside the backend root');
      }
      let real: string;
      try {
        real = await this.fs.realpath(`${directory}${sep}`);
      } catch (error) {
        if (errnoOf(error) === 'ENOENT') continue;
        throw error;
      }
      if (real !== directory) {
        throw new StowageError('STOWAGE_UNSAFE_PATH', 'A directory on the path is a symbolic link');
      }
      return directory === hostDirectory;
    }
    return hostDirectory === this.path;
  }

  /**
   * {@link checkDirectory} for reads: a directory found to exist without links less than
   * `verifiedForMs` ago is trusted without a new `realpath` (see the class notes for why that is
   * safe enough); anything else is checked, and remembered when clean.
   *
   * @throws as {@link checkDirectory}.
   */
  async checkRecentDirectory(hostDirectory: string): Promise<boolean> {
    const now = this.now();
    const at = this.verified.get(hostDirectory);
    if (at !== undefined && now - at < this.verifiedForMs) return true;
    const exists = await this.checkDirectory(hostDirectory);
    if (exists && this.verifiedForMs > 0) this.remember(hostDirectory, now);
    return exists;
  }

  /** Records `hostDirectory` as clean at `at`, dropping lapsed and, past the bound, oldest entries. */
  private remember(hostDirectory: string, at: number): void {
    this.verified.delete(hostDirectory);
    for (const [directory, since] of this.verified) {
      if (this.verified.size < this.maxVerified && at - since < this.verifiedForMs) break;
      this.verified.delete(directory);
    }
    this.verified.set(hostDirectory, at);
  }
}
