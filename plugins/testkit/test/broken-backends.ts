import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  checkedSource,
  createMemoryBackend,
  defineCapabilities,
  ForwardingBackend,
  isStowageError,
  normalizePath,
  parentOf,
  StowageError,
  type Backend,
  type BackendEntry,
  type ByteSource,
  type Capabilities,
  type DeleteOptions,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type ReadResult,
  type WriteOptions,
} from '@stowage/core';
import { readAll } from '../src/index.js';

/** Rethrows errors as plain `Error`s: callers can no longer branch on codes. */
class PlainErrors extends ForwardingBackend {
  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    try {
      return await this.inner.stat(path, options);
    } catch (error) {
      throw new Error(error instanceof Error ? error.message : 'failed');
    }
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    try {
      return await this.inner.read(path, options);
    } catch (error) {
      throw new Error(error instanceof Error ? error.message : 'failed');
    }
  }
}

/** Drops the context of every error. */
class ContextFree extends ForwardingBackend {
  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    try {
      return await this.inner.read(path, options);
    } catch (error) {
      throw isStowageError(error) ? new StowageError(error.code, error.message) : error;
    }
  }
}

/** Ignores the range and streams the whole file. */
class IgnoresRanges extends ForwardingBackend {
  override read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    const { range: _ignored, ...rest } = options;
    return this.inner.read(path, rest);
  }
}

/** Reads one byte late: the classic off-by-one of range arithmetic. */
class OffByOneRanges extends ForwardingBackend {
  override read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    const range = options.range;
    if (range !== undefined && 'offset' in range && range.offset > 0) {
      return this.inner.read(path, { ...options, range: { ...range, offset: range.offset + 1 } });
    }
    return this.inner.read(path, options);
  }
}

/** Answers a range past the end with an empty stream instead of rejecting. */
class EmptyInsteadOf416 extends ForwardingBackend {
  override async read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    try {
      return await this.inner.read(path, options);
    } catch (error) {
      if (!isStowageError(error, 'STOWAGE_RANGE_NOT_SATISFIABLE')) throw error;
      const entry = await this.inner.stat(path);
      return { entry, stream: Readable.from([]), offset: entry.size, length: 0 };
    }
  }
}

/** Makes what it received visible when a write fails. */
class PartialWritesVisible extends ForwardingBackend {
  override async write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    const chunks: Uint8Array[] = [];
    try {
      for await (const chunk of checkedSource(source, options)) chunks.push(chunk);
    } catch (error) {
      await this.inner.write(path, chunks);
      throw error;
    }
    return this.inner.write(path, chunks);
  }
}

/** Commits the first chunk at once and the rest at the end: readers see partial files. */
class NonAtomicWrites extends ForwardingBackend {
  override async write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of checkedSource(source, options)) {
      chunks.push(chunk);
      if (chunks.length === 1) await this.inner.write(path, [chunk]);
    }
    return this.inner.write(path, chunks);
  }
}

/** Does not check the expected size. */
class IgnoresSize extends ForwardingBackend {
  override write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    const { size: _ignored, ...rest } = options;
    return this.inner.write(path, source, rest);
  }
}

/** Does not check the expected digest. */
class IgnoresDigest extends ForwardingBackend {
  override write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    const { digest: _ignored, ...rest } = options;
    return this.inner.write(path, source, rest);
  }
}

/** Does not pass signals on. */
class IgnoresAbort extends ForwardingBackend {
  override read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    const { signal: _ignored, ...rest } = options;
    return this.inner.read(path, rest);
  }
}

/** Deleting a missing path fails. */
class NonIdempotentDelete extends ForwardingBackend {
  override async delete(path: string, options?: DeleteOptions): Promise<void> {
    await this.inner.stat(path);
    await this.inner.delete(path, options);
  }
}

/** Deletes non-empty directories without being asked to. */
class AlwaysRecursiveDelete extends ForwardingBackend {
  override delete(path: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(path, { ...options, recursive: true });
  }
}

