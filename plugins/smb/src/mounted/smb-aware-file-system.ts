import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { nodeFileSystem, type FileSystem } from '@stowage/local';
import { PRIVATE_PREFIX } from '../name-encoding.js';

/** Options of {@link smbAwareFileSystem}. */
export interface SmbAwareFileSystemOptions {
  /** Tries of a rename refused with `EBUSY`, `EACCES`, `EPERM` or `ETXTBSY` before giving up or swapping. @defaultValue 6 */
  readonly renameAttempts?: number;
  /** The first wait between tries; it doubles each time. @defaultValue 25 */
  readonly renameRetryDelayMs?: number;
}

/** `errno` names a CIFS mount reports when the SMB server refuses a rename because a file is in use. */
export const IN_USE = new Set(['EBUSY', 'EACCES', 'EPERM', 'ETXTBSY']);

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

async function exists(fs: FileSystem, path: string): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * A file system for a share mounted with CIFS, around `inner` (Node's by default): `rename` is
 * SMB-aware. An SMB server refuses to replace (or rename) a file another client holds open (a
 * download by nginx, an indexer, antivirus): the mount reports `EBUSY`, `EACCES` or `EPERM`. The
 * rename is retried with a doubling wait; if the target still cannot be replaced, the old file
 * is renamed aside (`.%-old-<random>` in the same folder, which open handles survive), the new
 * one renamed in, and the old one unlinked (the server deletes it when its last reader closes).
 * Readers that open the name between the two renames find nothing; readers already reading keep
 * the old bytes. Other calls pass through.
 */
export function smbAwareFileSystem(inner: FileSystem = nodeFileSystem, options: SmbAwareFileSystemOptions = {}): FileSystem {
  const attempts = options.renameAttempts ?? 6;
  const firstDelayMs = options.renameRetryDelayMs ?? 25;
  const rename = async (from: string, to: string): Promise<void> => {
    let wait = firstDelayMs;
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await inner.rename(from, to);
        return;
      } catch (error) {
        if (!IN_USE.has(errnoOf(error) ?? '')) throw error;
        last = error;
      }
      if (attempt < attempts) await delay(wait);
      wait *= 2;
    }
    if (!(await exists(inner, to))) throw last;
    const aside = join(dirname(to), `${PRIVATE_PREFIX}old-${randomBytes(16).toString('hex')}`);
    await inner.rename(to, aside);
    try {
      await inner.rename(from, to);
    } catch (error) {
      await inner.rename(aside, to).catch(() => undefined);
      throw error;
    }
    await inner.unlink(aside).catch(() => undefined);
  };
  return Object.freeze({
    open: (path: string, flags: number, mode?: number) => inner.open(path, flags, mode),
    lstat: (path: string) => inner.lstat(path),
    realpath: (path: string) => inner.realpath(path),
    mkdir: (path: string, mkdirOptions: { recursive: boolean; mode: number }) => inner.mkdir(path, mkdirOptions),
    rename,
    unlink: (path: string) => inner.unlink(path),
    rmdir: (path: string) => inner.rmdir(path),
    rm: (path: string, rmOptions: { recursive: true; force: true }) => inner.rm(path, rmOptions),
    opendir: (path: string) => inner.opendir(path),
  });
}
