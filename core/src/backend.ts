import type { Readable } from 'node:stream';
import type { Capabilities, HashAlgorithm } from './capabilities.js';
import type { ReadRange } from './range.js';

/** Whether an entry is a file or a directory. */
export type EntryKind = 'file' | 'directory';

/** What a backend reports about a path. */
export interface BackendEntry {
  /** The normalized path; `""` for the root. */
  readonly path: string;
  /** File or directory. */
  readonly kind: EntryKind;
  /** Size in bytes; `0` for directories. */
  readonly size: number;
  /** Last modification, when `capabilities.statHasModifiedAt`. */
  readonly modifiedAt?: Date;
  /** An opaque token that changes whenever the content changes, when `capabilities.statHasEtag`. */
  readonly etag?: string;
  /** Hex digests the storage reports natively, for the algorithms in `capabilities.nativeHashes`. */
  readonly hashes?: Readonly<Partial<Record<HashAlgorithm, string>>>;
}

/** Identifies a backend instance. Frozen. */
export interface BackendInfo {
  /** The kind of storage: `memory`, `file`, `smb`, `dropbox`, ... */
  readonly scheme: string;
  /** The instance's name, used in error contexts and logs. */
  readonly name: string;
  /** Where the instance stores, as the operator configured it (a directory, a share, a folder). */
  readonly root: string;
}

/** Options every operation accepts. */
export interface OperationOptions {
  /** Aborting rejects the operation with `STOWAGE_ABORTED` and releases what it holds. */
  readonly signal?: AbortSignal;
}

/** Options of {@link Backend.read}. */
export interface ReadOptions extends OperationOptions {
  /** Read only these bytes. */
  readonly range?: ReadRange;
}

/** What {@link Backend.read} resolves to. */
export interface ReadResult {
  /** The file's entry at the moment it was opened. */
  readonly entry: BackendEntry;
  /** Exactly `length` bytes starting at `offset`, then the end; or an error, never a short clean end. */
  readonly stream: Readable;
  /** The first byte of the file the stream carries. */
  readonly offset: number;
  /** How many bytes the stream carries. */
  readonly length: number;
}

/** The bytes of a write: any sync or async iterable of byte chunks, such as a `Readable`. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** A digest the written bytes must hash to. */
export interface ExpectedDigest {
  readonly algorithm: 'sha256' | 'sha1';
  /** The digest in hexadecimal (either case). */
  readonly hex: string;
}

/** Options of {@link Backend.write}. */
export interface WriteOptions extends OperationOptions {
  /** The exact number of bytes the source must deliver. */
  readonly size?: number;
  /** The digest the source's bytes must have. */
  readonly digest?: ExpectedDigest;
}

/** Options of {@link Backend.list}. */
export interface ListOptions extends OperationOptions {
  /** List the whole tree below the path, not only its immediate children. @defaultValue false */
  readonly recursive?: boolean;
}

/** Options of {@link Backend.delete}. */
export interface DeleteOptions extends OperationOptions {
  /** Delete a directory with everything below it. @defaultValue false */
  readonly recursive?: boolean;
}

/** Options of {@link Backend.link}. */
export interface LinkOptions extends OperationOptions {
  /** How long a temporary link stays valid; backends with permanent share links ignore it. */
  readonly expiresInSeconds?: number;
}

/**
 * The blob-level contract: bytes at normalized paths.
 *
 * Rules common to every operation:
 * - Paths are normalized with `normalizePath` before use, so `/a//b/` and `a/b` are the same
 *   path, names are compared after NFC, and a path that normalization rejects fails with
 *   `STOWAGE_INVALID_PATH` before any I/O. Names are case-sensitive on every backend.
 * - Every rejection is a `StowageError` whose context names the backend (`info.name`), the
 *   operation and the normalized path.
 * - An aborted `signal` rejects with `STOWAGE_ABORTED` and releases every resource taken.
 * - The optional operations are present exactly when their capability flag is set.
 */
export interface Backend {
  /** Identifies the instance. Frozen. */
  readonly info: BackendInfo;
  /** What the instance can do. Frozen. */
  readonly capabilities: Capabilities;

  /**
   * Describes the file or directory at `path`.
   *
   * Behavior:
   * - A file reports `kind: 'file'` and its size; a directory, `kind: 'directory'` and size 0.
   * - The root (`""`) is a directory.
   * - A path below a file does not exist.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND`, `STOWAGE_INVALID_PATH`
   */
  stat(path: string, options?: OperationOptions): Promise<BackendEntry>;

  /**
   * Opens the file at `path` for reading, whole or an exact byte range.
   *
   * Behavior:
   * - The stream carries exactly the resolved range (see `resolveReadRange`): never bytes
   *   outside it, never a short clean end; a failure after opening errors the stream.
   * - A length past the end is clamped; an offset at or past the end, a zero suffix, or any
   *   range of an empty file is unsatisfiable.
   * - Destroying the stream or aborting the signal releases the underlying handle.
   * - On a backend whose writes are atomic, a read never mixes bytes of two versions.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND`, `STOWAGE_IS_A_DIRECTORY`,
   *   `STOWAGE_RANGE_NOT_SATISFIABLE` (with `context.size`), `STOWAGE_INVALID_PATH`,
   *   `STOWAGE_ABORTED`
   */
  read(path: string, options?: ReadOptions): Promise<ReadResult>;