/** Creating an existing directory fails. */
class NonIdempotentCreateDir extends ForwardingBackend {
  override async createDir(path: string, options?: OperationOptions): Promise<void> {
    const exists = await this.inner.stat(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'exists');
    await this.inner.createDir(path, options);
  }
}

/** Stops listing after the first page of 1,000 entries. */
class FirstPageOnly extends ForwardingBackend {
  override async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    let count = 0;
    for await (const entry of this.inner.list(path, options)) {
      if (++count > 1000) return;
      yield entry;
    }
  }
}

/** Lists names instead of full paths. */
class NamesInListings extends ForwardingBackend {
  override async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    for await (const entry of this.inner.list(path, options)) {
      yield { ...entry, path: entry.path.slice(entry.path.lastIndexOf('/') + 1) };
    }
  }
}

/** Leaves a temporary file next to every write, as a crash-unsafe implementation would. */
class TempFilesVisible extends ForwardingBackend {
  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    const entry = await this.inner.write(path, source, options);
    await this.inner.write(`${normalizePath(path)}.tmp`, []);
    return entry;
  }
}

/** Folds case, as SMB and Dropbox do underneath. */
class CaseInsensitive extends ForwardingBackend {
  override stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.inner.stat(path.toLowerCase(), options);
  }

  override read(path: string, options?: ReadOptions): Promise<ReadResult> {
    return this.inner.read(path.toLowerCase(), options);
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    return this.inner.write(path.toLowerCase(), source, options);
  }
}

/** Implements rename as a copy. */
class RenameKeepsSource extends ForwardingBackend {
  override rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.inner.copy!(from, to, options);
  }
}

/** Has `copy` while its capabilities deny it. */
class CapabilitiesLie extends ForwardingBackend {
  override readonly capabilities: Capabilities = defineCapabilities({ ...this.inner.capabilities, copy: false });
}

/** Reads a directory as an empty file. */
class DirectoriesReadEmpty extends ForwardingBackend {
  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    try {
      return await this.inner.read(path, options);
    } catch (error) {
      if (!isStowageError(error, 'STOWAGE_IS_A_DIRECTORY')) throw error;
      return { entry: await this.inner.stat(path), stream: Readable.from([]), offset: 0, length: 0 };
    }
  }
}

/** A correct backend without copy, rename or atomic writes, to check how the suite gates cases. */
export class WithoutTransfers extends ForwardingBackend {
  override readonly capabilities: Capabilities = defineCapabilities({
    ...this.inner.capabilities,
    copy: false,
    rename: false,
    writeIsAtomic: false,
  });

  constructor(inner: Backend) {
    super(inner);
    Object.defineProperty(this, 'copy', { value: undefined });
    Object.defineProperty(this, 'rename', { value: undefined });
  }
}

function dropboxContentHash(bytes: Uint8Array): string {
  const blocks = createHash('sha256');
  for (let offset = 0; offset < bytes.byteLength; offset += 4 * 1024 * 1024) {
    blocks.update(createHash('sha256').update(bytes.subarray(offset, offset + 4 * 1024 * 1024)).digest());
  }
  return blocks.digest('hex');
}

/** Reports every native hash on `stat`; `dropboxHash` computes the Dropbox content hash. */
export class WithNativeHashes extends ForwardingBackend {
  override readonly capabilities: Capabilities = defineCapabilities({
    ...this.inner.capabilities,
    nativeHashes: ['sha256', 'sha1', 'md5', 'dropbox-content-hash'],
  });

  constructor(
    inner: Backend,
    private readonly dropboxHash: (bytes: Uint8Array) => string = dropboxContentHash,
  ) {
    super(inner);
  }

  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    const entry = await this.inner.stat(path, options);
    if (entry.kind !== 'file') return entry;
    const bytes = await readAll((await this.inner.read(path)).stream);
    const digest = (algorithm: string): string => createHash(algorithm).update(bytes).digest('hex');
    return {
      ...entry,
      hashes: { sha256: digest('sha256'), sha1: digest('sha1'), md5: digest('md5'), 'dropbox-content-hash': this.dropboxHash(bytes) },
    };
  }
}

