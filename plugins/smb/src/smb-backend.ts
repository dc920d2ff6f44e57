import {
  defineCapabilities,
  isStowageError,
  normalizePath,
  releaseSource,
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
import { ensureDirectories, removeCreated } from './directories.js';
import { entryOf, isDirectory } from './entries.js';
import { mapSmbError } from './errors.js';
import { listTree } from './list-tree.js';
import { lookUp, statIfPresent } from './lookup.js';
import { moveFile } from './move-file.js';
import { RESERVED_FIRST_SEGMENT } from './name-encoding.js';
import { openRead, type ReadSettings } from './open-read.js';
import type { ResolvedSmbOptions } from './options.js';
import { removePath } from './remove.js';
import { ShareLayout, type StoredPath, type StoredSegment } from './share-layout.js';
import { ShareSession } from './share-session.js';
import { sweepPrivateFiles } from './sweep.js';
import { upload, type UploadSettings } from './upload.js';
import { closeQuietly, freeBytesOf, openDirectory, statPath } from './wire/share-operations.js';

/** Below a file, or missing: "not found" for lookups. */
const LOOKUP: Readonly<Record<string, StowageErrorCode>> = { NT_STATUS_NOT_A_DIRECTORY: 'STOWAGE_NOT_FOUND' };
const LOOKUP_OPERATIONS = new Set<BackendOperation>(['stat', 'read', 'copy', 'rename', 'delete']);

/**
 * The SMB backend: keys on an SMB2 share, spoken from Node. See the package README for the name
 * encoding, the commit protocol, the connection handling and the error table; every method
 * follows the `Backend` contract of `@stowage/core`.
 */
export class SmbBackend implements Backend {
  readonly info: BackendInfo;
  readonly capabilities: Capabilities = defineCapabilities({
    readWithRange: true,
    writeIsAtomic: true,
    statHasEtag: true,
    statHasModifiedAt: true,
    // The server stamps files from its kernel's coarse clock (1-10 ms ticks).
    modifiedAtPrecisionMs: 10,
    copy: true,
    rename: true,
    close: true,
  });

  private readonly session: ShareSession;
  private readonly layout: ShareLayout;
  private closed = false;
  private openReads = 0;

  constructor(private readonly options: ResolvedSmbOptions) {
    this.session = new ShareSession(options);
    this.layout = new ShareLayout(options.root);
    const root = ['', ...options.root].join('/');
    this.info = Object.freeze({ scheme: 'smb', name: options.name, root: `//${options.host}:${String(options.port)}/${options.share}${root}` });
  }

  /** Read streams whose SMB handle is still open (they close it when they end or are destroyed). */
  get openHandles(): number {
    return this.openReads;
  }

  /** Cleanups of partial uploads owed after broken connections, done on the next connection. */
  get pendingCleanups(): number {
    return this.session.pendingCleanups;
  }

  /** Live pooled connections. */
  get connections(): number {
    return this.session.pool.size;
  }

  /**
   * Checks (and with `createRoot` creates) the root folder. Run by `createSmbBackend`.
   *
   * @throws StowageError `STOWAGE_INVALID_CONFIG` (the root is missing or a file), or the mapped
   *   connection failure.
   */
  async prepare(): Promise<void> {
    const context: ErrorContext = { backend: this.info.name };
    await this.session
      .run(false, async (connection) => {
        const segments: StoredSegment[] = [];
        let parent = '';
        for (const name of this.options.root) {
          const path = parent === '' ? name : `${parent}\\${name}`;
          segments.push({ segment: name, name, long: false, parent, path });
          parent = path;
        }
        if (this.options.createRoot) await ensureDirectories(connection, segments);
        const root = await statIfPresent(connection, this.layout.rootPath);
        if (root === undefined || !isDirectory(root)) {
          throw new StowageError('STOWAGE_INVALID_CONFIG', 'smb backend: the root folder does not exist or is not a folder');
        }
      })
      .catch((error: unknown) => {
        if (isStowageError(error, 'STOWAGE_NOT_A_DIRECTORY')) {
          throw new StowageError('STOWAGE_INVALID_CONFIG', 'smb backend: a file stands where the root folder should be', { cause: error, context });
        }
        throw mapSmbError(error, context, { NT_STATUS_NOT_A_DIRECTORY: 'STOWAGE_INVALID_CONFIG' });
      });
  }

  stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('stat', path, options, true, (stored) => this.statAt(stored));
  }

  read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    return this.run('read', path, options, false, (stored, context) => openRead(this.session, stored, options, this.readSettings(context)));
  }

  write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    return this.run('write', path, options, false, (stored, context) => this.writeAt(stored, source, options, context)).catch(
      (error: unknown) => {
        releaseSource(source);
        throw error;
      },
    );
  }

  async *list(path: string, options: ListOptions = {}): AsyncGenerator<BackendEntry> {
    const base: ErrorContext = { backend: this.info.name, operation: 'list' };
    let stored: StoredPath;
    try {
      stored = this.locate(path, 'list', true);
      this.checkOpen(options.signal, base);
    } catch (error) {
      throw mapSmbError(error, base);
    }
    const context = { ...base, path: stored.key };
    const lease = await this.session.acquire().catch((error: unknown) => {
      throw mapSmbError(error, context);
    });
    try {
      const start = await statIfPresent(lease.connection, stored.path);
      if (start === undefined) return;
      if (!isDirectory(start)) throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'Not a directory');
      yield* listTree(lease.connection, { key: stored.key, path: stored.path }, options.recursive === true, options.signal, context);
    } catch (error) {
      throw mapSmbError(error, context);
    } finally {
      lease.release();
    }
  }

  delete(path: string, options: DeleteOptions = {}): Promise<void> {
    return this.run('delete', path, options, false, (stored) =>
      this.session.run(true, (connection) =>
        removePath(connection, { path: stored.path, parent: stored.parent, name: stored.segments.at(-1)!.name }, options.recursive === true),
      ),
    );
  }

  createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.run('createDir', path, options, true, async (stored) => {
      if (stored.key === '') return;
      await this.session.run(true, (connection) => ensureDirectories(connection, stored.segments));
    });
  }

  copy(from: string, to: string, options: OperationOptions = {}): Promise<BackendEntry> {
    return this.run('copy', from, options, false, async (stored, context) => {
      const target = this.locate(to, 'copy', false);
      if (target.key === stored.key) return this.statAt(stored);
      const source = await openRead(this.session, stored, options, this.readSettings(context));
      try {
        return await this.writeAt(target, source.stream, options, context);
      } finally {
        source.stream.destroy();
      }
    });
  }

  rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('rename', from, options, false, (stored) => {
      const target = this.locate(to, 'rename', false);
      return this.session.run(false, (connection) => moveFile(connection, stored, target, this.uploadSettings({}, options?.signal)));
    });
  }

  /**
   * The bytes free for the account on the share's volume, for the sharding router's
   * `free-space` strategy (`freeBytes: () => backend.freeBytes()`).
   */
  freeBytes(): Promise<number> {
    return this.run('stat', '', {}, true, () =>
      this.session.run(true, async (connection) => {
        const root = await openDirectory(connection, this.layout.rootPath);
        try {
          return await freeBytesOf(connection, root.fileId);
        } finally {
          await closeQuietly(connection, root.fileId);
        }
      }),
    );
  }

  /**
   * Removes the backend's private files older than `olderThanMs` below the root: partial uploads
   * and files moved aside that a crash of this process or of the server left behind, and
   * long-name records whose alias is gone. The age protects uploads in flight in other
   * processes. Resolves with how many were removed.
   */
  sweepPartials(olderThanMs = 3_600_000): Promise<number> {
    return this.run('delete', '', {}, true, () =>
      this.session.run(false, (connection) => sweepPrivateFiles(connection, this.layout.rootPath, olderThanMs)),
    );
  }

  /** Closes every connection; afterwards operations reject with `STOWAGE_UNAVAILABLE`. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.session.close();
  }

  private statAt(stored: StoredPath): Promise<BackendEntry> {
    return this.session.run(true, async (connection) => {
      const file = await lookUp(connection, stored, () => statPath(connection, stored.path));
      return entryOf(stored.key, { ...file, fileIndex: file.diskId });
    });
  }



  private writeAt(stored: StoredPath, source: ByteSource, options: WriteOptions, context: ErrorContext): Promise<BackendEntry> {
    return this.session.run(false, async (connection) => {
      const created: StoredSegment[] = [];
      const prepareFolder = async (): Promise<void> => {
        created.push(...(await ensureDirectories(connection, stored.segments.slice(0, -1))));
      };
      try {
        return entryOf(stored.key, await upload(connection, stored, source, options, this.uploadSettings(context, options.signal), prepareFolder));
      } catch (error) {
        if (connection.alive) await removeCreated(connection, created);
        throw error;
      }
    });
  }

  private readSettings(context: ErrorContext): ReadSettings {
    return {
      window: Math.max(1, Math.floor(this.options.requestsInFlight / 2)),
      context,
      onHandle: (delta) => {
        this.openReads += delta;
      },
    };
  }

  private uploadSettings(context: ErrorContext, signal: AbortSignal | undefined): UploadSettings {
    return {
      verify: this.options.verifyWrites,
      window: Math.max(1, Math.floor(this.options.requestsInFlight / 2)),
      attempts: this.options.renameAttempts,
      firstDelayMs: this.options.renameRetryDelayMs,
      // Queued behind other writers of the same name: as long as one request may take.
      markWaitMs: this.options.operationTimeoutMs,
      signal,
      defer: (cleanup) => this.session.defer(cleanup),
      context,
    };
  }

  private checkOpen(signal: AbortSignal | undefined, context: ErrorContext): void {
    throwIfAborted(signal, context);
    if (this.closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'The SMB backend is closed');
  }

  private locate(path: string, operation: BackendOperation, allowRoot: boolean): StoredPath {
    const key = normalizePath(path, { allowRoot, operation, backend: this.info.name });
    if (key.split('/', 1)[0] === RESERVED_FIRST_SEGMENT) {
      throw new StowageError('STOWAGE_INVALID_PATH', `Invalid path: ${RESERVED_FIRST_SEGMENT} is reserved (the mounted-share mode keeps its staging there)`);
    }
    return this.layout.locate(key);
  }

  private run<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    allowRoot: boolean,
    body: (stored: StoredPath, context: ErrorContext) => Promise<T>,
  ): Promise<T> {
    const base = { backend: this.info.name, operation };
    return withErrorContext(base, async () => {
      const stored = this.locate(path, operation, allowRoot);
      const context = { ...base, path: stored.key };
      try {
        this.checkOpen(options?.signal, context);
        return await body(stored, context);
      } catch (error) {
        if (error instanceof TypeError) throw error;
        throw mapSmbError(error, context, LOOKUP_OPERATIONS.has(operation) ? LOOKUP : {});
      }
    });
  }
}