  /**
   * Stores the bytes of `source` as the file at `path`, replacing any previous file.
   *
   * Behavior:
   * - Missing parent directories are created. An empty source stores an empty file.
   * - When `size` or `digest` is given and the source does not match, nothing is committed
   *   and the previous content (if any) is intact.
   * - A source that throws, or an aborted signal, commits nothing.
   * - When `capabilities.writeIsAtomic`, the new content becomes visible all at once.
   * - Chunks that are not `Uint8Array`s are a programmer error (`TypeError`).
   *
   * @returns the entry of the stored file.
   * @throws StowageError `STOWAGE_IS_A_DIRECTORY` (a directory is at `path`),
   *   `STOWAGE_NOT_A_DIRECTORY` (a file stands where a parent is needed),
   *   `STOWAGE_SIZE_MISMATCH`, `STOWAGE_DIGEST_MISMATCH`, `STOWAGE_ABORTED` (also when the source
   *   fails; `cause` holds its error), `STOWAGE_INSUFFICIENT_STORAGE`, `STOWAGE_INVALID_PATH`
   */
  write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry>;

  /**
   * Lists the directory at `path` (`""` is the root).
   *
   * Behavior:
   * - Yields the immediate children, files and directories, with full normalized paths; with
   *   `recursive`, every entry below `path`. Order is unspecified.
   * - Continues however many entries there are (backends page internally).
   * - A directory that does not exist yields nothing.
   * - Errors are raised while iterating, not when `list` is called.
   *
   * @throws StowageError `STOWAGE_NOT_A_DIRECTORY` (a file is at `path`), `STOWAGE_INVALID_PATH`
   */
  list(path: string, options?: ListOptions): AsyncIterable<BackendEntry>;

  /**
   * Deletes the file or directory at `path`.
   *
   * Behavior:
   * - Idempotent: deleting a missing path succeeds.
   * - A directory is deleted when empty, or with everything below it when `recursive`.
   * - Deleting a file never touches anything else: a directory it empties stays (as does the
   *   source directory a `rename` empties), and siblings sharing its name as a prefix stay.
   * - The root cannot be deleted, not even recursively.
   *
   * @throws StowageError `STOWAGE_DIRECTORY_NOT_EMPTY`, `STOWAGE_INVALID_PATH`
   */
  delete(path: string, options?: DeleteOptions): Promise<void>;

  /**
   * Creates the directory at `path` and its missing parents.
   *
   * Behavior: idempotent; creating the root or an existing directory succeeds.
   *
   * @throws StowageError `STOWAGE_NOT_A_DIRECTORY` (a file is at `path` or at a parent),
   *   `STOWAGE_INVALID_PATH`
   */
  createDir(path: string, options?: OperationOptions): Promise<void>;

  /**
   * Copies the file at `from` to `to`, replacing any file at `to`. Present when
   * `capabilities.copy`.
   *
   * Behavior: the source is unchanged; missing parents of `to` are created; copying a file onto
   * itself leaves it unchanged.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND`, `STOWAGE_IS_A_DIRECTORY` (either side is a
   *   directory), `STOWAGE_NOT_A_DIRECTORY`, `STOWAGE_INVALID_PATH`
   */
  copy?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry>;

  /**
   * Moves the file at `from` to `to`, replacing any file at `to`. Present when
   * `capabilities.rename`.
   *
   * Behavior: afterwards `from` does not exist (unless `from` equals `to`, which changes
   * nothing); missing parents of `to` are created.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND`, `STOWAGE_IS_A_DIRECTORY`,
   *   `STOWAGE_NOT_A_DIRECTORY`, `STOWAGE_INVALID_PATH`
   */
  rename?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry>;

  /**
   * A URL that serves the file without Stowage (a share link or a pre-signed URL). Present when
   * `capabilities.link`.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND`, `STOWAGE_IS_A_DIRECTORY`, `STOWAGE_INVALID_PATH`
   */
  link?(path: string, options?: LinkOptions): Promise<URL>;

  /**
   * The absolute host path of the file, for sendfile and X-Accel-Redirect delivery. Present
   * when `capabilities.localPath`.
   *
   * Behavior: the returned path is checked to lie inside the root and not to pass through a
   * symbolic link at the moment of the call.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND`, `STOWAGE_IS_A_DIRECTORY`,
   *   `STOWAGE_UNSAFE_PATH`, `STOWAGE_INVALID_PATH`
   */
  localPath?(path: string, options?: OperationOptions): Promise<string>;

  /**
   * Releases connections and handles. Present when `capabilities.close`.
   *
   * Behavior: idempotent; afterwards every operation rejects with `STOWAGE_UNAVAILABLE`.
   */
  close?(): Promise<void>;
}
