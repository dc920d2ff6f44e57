import { constants, type Stats } from 'node:fs';
import { dirname, relative } from 'node:path';
import {
  defineCapabilities,
  destroyOnAbort,
  normalizePath,
  resolveReadRange,
  StowageError,
  throwIfAborted,
  withErrorContext,
  type Backend,
  type BackendEntry,
  type BackendInfo,
  type BackendOperation,
  type ByteSource,
  type Capabilities,
  type DeleteOptions,
  type ErrorContext,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type ReadResult,
  type StowageErrorCode,
  type WriteOptions,
} from '@stowage/core';
import { atomicWrite, makeDurable, publishStaged, stageBytes, type StagedTemp } from './atomic-write.js';
import { isReserved, RESERVED_SEGMENT, type ContainedRoot } from './containment.js';
import { createDirectories, removeCreated } from './directories.js';
import { UnsyncedDirectories } from './unsynced-directories.js';
import { entryFromStats } from './entries.js';
import { errnoOf, mapFsError } from './errors.js';
import type { FileSystem } from './file-system.js';
import { listTree } from './list-tree.js';
import type { ResolvedLocalOptions } from './options.js';
import { FileRangeReadable } from './range-readable.js';
import { StagedFile, type Staging } from './staging.js';

const OPEN_FOR_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** A missing path, or one below a file: "not found" for reads, nothing to do for deletes. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/** File-system codes that mean "a file is in the way" when creating directories. */
const FILE_IN_THE_WAY: Readonly<Record<string, StowageErrorCode>> = {
  EEXIST: 'STOWAGE_NOT_A_DIRECTORY',
  ENOTDIR: 'STOWAGE_NOT_A_DIRECTORY',
};

/**
 * The local-disk backend. See the package README for the layout, the commit protocol and the
 * containment rules; every method follows the `Backend` contract of `@stowage/core`.
 */
export class LocalBackend implements Backend {
  readonly info: BackendInfo;
  readonly capabilities: Capabilities = defineCapabilities({
    readWithRange: true,
    writeIsAtomic: true,
    statHasEtag: true,
    statHasModifiedAt: true,
    // File times come from the kernel's coarse clock, which ticks every 1-10 ms.
    modifiedAtPrecisionMs: 10,
    copy: true,
    rename: true,
    localPath: true,
  });

  private readonly fs: FileSystem;
  /** Directories this backend created whose entries are not durable yet. */
  private readonly unsynced: UnsyncedDirectories;

  constructor(
    private readonly options: ResolvedLocalOptions,
    private readonly root: ContainedRoot,
    private readonly staging: Staging,
  ) {
    this.fs = options.fs;
    this.unsynced = new UnsyncedDirectories(root.path);
    this.info = Object.freeze({ scheme: 'file', name: options.name, root: root.path });
  }

  /**
   * Removes temp files older than `olderThanMs` from the staging folder: leftovers of writes a
   * crash interrupted. Runs once at startup; call it periodically on long-lived servers.
   * @returns how many were removed.
   */
  sweepStaging(olderThanMs: number = this.options.staleTempAfterMs): Promise<number> {
    return this.staging.sweep(olderThanMs).catch((error: unknown) => {
      throw mapFsError(error, { backend: this.info.name });
    });
  }

  /**
   * The temp files of the staging folder last modified before `olderThan`, as paths relative
   * to the root (`.stowage/staging/<name>`), removed first with `remove`: the `StagingBackend`
   * extension fsck uses to report and repair what {@link sweepStaging} would remove.
   */
  staleStagedWrites(olderThan: Date, options: { readonly remove: boolean }): Promise<readonly string[]> {
    const folder = relative(this.root.path, this.staging.path);
    return this.staging.stale(olderThan.getTime(), options.remove).then(
      (names) => names.map((name) => `${folder}/${name}`),
      (error: unknown) => {
        throw mapFsError(error, { backend: this.info.name });
      },
    );
  }

  stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('stat', path, options, true, async (key, host) => {
      if (key !== '') await this.checkParentForRead(host);
      const stats = await this.fs.lstat(host).catch((error: unknown) => this.absentAs(error, 'STOWAGE_NOT_FOUND'));
      return this.checkedEntry(key, stats);
    });
  }

  read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    return this.run('read', path, options, false, (key, host, context) => this.open(key, host, options, context));
  }

  write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    return this.run('write', path, options, false, (key, host, context) => this.writeAt(key, host, source, options, context));
  }

  /**
   * Writes `source` to a fsynced temp file of the staging folder and resolves with a
   * {@link StagedFile} that publishes it later, once, at a path chosen when the bytes are known
   * (`commit`: parents created, `rename`, directory `fsync`), or drops it (`discard`). This is
   * the `StagingBackend` extension the put pipeline of `@stowage/core` uses for one write and one
   * rename per blob. The source is checked as by {@link write}; a failure leaves nothing. A
   * staged file that a crash leaves behind is removed by {@link sweepStaging}.
   */
  stageWrite(source: ByteSource, options: WriteOptions = {}): Promise<StagedFile> {
    const context: ErrorContext = { backend: this.info.name, operation: 'write' };
    return withErrorContext(context, async () => {
      try {
        throwIfAborted(options.signal, context);
        const temp = await stageBytes({ fs: this.fs, staging: this.staging, fileMode: this.options.fileMode, context }, source, options);
        return new StagedFile(temp.path, temp.stats.size, this.fs, (path, commitOptions) => this.commitStaged(temp, path, commitOptions));
      } catch (error) {
        if (error instanceof TypeError) throw error;
        throw mapFsError(error, context);
      }
    });
  }

  async *list(path: string, options: ListOptions = {}): AsyncGenerator<BackendEntry> {
    const context: ErrorContext = { backend: this.info.name, operation: 'list' };
    let key: string;
    let host: string;
    try {
      key = this.keyOf(path, 'list', true);
      host = this.root.hostPath(key);
    } catch (error) {
      throw mapFsError(error, context);
    }
    const located = { ...context, path: key };
    try {
      if (key !== '' && !(await this.root.checkDirectory(host))) return;
      throwIfAborted(options.signal, located);
      for await (const entry of listTree(this.fs, this.root.path, host, key, options.recursive === true)) {
        throwIfAborted(options.signal, located);
        yield entry;
      }
    } catch (error) {
      const errno = errnoOf(error);
      if (errno === 'ENOENT') return;
      if (errno === 'ENOTDIR') {
        // A file at the path itself is an error; a file among its parents means no such directory.
        const stats = await this.fs.lstat(host).catch(() => undefined);
        if (stats?.isDirectory() !== false) return;
      }
      throw mapFsError(error, located);
    }
  }

  delete(path: string, options: DeleteOptions = {}): Promise<void> {
    return this.run('delete', path, options, false, async (_key, host) => {
      try {
        await this.root.checkDirectory(dirname(host));
        const stats = await this.fs.lstat(host);
        if (!stats.isDirectory()) await this.fs.unlink(host);
        else if (options.recursive === true) await this.fs.rm(host, { recursive: true, force: true });
        else await this.fs.rmdir(host).catch((error: unknown) => {
          throw mapFsError(error, {}, { EEXIST: 'STOWAGE_DIRECTORY_NOT_EMPTY' });
        });
      } catch (error) {
        if (!ABSENT.has(errnoOf(error) ?? '')) throw error;
      }
    });
  }

  createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.run('createDir', path, options, true, async (_key, host, context) => {
      await this.makeDirectories(host);
      await makeDurable(this.fs, { changed: [], within: [host] }, this.unsynced, context);
    });
  }

  copy(from: string, to: string, options: OperationOptions = {}): Promise<BackendEntry> {
    return this.run('copy', from, options, false, async (key, host, context) => {
      const targetKey = this.keyOf(to, 'copy', false);
      const source = await this.open(key, host, options, context);
      try {
        return await this.writeAt(targetKey, this.root.hostPath(targetKey), source.stream, options, context);
      } finally {
        source.stream.destroy();
      }
    });
  }

  rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('rename', from, options, false, async (key, host, context) => {
      const targetKey = this.keyOf(to, 'rename', false);
      const target = this.root.hostPath(targetKey);
      await this.checkParent(host, 'STOWAGE_NOT_FOUND');
      const stats = await this.fs.lstat(host).catch((error: unknown) => this.absentAs(error, 'STOWAGE_NOT_FOUND'));
      const entry = this.checkedEntry(key, stats);
      if (entry.kind === 'directory') throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
      if (targetKey === key) return entry;
      const created = await this.makeDirectories(dirname(target));
      try {
        await this.fs.rename(host, target);
      } catch (error) {
        await removeCreated(this.fs, created);
        this.unsynced.forget(created);
        throw error;
      }
      await makeDurable(this.fs, { changed: [dirname(target), dirname(host)], within: [dirname(target)] }, this.unsynced, context);
      return entryFromStats(targetKey, stats);
    });
  }

  localPath(path: string, options?: OperationOptions): Promise<string> {
    return this.run('localPath', path, options, false, async (key, host) => {
      await this.checkParent(host, 'STOWAGE_NOT_FOUND');
      const stats = await this.fs.lstat(host).catch((error: unknown) => this.absentAs(error, 'STOWAGE_NOT_FOUND'));
      if (this.checkedEntry(key, stats).kind === 'directory') {
        throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
      }
      return host;
    });
  }

  /** `checkParent` for reads (`stat`, `read`, `copy`'s source): a folder verified moments ago is trusted. */
  private async checkParentForRead(host: string): Promise<void> {
    const exists = await this.root
      .checkRecentDirectory(dirname(host))
      .catch((error: unknown) => this.absentAs(error, 'STOWAGE_NOT_FOUND'));
    if (!exists) throw new StowageError('STOWAGE_NOT_FOUND', 'No such file or directory');
  }

  /** Opens the file at `key` for a ranged read; shared by `read` and `copy`. */
  private async open(key: string, host: string, options: ReadOptions, context: ErrorContext): Promise<ReadResult> {
    await this.checkParentForRead(host);
    const handle = await this.fs
      .open(host, OPEN_FOR_READ)
      .catch((error: unknown) => this.absentAs(error, 'STOWAGE_NOT_FOUND'));
    try {
      const entry = this.checkedEntry(key, await handle.stat());
      if (entry.kind === 'directory') throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
      const range = resolveReadRange(options.range, entry.size);
      throwIfAborted(options.signal, context);
      const stream = new FileRangeReadable(handle, range.offset, range.length, context);
      return { entry, stream: destroyOnAbort(stream, options.signal, context), ...range };
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Writes `source` at `key` with the commit protocol. The parent is checked before the bytes
   * are read (a link, a file in the way, a directory at `key` fail fast) but only created just
   * before the commit, so a failed write leaves no new directory behind.
   */
  private async writeAt(
    key: string,
    host: string,
    source: ByteSource,
    options: WriteOptions,
    context: ErrorContext,
  ): Promise<BackendEntry> {
    const parent = dirname(host);
    await this.checkWriteTarget(host);
    return atomicWrite(
      {
        fs: this.fs,
        staging: this.staging,
        key,
        hostPath: host,
        fileMode: this.options.fileMode,
        context,
        prepareDirectory: () => this.makeDirectories(parent),
        unsynced: this.unsynced,
      },
      source,
      options,
    );
  }

  /** Publishes a staged temp file at `path` (the commit of a {@link StagedFile}). */
  private commitStaged(temp: StagedTemp, path: string, options: OperationOptions = {}): Promise<BackendEntry> {
    return this.run('write', path, options, false, async (key, host, context) => {
      // A directory at `host` makes the rename fail with EISDIR (IS_A_DIRECTORY): no lstat needed.
      const parentExists = await this.checkWriteTarget(host, false);
      const prepareDirectory = async (): Promise<string[]> => (parentExists ? [] : this.makeDirectories(dirname(host), true));
      await publishStaged({ fs: this.fs, hostPath: host, prepareDirectory, unsynced: this.unsynced, signal: options.signal, context }, temp);
      return entryFromStats(key, temp.stats);
    });
  }

  /**
   * Checks where a file is about to be written: a link or a file among the parents, or (with
   * `lookAtTarget`) a directory at `host`, fail before any byte is committed. Resolves with
   * whether the parent exists (it may still be missing).
   */
  private async checkWriteTarget(host: string, lookAtTarget = true): Promise<boolean> {
    const parentExists = await this.root.checkDirectory(dirname(host)).catch((error: unknown) => {
      throw mapFsError(error, {}, FILE_IN_THE_WAY);
    });
    if (!parentExists || !lookAtTarget) return parentExists;
    const existing = await this.fs.lstat(host).catch((error: unknown) => {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (existing?.isDirectory() === true) throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
    return true;
  }

  /**
   * Creates `host` and its missing parents; resolves with the directories created, which stay
   * {@link unsynced} until a sync of their holders succeeds. `checked`: the caller has just seen
   * `host` missing with its existing ancestors link-free.
   */
  private async makeDirectories(host: string, checked = false): Promise<string[]> {
    try {
      const created = await createDirectories(this.fs, this.root, host, this.options.directoryMode, checked);
      this.unsynced.add(created);
      return created;
    } catch (error) {
      throw mapFsError(error, {}, FILE_IN_THE_WAY);
    }
  }

  /** Checks the parent of `host`; a missing parent (or a file among them) becomes `absent`. */
  private async checkParent(host: string, absent: StowageErrorCode): Promise<void> {
    const exists = await this.root.checkDirectory(dirname(host)).catch((error: unknown) => this.absentAs(error, absent));
    if (!exists) throw new StowageError(absent, 'No such file or directory');
  }

  /** Rethrows a missing-path error as `code`, anything else as mapped. */
  private absentAs(error: unknown, code: StowageErrorCode): never {
    if (ABSENT.has(errnoOf(error) ?? '')) throw new StowageError(code, 'No such file or directory', { cause: error });
    throw error;
  }

  /** The entry of a file or directory; anything else (a link, a device) is refused. */
  private checkedEntry(key: string, stats: Stats): BackendEntry {
    if (stats.isFile() || stats.isDirectory()) return entryFromStats(key, stats);
    throw new StowageError('STOWAGE_UNSAFE_PATH', 'Not a regular file or directory');
  }

  private keyOf(path: string, operation: BackendOperation, allowRoot: boolean): string {
    const key = normalizePath(path, { allowRoot, operation, backend: this.info.name });
    if (isReserved(key)) {
      throw new StowageError('STOWAGE_INVALID_PATH', `Invalid path: ${RESERVED_SEGMENT} is reserved by the local backend`);
    }
    return key;
  }

  private run<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    allowRoot: boolean,
    body: (key: string, host: string, context: ErrorContext) => Promise<T>,
  ): Promise<T> {
    const base = { backend: this.info.name, operation };
    return withErrorContext(base, async () => {
      const key = this.keyOf(path, operation, allowRoot);
      const context = { ...base, path: key };
      try {
        throwIfAborted(options?.signal, context);
        return await body(key, this.root.hostPath(key), context);
      } catch (error) {
        if (error instanceof TypeError) throw error;
        throw mapFsError(error, context);
      }
    });
  }
}