/** Caches stat results, forgetting them only when the same path is written. */
class StaleStatCache extends ForwardingBackend {
  private readonly cache = new Map<string, BackendEntry>();

  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    const key = normalizePath(path, { allowRoot: true });
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const entry = await this.inner.stat(path, options);
    this.cache.set(key, entry);
    return entry;
  }

  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    const entry = await this.inner.write(path, source, options);
    this.cache.delete(normalizePath(path));
    return entry;
  }
}

/** Reports the moment of the stat as the modification time. */
class ModifiedNow extends ForwardingBackend {
  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return { ...(await this.inner.stat(path, options)), modifiedAt: new Date() };
  }
}

/** Reports the range length as the size of a ranged read's entry. */
class RangedEntrySize extends ForwardingBackend {
  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const result = await this.inner.read(path, options);
    return { ...result, entry: { ...result.entry, size: result.length } };
  }
}

/** Lists a subdirectory once for every file inside it. */
class DuplicateSubdirectories extends ForwardingBackend {
  override async *list(path: string, options: ListOptions = {}): AsyncGenerator<BackendEntry> {
    if (options.recursive === true) {
      yield* this.inner.list(path, options);
      return;
    }
    const base = normalizePath(path, { allowRoot: true });
    for await (const entry of this.inner.list(path, { ...options, recursive: true })) {
      const rest = base === '' ? entry.path : entry.path.slice(base.length + 1);
      const child = rest.split('/')[0] as string;
      const childPath = base === '' ? child : `${base}/${child}`;
      if (childPath === entry.path) yield entry;
      else if (entry.kind === 'file') yield { path: childPath, kind: 'directory', size: 0 };
    }
  }
}

/** Answers a listing below a file with NOT_A_DIRECTORY instead of nothing. */
class ListBelowFileFails extends ForwardingBackend {
  override async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    const parent = parentOf(normalizePath(path, { allowRoot: true }));
    const above = await this.inner.stat(parent).catch(() => undefined);
    if (above?.kind === 'file') throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'Not a directory', { context: { backend: 'broken', operation: 'list' } });
    yield* this.inner.list(path, options);
  }
}

/** Deletes, with a file, the siblings whose names start with its name. */
class DeletesByPrefix extends ForwardingBackend {
  override async delete(path: string, options?: DeleteOptions): Promise<void> {
    await this.inner.delete(path, options);
    const key = normalizePath(path);
    for await (const entry of this.inner.list(parentOf(key))) {
      if (entry.kind === 'file' && entry.path.startsWith(key)) await this.inner.delete(entry.path);
    }
  }
}

/** Wipes everything on a recursive delete of the root before rejecting it. */
class WipesRoot extends ForwardingBackend {
  override async delete(path: string, options?: DeleteOptions): Promise<void> {
    if (normalizePath(path, { allowRoot: true }) === '' && options?.recursive === true) {
      for await (const entry of this.inner.list('')) await this.inner.delete(entry.path, { recursive: true });
    }
    return this.inner.delete(path, options);
  }
}

/** Removes a directory its delete emptied, as object stores do when folders are only prefixes. */
class PrunesEmptyParents extends ForwardingBackend {
  override async delete(path: string, options?: DeleteOptions): Promise<void> {
    await this.inner.delete(path, options);
    const parent = parentOf(normalizePath(path));
    if (parent === '') return;
    for await (const _ of this.inner.list(parent)) return;
    await this.inner.delete(parent);
  }
}

/** Commits as soon as the expected size has arrived, before the source has ended. */
class CommitsAtSize extends ForwardingBackend {
  override async write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    const size = options.size;
    if (size === undefined) return this.inner.write(path, source, options);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let entry: BackendEntry | undefined;
    for await (const chunk of source) {
      chunks.push(chunk);
      total += chunk.byteLength;
      if (total > size) throw new StowageError('STOWAGE_SIZE_MISMATCH', 'too long');
      if (total === size && entry === undefined) entry = await this.inner.write(path, chunks);
    }
    return entry ?? this.inner.write(path, chunks, options);
  }
}

