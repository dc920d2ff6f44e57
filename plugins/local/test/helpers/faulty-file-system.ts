import type { Dirent, Stats } from 'node:fs';
import { nodeFileSystem, type FileHandleLike, type FileSystem } from '../../src/index.js';

/** The calls the seam can fail: file-system functions and file-handle methods. */
export type FsCall =
  | 'open'
  | 'lstat'
  | 'realpath'
  | 'mkdir'
  | 'rename'
  | 'unlink'
  | 'rmdir'
  | 'rm'
  | 'opendir'
  | 'handle.read'
  | 'handle.write'
  | 'handle.sync'
  | 'handle.stat'
  | 'handle.chmod'
  | 'handle.close';

/** A fault: which call fails, with which `errno`, and when; or a hook run before a call. */
export interface Fault {
  /** The call to fail; `*` counts every call. */
  readonly call: FsCall | '*';
  /** The `errno` to fail with; without one the call proceeds after `before` ran. */
  readonly code?: string;
  /** Runs just before the matching call (to abort a signal at an exact step, say). */
  readonly before?: () => void;
  /** Fail only calls whose path matches (for handle methods: the path the handle was opened with). */
  readonly path?: RegExp;
  /** Fail the n-th matching call, counting from 1. @defaultValue 1 */
  readonly nth?: number;
  /** Keep failing every matching call from the n-th on. @defaultValue false */
  readonly persistent?: boolean;
}

function errnoError(code: string, call: FsCall, path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected fault, ${call} '${path}'`);
  error.code = code;
  error.syscall = call;
  error.path = path;
  return error;
}

/**
 * Wraps a {@link FileSystem} so that chosen calls fail with chosen `errno` codes (SQLite's
 * fault-injecting VFS, for Node), and records every call.
 */
export class FaultyFileSystem implements FileSystem {
  readonly log: Array<{ call: FsCall; path: string }> = [];
  private readonly counts = new Map<Fault, number>();
  private faults: Fault[] = [];

  constructor(private readonly base: FileSystem = nodeFileSystem) {}

  /** Replaces the active faults. */
  inject(...faults: Fault[]): this {
    this.faults = faults;
    this.counts.clear();
    return this;
  }

  /** Removes every fault. */
  heal(): this {
    return this.inject();
  }

  /** How many calls were made since the last `resetLog`. */
  get callCount(): number {
    return this.log.length;
  }

  resetLog(): void {
    this.log.length = 0;
  }

  private check(call: FsCall, path: string): void {
    this.log.push({ call, path });
    for (const fault of this.faults) {
      if ((fault.call !== '*' && fault.call !== call) || (fault.path !== undefined && !fault.path.test(path))) continue;
      const count = (this.counts.get(fault) ?? 0) + 1;
      this.counts.set(fault, count);
      const nth = fault.nth ?? 1;
      if (count !== nth && !(fault.persistent === true && count > nth)) continue;
      fault.before?.();
      if (fault.code !== undefined) throw errnoError(fault.code, call, path);
    }
  }

  private async run<T>(call: FsCall, path: string, action: () => Promise<T>): Promise<T> {
    this.check(call, path);
    return action();
  }

  async open(path: string, flags: number, mode?: number): Promise<FileHandleLike> {
    const handle = await this.run('open', path, () => this.base.open(path, flags, mode));
    const wrap =
      <A extends unknown[], R>(call: FsCall, method: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        this.run(call, path, () => method(...args));
    return {
      read: wrap('handle.read', handle.read.bind(handle)),
      write: wrap('handle.write', handle.write.bind(handle)),
      sync: wrap('handle.sync', handle.sync.bind(handle)),
      stat: wrap('handle.stat', handle.stat.bind(handle)),
      chmod: wrap('handle.chmod', handle.chmod.bind(handle)),
      close: async () => {
        // A failed close still releases the descriptor, as close(2) does.
        await handle.close();
        this.check('handle.close', path);
      },
    };
  }

  lstat(path: string): Promise<Stats> {
    return this.run('lstat', path, () => this.base.lstat(path));
  }

  realpath(path: string): Promise<string> {
    return this.run('realpath', path, () => this.base.realpath(path));
  }

  mkdir(path: string, options: { recursive: boolean; mode: number }): Promise<string | undefined> {
    return this.run('mkdir', path, () => this.base.mkdir(path, options));
  }

  rename(from: string, to: string): Promise<void> {
    return this.run('rename', `${from} -> ${to}`, () => this.base.rename(from, to));
  }

  unlink(path: string): Promise<void> {
    return this.run('unlink', path, () => this.base.unlink(path));
  }

  rmdir(path: string): Promise<void> {
    return this.run('rmdir', path, () => this.base.rmdir(path));
  }

  rm(path: string, options: { recursive: true; force: true }): Promise<void> {
    return this.run('rm', path, () => this.base.rm(path, options));
  }

  opendir(path: string): Promise<AsyncIterable<Dirent>> {
    return this.run('opendir', path, () => this.base.opendir(path));
  }
}
