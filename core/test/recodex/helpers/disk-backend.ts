import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Backend, BackendEntry, ByteSource, DeleteOptions, ListOptions, ReadOptions, ReadResult, WriteOptions } from '../../../src/backend.js';
import { defineCapabilities } from '../../../src/capabilities.js';
import { checkedSource } from '../../../src/checked-source.js';
import { normalizePath } from '../../../src/path.js';
import { resolveReadRange } from '../../../src/range.js';
import { StowageError } from '../../../src/stowage-error.js';

function mapped(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new StowageError('STOWAGE_NOT_FOUND', 'no such path', { cause: error });
  return error;
}

/**
 * A plain disk backend for tests that need bytes off the heap (core cannot depend on
 * `@stowage/local`): atomic writes through a temp folder beside the root and `rename`, ranged
 * reads with `createReadStream`, recursive listings. No containment or fsync: test use only.
 */
export class DiskBackend implements Backend {
  readonly info: Backend['info'];
  readonly capabilities = defineCapabilities({ readWithRange: true, writeIsAtomic: true, statHasModifiedAt: true, rename: true });

  constructor(
    private readonly root: string,
    private readonly temp: string,
  ) {
    this.info = Object.freeze({ scheme: 'file', name: 'test-disk', root });
  }

  private host(path: string): string {
    return join(this.root, normalizePath(path, { allowRoot: true }));
  }

  async stat(path: string): Promise<BackendEntry> {
    const normalized = normalizePath(path, { allowRoot: true });
    try {
      const found = await stat(this.host(normalized));
      return { path: normalized, kind: found.isDirectory() ? 'directory' : 'file', size: found.isDirectory() ? 0 : found.size, modifiedAt: found.mtime };
    } catch (error) {
      throw mapped(error);
    }
  }

  async read(path: string, options: ReadOptions = {}): Promise<ReadResult> {
    const entry = await this.stat(path);
    if (entry.kind === 'directory') throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'a directory');
    const range = resolveReadRange(options.range, entry.size);
    const stream = range.length === 0 ? Readable.from([]) : createReadStream(this.host(path), { start: range.offset, end: range.offset + range.length - 1 });
    return { entry, stream, offset: range.offset, length: range.length };
  }

  async write(path: string, source: ByteSource, options: WriteOptions = {}): Promise<BackendEntry> {
    const target = this.host(normalizePath(path));
    await mkdir(dirname(target), { recursive: true });
    await mkdir(this.temp, { recursive: true });
    const temp = join(this.temp, randomBytes(12).toString('hex'));
    try {
      const checked = checkedSource(source, { ...(options.size === undefined ? {} : { size: options.size }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
      await pipeline(Readable.from(checked, { objectMode: false }), createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return this.stat(path);
  }

  async *list(path: string, options: ListOptions = {}): AsyncIterable<BackendEntry> {
    const base = normalizePath(path, { allowRoot: true });
    let names;
    try {
      names = await readdir(this.host(base), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const dirent of names) {
      const child = base === '' ? dirent.name : `${base}/${dirent.name}`;
      if (dirent.isDirectory()) {
        yield { path: child, kind: 'directory', size: 0 };
        if (options.recursive === true) yield* this.list(child, options);
      } else {
        yield await this.stat(child);
      }
    }
  }

  async delete(path: string, options: DeleteOptions = {}): Promise<void> {
    const host = this.host(normalizePath(path));
    try {
      const found = await stat(host);
      if (!found.isDirectory()) await unlink(host);
      else if (options.recursive === true) await rm(host, { recursive: true, force: true });
      else await rmdir(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'ENOTEMPTY') throw new StowageError('STOWAGE_DIRECTORY_NOT_EMPTY', 'not empty', { cause: error });
      throw error;
    }
  }

  async createDir(path: string): Promise<void> {
    await mkdir(this.host(path), { recursive: true });
  }

  async rename(from: string, to: string): Promise<BackendEntry> {
    const target = this.host(normalizePath(to));
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(this.host(normalizePath(from)), target);
    } catch (error) {
      throw mapped(error);
    }
    return this.stat(to);
  }
}