/** Turns string chunks into bytes instead of refusing them. */
class AcceptsStrings extends ForwardingBackend {
  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of source as AsyncIterable<unknown>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    return this.inner.write(path, chunks, options);
  }
}

/** Guesses what malformed ranges mean (negative offsets from the end, length 0 as the rest). */
class GuessesRanges extends ForwardingBackend {
  override read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    const range = options.range as { offset?: number; length?: number; suffix?: number } | undefined;
    if (range === undefined) return this.inner.read(path, options);
    if (range.suffix !== undefined) return this.inner.read(path, { ...options, range: { suffix: Math.max(1, Math.floor(range.suffix)) } });
    const offset = range.offset ?? 0;
    if (offset < 0) return this.inner.read(path, { ...options, range: { suffix: -offset } });
    const length = range.length === undefined || range.length === 0 ? undefined : Math.max(1, Math.floor(range.length));
    return this.inner.read(path, { ...options, range: length === undefined ? { offset: Math.floor(offset) } : { offset: Math.floor(offset), length } });
  }
}

/** Emits every chunk from one shared buffer, overwriting what consumers still hold. */
class ReusesBuffer extends ForwardingBackend {
  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const result = await this.inner.read(path, options);
    const shared = Buffer.alloc(16 * 1024);
    async function* reuse(): AsyncGenerator<Buffer> {
      for await (const chunk of result.stream) {
        const bytes = chunk as Buffer;
        for (let offset = 0; offset < bytes.byteLength; offset += shared.byteLength) {
          const piece = bytes.subarray(offset, offset + shared.byteLength);
          piece.copy(shared);
          yield shared.subarray(0, piece.byteLength);
        }
      }
    }
    return { ...result, stream: Readable.from(reuse(), { objectMode: false }) };
  }
}

/** Ends every read stream cleanly after 4 MiB. */
class CutsAt4MiB extends ForwardingBackend {
  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const result = await this.inner.read(path, options);
    async function* capped(): AsyncGenerator<Buffer> {
      let sent = 0;
      for await (const chunk of result.stream) {
        const bytes = (chunk as Buffer).subarray(0, Math.max(0, 4 * 1024 * 1024 - sent));
        sent += bytes.byteLength;
        if (bytes.byteLength > 0) yield bytes;
        if (sent >= 4 * 1024 * 1024) break;
      }
    }
    return { ...result, stream: Readable.from(capped(), { objectMode: false }) };
  }
}

/** Not atomic: streams the live file piece by piece and ends cleanly when it has shrunk. */
class LiveReads extends ForwardingBackend {
  override readonly capabilities: Capabilities = defineCapabilities({ ...this.inner.capabilities, writeIsAtomic: false });

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const first = await this.inner.read(path, options);
    first.stream.destroy();
    const inner = this.inner;
    async function* live(): AsyncGenerator<Buffer> {
      for (let offset = first.offset; offset < first.offset + first.length; offset += 65_536) {
        const length = Math.min(65_536, first.offset + first.length - offset);
        const piece = await inner.read(path, { range: { offset, length } }).catch(() => undefined);
        if (piece === undefined) return;
        yield await readAll(piece.stream);
      }
    }
    return { ...first, stream: Readable.from(live(), { objectMode: false }) };
  }
}

/** Copies with a ranged read from offset 0, which an empty file cannot satisfy. */
class CopiesByRange extends ForwardingBackend {
  override async copy(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    const { stream } = await this.inner.read(from, { ...options, range: { offset: 0 } });
    return this.inner.write(to, stream, options);
  }
}

/** Creates the target's parents before checking the source of a copy. */
class CopyMakesParentsFirst extends ForwardingBackend {
  override async copy(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    const parent = parentOf(normalizePath(to));
    if (parent !== '') await this.inner.createDir(parent);
    return this.inner.copy!(from, to, options);
  }
}

