import {
  ForwardingBackend,
  isStowageError,
  normalizePath,
  StowageError,
  type Backend,
  type BackendEntry,
  type BackendOperation,
  type ByteSource,
  type DeleteOptions,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type ReadResult,
  type WriteOptions,
} from '@stowage/core';
import {
  decodeSegment,
  encodeKey,
  isLongName,
  longNameOf,
  PRIVATE_PREFIX,
  recordNameOf,
  storedNameOf,
} from '../name-encoding.js';

function parentOf(key: string): string {
  const slash = key.lastIndexOf('/');
  return slash === -1 ? '' : key.slice(0, slash);
}

function join(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

async function readText(backend: Backend, key: string): Promise<string | undefined> {
  try {
    const { stream } = await backend.read(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (isStowageError(error, 'STOWAGE_NOT_FOUND')) return undefined;
    throw error;
  }
}

/**
 * Stores keys under the SMB backend's name encoding on an inner backend that takes names as
 * they are (the local backend over a mounted share): the files land under exactly the names the
 * SMB backend would give them, so one share can be written over SMB and served from its mount,
 * and keys differing only in case never collide on a case-insensitive mount. Long-name aliases
 * get their records (written after the file, removed with it); listings decode names and skip
 * private and foreign ones. Errors keep their code and carry the key, not the stored name.
 */
export class EncodedNamesBackend extends ForwardingBackend {
  override readonly layerName = 'smb-names';

  override stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.call('stat', path, true, async (key) => ({ ...(await this.inner.stat(encodeKey(key), options)), path: key }));
  }

  override read(path: string, options?: ReadOptions): Promise<ReadResult> {
    return this.call('read', path, false, async (key) => {
      const result = await this.inner.read(encodeKey(key), options);
      return { ...result, entry: { ...result.entry, path: key } };
    });
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    return this.call('write', path, false, async (key) => {
      const entry = await this.inner.write(encodeKey(key), source, options);
      await this.writeRecords(key);
      return { ...entry, path: key };
    });
  }

  override async *list(path: string, options: ListOptions = {}): AsyncGenerator<BackendEntry> {
    const key = this.key('list', path, true);
    const prefix = encodeKey(key);
    const names = new Map<string, string | undefined>();
    try {
      for await (const entry of this.inner.list(prefix, options)) {
        const relative = prefix === '' ? entry.path : entry.path.slice(prefix.length + 1);
        let decoded: string | undefined = key;
        let stored = prefix;
        for (const name of relative.split('/')) {
          const at = join(stored, name);
          if (!names.has(at)) names.set(at, await this.segmentOf(stored, name));
          const segment = names.get(at);
          decoded = segment === undefined ? undefined : join(decoded, segment);
          if (decoded === undefined) break;
          stored = at;
        }
        if (decoded !== undefined) yield { ...entry, path: decoded };
      }
    } catch (error) {
      throw this.rekeyed(error, 'list', key);
    }
  }

  override delete(path: string, options: DeleteOptions = {}): Promise<void> {
    return this.call('delete', path, false, async (key) => {
      const stored = encodeKey(key);
      try {
        await this.inner.delete(stored, options);
      } catch (error) {
        if (!isStowageError(error, 'STOWAGE_DIRECTORY_NOT_EMPTY') || !(await this.onlyPrivate(stored))) throw error;
        await this.inner.delete(stored, { ...options, recursive: true });
      }
      await this.removeRecord(key);
    });
  }

  override createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.call('createDir', path, true, async (key) => {
      await this.inner.createDir(encodeKey(key), options);
      await this.writeRecords(key);
    });
  }

  override copy(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.call('copy', from, false, async (key) => {
      const target = this.key('copy', to, false);
      const entry = await this.inner.copy!(encodeKey(key), encodeKey(target), options);
      await this.writeRecords(target);
      return { ...entry, path: target };
    });
  }

  override rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.call('rename', from, false, async (key) => {
      const target = this.key('rename', to, false);
      const entry = await this.inner.rename!(encodeKey(key), encodeKey(target), options);
      await this.writeRecords(target);
      if (target !== key) await this.removeRecord(key);
      return { ...entry, path: target };
    });
  }

  override localPath(path: string, options?: OperationOptions): Promise<string> {
    return this.call('localPath', path, false, (key) => this.inner.localPath!(encodeKey(key), options));
  }

  /** Writes the records of the long-name aliases along `key`. */
  private async writeRecords(key: string): Promise<void> {
    let parent = '';
    for (const segment of key === '' ? [] : key.split('/')) {
      const { name, long } = storedNameOf(segment);
      if (long && (await readText(this.inner, join(parent, recordNameOf(name)))) !== segment) {
        await this.inner.write(join(parent, recordNameOf(name)), [Buffer.from(segment, 'utf8')]);
      }
      parent = join(parent, name);
    }
  }

  private async removeRecord(key: string): Promise<void> {
    const { name, long } = storedNameOf(key.slice(key.lastIndexOf('/') + 1));
    if (long) await this.inner.delete(join(encodeKey(parentOf(key)), recordNameOf(name))).catch(() => undefined);
  }

  /** The key segment a stored name in the stored folder `parent` stands for. */
  private async segmentOf(parent: string, name: string): Promise<string | undefined> {
    if (!isLongName(name)) return decodeSegment(name);
    const segment = await readText(this.inner, join(parent, recordNameOf(name)));
    return segment !== undefined && segment !== '' && longNameOf(segment) === name ? segment : undefined;
  }

  private async onlyPrivate(stored: string): Promise<boolean> {
    for await (const entry of this.inner.list(stored)) {
      if (!entry.path.slice(entry.path.lastIndexOf('/') + 1).startsWith(PRIVATE_PREFIX)) return false;
    }
    return true;
  }

  private key(operation: BackendOperation, path: string, allowRoot: boolean): string {
    return normalizePath(path, { allowRoot, operation, backend: this.info.name });
  }

  private rekeyed(error: unknown, operation: BackendOperation, key: string): unknown {
    if (!isStowageError(error)) return error;
    return new StowageError(error.code, error.message, {
      cause: error.cause ?? error,
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      context: { ...error.context, backend: this.info.name, operation, path: key },
    });
  }

  private async call<T>(operation: BackendOperation, path: string, allowRoot: boolean, body: (key: string) => Promise<T>): Promise<T> {
    const key = this.key(operation, path, allowRoot);
    try {
      return await body(key);
    } catch (error) {
      throw this.rekeyed(error, operation, key);
    }
  }
}
