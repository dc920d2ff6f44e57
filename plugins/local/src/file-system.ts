import type { Dirent, Stats } from 'node:fs';
import { promises as fsp } from 'node:fs';

/** The subset of a `FileHandle` the local backend uses. */
export interface FileHandleLike {
  /**
   * The descriptor, when the handle has a real one (Node's `FileHandle` does; `-1` once
   * closed). Readers may then read it with the callback `fs.read` instead of `read` (a faster
   * path), and close the handle only once no such read is in flight. A handle without one (an
   * instrumented or fault-injecting wrapper) is read through `read` only.
   */
  readonly fd?: number;
  /** Positional read (`pread`). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  /** Positional write (`pwrite`); may write fewer bytes than asked. */
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
  /** `fsync`. */
  sync(): Promise<void>;
  /** `fstat`. */
  stat(): Promise<Stats>;
  /** `fchmod`. */
  chmod(mode: number): Promise<void>;
  /** Closes the descriptor; waits for operations in flight. */
  close(): Promise<void>;
}

/**
 * The file-system calls the local backend makes, and nothing else: the seam through which tests
 * inject faults (ENOSPC on a write, EIO on an fsync, EXDEV on a rename, EMFILE on an open) and
 * through which a deployment may substitute an instrumented implementation. The default is
 * {@link nodeFileSystem}, Node's `fs.promises`.
 */
export interface FileSystem {
  open(path: string, flags: number, mode?: number): Promise<FileHandleLike>;
  lstat(path: string): Promise<Stats>;
  realpath(path: string): Promise<string>;
  /** Resolves, when `recursive`, with the first directory created (`undefined` when none was). */
  mkdir(path: string, options: { recursive: boolean; mode: number }): Promise<string | undefined>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  /** Removes a tree without following symbolic links. */
  rm(path: string, options: { recursive: true; force: true }): Promise<void>;
  /** Iterates a directory's entries; the iterator closes the directory when it ends or is returned. */
  opendir(path: string): Promise<AsyncIterable<Dirent>>;
}

/** {@link FileSystem} on Node's `fs.promises`. */
export const nodeFileSystem: FileSystem = Object.freeze({
  open: (path: string, flags: number, mode?: number) => fsp.open(path, flags, mode),
  lstat: (path: string) => fsp.lstat(path),
  realpath: (path: string) => fsp.realpath(path),
  mkdir: (path: string, options: { recursive: boolean; mode: number }) =>
    fsp.mkdir(path, options) as Promise<string | undefined>,
  rename: (from: string, to: string) => fsp.rename(from, to),
  unlink: (path: string) => fsp.unlink(path),
  rmdir: (path: string) => fsp.rmdir(path),
  rm: (path: string, options: { recursive: true; force: true }) => fsp.rm(path, options),
  opendir: (path: string) => fsp.opendir(path, { bufferSize: 128 }),
});