/** Checks the signal of a listing once, at the start, and never again. */
class ListAbortAtStartOnly extends ForwardingBackend {
  override list(path: string, options: ListOptions = {}): AsyncIterable<BackendEntry> {
    const { signal, ...rest } = options;
    const inner = this.inner;
    return (async function* () {
      if (signal?.aborted === true) throw new StowageError('STOWAGE_ABORTED', 'aborted');
      yield* inner.list(path, rest);
    })();
  }
}

/** Adds an abort listener for every stat and never removes it. */
class LeaksAbortListeners extends ForwardingBackend {
  override stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    options?.signal?.addEventListener('abort', () => undefined);
    return this.inner.stat(path, options);
  }
}

/** After a failed write, fires off a cleanup that rejects with nobody listening. */
class UnhandledCleanup extends ForwardingBackend {
  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    try {
      return await this.inner.write(path, source, options);
    } catch (error) {
      void Promise.reject(new Error('cleanup failed'));
      throw error;
    }
  }
}

/** Has `close`; once closed, operations reject with `STOWAGE_UNAVAILABLE` unless `broken`. */
export class WithClose extends ForwardingBackend {
  override readonly capabilities: Capabilities = defineCapabilities({ ...this.inner.capabilities, close: true });
  private closed = false;

  constructor(
    inner: Backend,
    private readonly broken = false,
  ) {
    super(inner);
    Object.defineProperty(this, 'close', { value: () => this.shutDown() });
  }

  private async shutDown(): Promise<void> {
    if (!this.broken) this.closed = true;
  }

  private check(): void {
    if (this.closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'closed');
  }

  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    this.check();
    return this.inner.stat(path, options);
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    this.check();
    return this.inner.read(path, options);
  }

  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    this.check();
    return this.inner.write(path, source, options);
  }
}

/** A broken backend and the cases that must catch it. */
export interface BrokenBackend {
  readonly name: string;
  readonly create: () => Backend;
  readonly caughtBy: readonly string[];
}

const over = (Kind: new (inner: Backend) => Backend) => () => new Kind(createMemoryBackend({ name: 'broken' }));

