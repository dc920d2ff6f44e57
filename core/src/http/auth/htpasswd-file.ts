import { readFileSync, statSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { StowageError } from '../../stowage-error.js';
import { parseHtpasswd, type HtpasswdTable } from './htpasswd-table.js';
import { invalidAuthConfig } from './unauthenticated.js';

/** Options of {@link createHtpasswdFile}. */
export interface HtpasswdFileOptions {
  /** The htpasswd file. */
  readonly file: string;
  /** How often, at most, the file is stat'ed for changes. @default 1000 */
  readonly checkIntervalMs?: number;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** An htpasswd file kept in step with the disk. */
export interface HtpasswdFile {
  /**
   * The current table. Stats the file at most once per check interval and re-reads it when its
   * mtime, size or inode changed. While the file is missing or invalid after a change, rejects
   * with `STOWAGE_UNAVAILABLE` (fail closed: no stale credentials), `cause` holding the reason;
   * the next check after the interval tries again.
   */
  current(): Promise<HtpasswdTable>;
}

/**
 * Loads `options.file` at once (synchronously: this runs at startup) and watches it by mtime.
 * Throws `STOWAGE_INVALID_CONFIG` naming `file` when it cannot be read or holds an invalid line.
 */
export function createHtpasswdFile(options: HtpasswdFileOptions): HtpasswdFile {
  const { file } = options;
  const now = options.now ?? Date.now;
  const interval = options.checkIntervalMs ?? 1000;
  let version: string;
  let table: HtpasswdTable;
  try {
    version = versionOf(statSync(file));
    table = parseHtpasswd(readFileSync(file, 'utf8'), 'file');
  } catch (error) {
    if (error instanceof StowageError) throw error;
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'Invalid authentication option "file": cannot be read', {
      cause: error,
    });
  }
  let checkedAt = now();
  let failure: StowageError | undefined;
  let inFlight: Promise<HtpasswdTable> | undefined;

  async function refresh(): Promise<HtpasswdTable> {
    try {
      const stats = await stat(file);
      const next = versionOf(stats);
      if (next !== version || failure !== undefined) {
        const contents = await readFile(file, 'utf8');
        table = parseHtpasswd(contents, 'file');
        version = next;
        failure = undefined;
      }
      return table;
    } catch (error) {
      failure = new StowageError('STOWAGE_UNAVAILABLE', 'The htpasswd file cannot be used', {
        cause: error instanceof StowageError ? error : invalidAuthConfig('file', 'cannot be read'),
      });
      throw failure;
    }
  }

  return {
    current() {
      if (inFlight !== undefined) return inFlight;
      if (now() - checkedAt < interval) return failure === undefined ? Promise.resolve(table) : Promise.reject(failure);
      checkedAt = now();
      inFlight = refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

function versionOf(stats: Stats): string {
  return `${stats.mtimeMs}:${stats.size}:${stats.ino}`;
}
