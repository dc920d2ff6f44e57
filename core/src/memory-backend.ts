import type {
  Backend,
  BackendEntry,
  BackendInfo,
  ByteSource,
  DeleteOptions,
  ListOptions,
  OperationOptions,
  ReadOptions,
  ReadResult,
  WriteOptions,
} from './backend.js';
import { destroyOnAbort, throwIfAborted } from './abort.js';
import { defineCapabilities, type Capabilities } from './capabilities.js';
import { checkedSource } from './checked-source.js';
import { readableFromBuffer } from './chunked-readable.js';
import { withErrorContext } from './error-context.js';
import { normalizePath, parentOf } from './path.js';
import { resolveReadRange } from './range.js';
import { StowageError, toStowageError, type BackendOperation, type ErrorContext } from './stowage-error.js';

/** Options of {@link createMemoryBackend}. */
export interface MemoryBackendOptions {
  /** The instance name shown in `info.name` and error contexts. @defaultValue `"memory"` */
  readonly name?: string;
}

interface StoredFile {
  readonly bytes: Buffer;
  readonly modifiedAt: Date;
  readonly etag: string;
}

/** The ancestors of a normalized path, outermost first, excluding the root and the path. */
function ancestorsOf(path: string): string[] {
  const result: string[] = [];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    result.push(path.slice(0, slash));
  }
  return result;
}

function isBelow(path: string, directory: string): boolean {
  return directory === '' ? path !== '' : path.startsWith(`${directory}/`);
}

/**
 * The reference implementation of {@link Backend}: everything in process memory.
 *
 * Every behaviour of the contract is implemented here in the plainest way, so it is the backend
 * the conformance suite is checked against and the one to read when the contract is unclear.
 * Directories are explicit (created by `createDir`) or implicit (the parents of a file), and
 * stay until deleted, as on a file system. Writes are atomic: the new bytes replace the old in
 * one step after the source has been fully read and checked.
 */
class MemoryBackend implements Backend {
  readonly info: BackendInfo;
  readonly capabilities: Capabilities = defineCapabilities({
    readWithRange: true,
    writeIsAtomic: true,
    listWithRecursive: true,
    statHasEtag: true,
    statHasModifiedAt: true,
    modifiedAtPrecisionMs: 1,
    copy: true,
    rename: true,
  });

  private readonly files = new Map<string, StoredFile>();
  private readonly directories = new Set<string>(['']);
  private version = 0;

  constructor(name: string) {
    this.info = Object.freeze({ scheme: 'memory', name, root: `memory://${name}` });
  }

  stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('stat', path, options, true, (key) => this.entryOf(key));
  }

  read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    return this.run('read', path, options, false, (key, context) => {
      const file = this.fileAt(key);
      const range = resolveReadRange(options.range, file.bytes.byteLength);
      const bytes = file.bytes.subarray(range.offset, range.offset + range.length);
      const stream = destroyOnAbort(readableFromBuffer(bytes), options.signal, context);
      return { entry: this.fileEntry(key, file), stream, ...range };
    });
  }

  write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    return this.run('write', path, options, false, async (key, context) => {
      this.checkWritable(key);
      const chunks: Uint8Array[] = [];
      const checked = checkedSource(source, {
        size: options.size,
        digest: options.digest,
        signal: options.signal,
        context,
      });
      for await (const chunk of checked) chunks.push(chunk);
      this.checkWritable(key); // the tree may have changed while the source was read
      for (const ancestor of ancestorsOf(key)) this.directories.add(ancestor);
      const file = this.newFile(Buffer.concat(chunks));
      this.files.set(key, file);
      return this.fileEntry(key, file);
    });
  }

  async *list(path: string, options: ListOptions = {}): AsyncGenerator<BackendEntry> {
    const base = { backend: this.info.name, operation: 'list' as const };
    let key: string;
    try {
      key = normalizePath(path, { allowRoot: true, ...base });
      throwIfAborted(options.signal, { ...base, path: key });
      if (this.files.has(key)) {
        throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'Not a directory', { context: { ...base, path: key } });
      }
    } catch (error) {
      throw toStowageError(error, base);
    }
    if (!this.directories.has(key)) return;
    const wanted = (candidate: string): boolean =>
      isBelow(candidate, key) && (options.recursive === true || parentOf(candidate) === key);
    const snapshot: BackendEntry[] = [];
    for (const directory of this.directories) {
      if (wanted(directory)) snapshot.push(this.directoryEntry(directory));
    }
    for (const [filePath, file] of this.files) {
      if (wanted(filePath)) snapshot.push(this.fileEntry(filePath, file));
    }
    for (const entry of snapshot) {
      throwIfAborted(options.signal, { ...base, path: key });
      yield entry;
    }
  }

  delete(path: string, options: DeleteOptions = {}): Promise<void> {
    return this.run('delete', path, options, false, (key, context) => {
      if (this.files.delete(key) || !this.directories.has(key)) return;
      const below = (candidate: string): boolean => isBelow(candidate, key);
      const hasChildren = [...this.files.keys(), ...this.directories].some(below);
      if (hasChildren && options.recursive !== true) {
        throw new StowageError('STOWAGE_DIRECTORY_NOT_EMPTY', 'Directory not empty', { context });
      }
      for (const filePath of [...this.files.keys()].filter(below)) this.files.delete(filePath);
      for (const directory of [...this.directories].filter(below)) this.directories.delete(directory);
      this.directories.delete(key);
    });
  }

  createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.run('createDir', path, options, true, (key) => {
      const chain = [...ancestorsOf(key), key];
      if (chain.some((candidate) => this.files.has(candidate))) {
        throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'A file stands where a directory is needed');
      }
      for (const directory of chain) this.directories.add(directory);
    });
  }

  copy(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.transfer('copy', from, to, options);
  }

  rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.transfer('rename', from, to, options);
  }

  private transfer(
    operation: 'copy' | 'rename',
    from: string,
    to: string,
    options: OperationOptions | undefined,
  ): Promise<BackendEntry> {
    return this.run(operation, from, options, false, (source) => {
      const target = normalizePath(to, { backend: this.info.name, operation });
      const file = this.fileAt(source);
      if (source === target) return this.fileEntry(target, file);
      this.checkWritable(target);
      for (const ancestor of ancestorsOf(target)) this.directories.add(ancestor);
      const moved = operation === 'rename' ? file : this.newFile(file.bytes);
      this.files.set(target, moved);
      if (operation === 'rename') this.files.delete(source);
      return this.fileEntry(target, moved);
    });
  }

  private run<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    allowRoot: boolean,
    body: (key: string, context: ErrorContext) => T | Promise<T>,
  ): Promise<T> {
    const base = { backend: this.info.name, operation };
    return withErrorContext(base, async () => {
      const key = normalizePath(path, { allowRoot, ...base });
      const context = { ...base, path: key };
      return withErrorContext(context, async () => {
        throwIfAborted(options?.signal, context);
        return body(key, context);
      });
    });
  }

  private newFile(bytes: Buffer): StoredFile {
    this.version += 1;
    return { bytes, modifiedAt: new Date(), etag: `"m${this.version.toString(16)}"` };
  }

  private fileAt(key: string): StoredFile {
    const file = this.files.get(key);
    if (file !== undefined) return file;
    if (this.directories.has(key)) throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
    throw new StowageError('STOWAGE_NOT_FOUND', 'No such file');
  }

  /** Throws unless a file may be stored at `key`: no directory there, no file among its parents. */
  private checkWritable(key: string): void {
    if (this.directories.has(key)) throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
    if (ancestorsOf(key).some((ancestor) => this.files.has(ancestor))) {
      throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'A file stands where a directory is needed');
    }
  }

  private entryOf(key: string): BackendEntry {
    const file = this.files.get(key);
    if (file !== undefined) return this.fileEntry(key, file);
    if (this.directories.has(key)) return this.directoryEntry(key);
    throw new StowageError('STOWAGE_NOT_FOUND', 'No such file or directory');
  }

  private fileEntry(path: string, file: StoredFile): BackendEntry {
    return { path, kind: 'file', size: file.bytes.byteLength, modifiedAt: file.modifiedAt, etag: file.etag };
  }

  private directoryEntry(path: string): BackendEntry {
    return { path, kind: 'directory', size: 0 };
  }
}

/** Creates an empty {@link Backend} that keeps everything in process memory. */
export function createMemoryBackend(options: MemoryBackendOptions = {}): Backend {
  const name = options.name ?? 'memory';
  if (typeof name !== 'string' || name === '') {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'options.name must be a non-empty string');
  }
  return new MemoryBackend(name);
}