/** The broken backends the kit must catch, with the cases that catch each. */
export const BROKEN_BACKENDS: readonly BrokenBackend[] = [
  { name: 'throws plain errors', create: over(PlainErrors), caughtBy: ['errors/context', 'read/missing', 'stat/missing'] },
  { name: 'drops error context', create: over(ContextFree), caughtBy: ['errors/context'] },
  { name: 'ignores ranges', create: over(IgnoresRanges), caughtBy: ['range/offset-length', 'range/suffix', 'range/never-whole-file', 'range/unsatisfiable'] },
  { name: 'reads ranges one byte late', create: over(OffByOneRanges), caughtBy: ['range/offset-length', 'range/random'] },
  { name: 'answers 416 ranges with nothing', create: over(EmptyInsteadOf416), caughtBy: ['range/unsatisfiable', 'range/empty-file'] },
  {
    name: 'makes partial writes visible',
    create: over(PartialWritesVisible),
    caughtBy: ['write/failing-source', 'write/size-short', 'abort/short-source', 'abort/write-mid-stream', 'write/no-leftovers'],
  },
  { name: 'commits writes in two steps', create: over(NonAtomicWrites), caughtBy: ['write/failing-source', 'abort/write-mid-stream'] },
  { name: 'ignores the expected size', create: over(IgnoresSize), caughtBy: ['write/size-short', 'write/size-long', 'abort/short-source'] },
  { name: 'ignores the expected digest', create: over(IgnoresDigest), caughtBy: ['write/digest-mismatch'] },
  { name: 'ignores abort signals on reads', create: over(IgnoresAbort), caughtBy: ['abort/read-already-aborted', 'abort/read-mid-stream'] },
  { name: 'is not idempotent on delete', create: over(NonIdempotentDelete), caughtBy: ['delete/idempotent'] },
  { name: 'deletes non-empty directories unasked', create: over(AlwaysRecursiveDelete), caughtBy: ['delete/non-empty-directory'] },
  { name: 'is not idempotent on createDir', create: over(NonIdempotentCreateDir), caughtBy: ['createDir/idempotent'] },
  { name: 'stops listing after 1,000 entries', create: over(FirstPageOnly), caughtBy: ['list/pagination'] },
  { name: 'lists names instead of paths', create: over(NamesInListings), caughtBy: ['list/children', 'list/recursive'] },
  { name: 'leaves temporary files visible', create: over(TempFilesVisible), caughtBy: ['write/parents', 'list/children', 'paths/special-names'] },
  { name: 'folds case', create: over(CaseInsensitive), caughtBy: ['paths/case-sensitive'] },
  { name: 'renames by copying', create: over(RenameKeepsSource), caughtBy: ['rename/basic', 'rename/overwrite'] },
  { name: 'has copy while its capabilities deny it', create: over(CapabilitiesLie), caughtBy: ['capabilities/shape'] },
  { name: 'reads directories as empty files', create: over(DirectoriesReadEmpty), caughtBy: ['read/directory'] },
  { name: 'keeps working after close', create: () => new WithClose(createMemoryBackend(), true), caughtBy: ['capabilities/close'] },
  { name: 'caches stat results too long', create: over(StaleStatCache), caughtBy: ['stat/fresh-after-change'] },
  { name: 'reports the time of the stat as modifiedAt', create: over(ModifiedNow), caughtBy: ['stat/modified-at-tracks-content'] },
  { name: 'reports the range length as the size of a ranged read', create: over(RangedEntrySize), caughtBy: ['read/entry-agrees'] },
  { name: 'lists a subdirectory once per file in it', create: over(DuplicateSubdirectories), caughtBy: ['list/no-duplicates'] },
  { name: 'fails to list below a file', create: over(ListBelowFileFails), caughtBy: ['list/below-file'] },
  { name: 'deletes siblings sharing a prefix', create: over(DeletesByPrefix), caughtBy: ['delete/not-by-prefix'] },
  { name: 'wipes everything on a recursive delete of the root', create: over(WipesRoot), caughtBy: ['paths/root'] },
  { name: 'prunes directories a delete empties', create: over(PrunesEmptyParents), caughtBy: ['delete/keeps-parent'] },
  { name: 'commits once the expected size has arrived', create: over(CommitsAtSize), caughtBy: ['write/size-met-then-fails'] },
  { name: 'accepts string chunks', create: over(AcceptsStrings), caughtBy: ['write/non-byte-chunks'] },
  { name: 'guesses what malformed ranges mean', create: over(GuessesRanges), caughtBy: ['range/programmer-errors'] },
  { name: 'reuses one buffer for every chunk', create: over(ReusesBuffer), caughtBy: ['read/whole', 'read/concurrent'] },
  { name: 'ends read streams cleanly after 4 MiB', create: over(CutsAt4MiB), caughtBy: ['read/over-4-mib'] },
  { name: 'ends a read cleanly when its file shrinks', create: over(LiveReads), caughtBy: ['read/no-short-clean-end'] },
  { name: 'cannot copy an empty file', create: over(CopiesByRange), caughtBy: ['copy/empty-file'] },
  { name: 'makes copy targets’ parents before checking the source', create: over(CopyMakesParentsFirst), caughtBy: ['copy/missing'] },
  { name: 'checks a listing’s signal only at the start', create: over(ListAbortAtStartOnly), caughtBy: ['abort/list-mid-iteration'] },
  { name: 'leaves abort listeners on the caller’s signal', create: over(LeaksAbortListeners), caughtBy: ['abort/listeners-released'] },
  { name: 'leaves a rejected cleanup unhandled', create: over(UnhandledCleanup), caughtBy: ['write/size-short', 'write/failing-source'] },
  {
    name: 'reports a wrong native hash',
    create: () => new WithNativeHashes(createMemoryBackend({ name: 'broken' }), (bytes) => createHash('sha256').update(bytes).digest('hex')),
    caughtBy: ['capabilities/native-hashes'],
  },
];
