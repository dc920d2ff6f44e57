import { createHash, randomBytes } from 'node:crypto';
import type { Backend, BackendEntry, ByteSource, ReadResult } from '../backend.js';
import type { ReadRange } from '../range.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import { KeyedLock } from './keyed-lock.js';
import { moveWithin } from './layout.js';

const SHA1 = /^[0-9a-f]{40}$/;

/** Options of {@link createTaskStore}. */
export interface TaskStoreOptions {
  readonly backend: Backend;
  /** Where task files live: `<prefix>/<first hex char>/<sha1>`. @defaultValue `'tasks'` */
  readonly prefix?: string;
  /** Where bytes arrive before their hash is known. @defaultValue `'incoming-tasks'` */
  readonly staging?: string;
}

/** What {@link TaskStore.put} answers. */
export interface StoredTaskFile {
  /** Lowercase hex SHA-1 of the bytes. */
  readonly sha1: string;
  readonly size: number;
  /** The backend path, `<prefix>/<first hex char>/<sha1>`. */
  readonly path: string;
  /** `false` when a file with this hash was already stored (it is never rewritten). */
  readonly created: boolean;
}

/**
 * The ReCodEx task-file store: files addressed by the SHA-1 of their bytes at
 * `tasks/<first hex char>/<sha1>`, with no catalog.
 *
 * Behavior: `put` streams the bytes to a staging name while hashing them, then moves them to
 * their address unless a file already lives there (existing hashes are not rewritten; the
 * staged copy is dropped). Concurrent puts of the same bytes in one process store once.
 * `open`/`stat` accept only 40 lowercase hex characters.
 *
 * Errors: `STOWAGE_NOT_FOUND` for a malformed or unknown hash; the backend's codes otherwise.
 */
export interface TaskStore {
  put(source: ByteSource, options?: { readonly size?: number; readonly signal?: AbortSignal }): Promise<StoredTaskFile>;
  open(sha1: string, options?: { readonly range?: ReadRange; readonly signal?: AbortSignal }): Promise<ReadResult>;
  stat(sha1: string): Promise<BackendEntry>;
  /** The backend path of a hash (validated). */
  pathOf(sha1: string): string;
}

/** Builds a {@link TaskStore} over a backend. */
export function createTaskStore(options: TaskStoreOptions): TaskStore {
  const { backend } = options;
  const prefix = options.prefix ?? 'tasks';
  const staging = options.staging ?? 'incoming-tasks';
  const locks = new KeyedLock();
  const pathOf = (sha1: string): string => {
    if (typeof sha1 !== 'string' || !SHA1.test(sha1)) {
      throw new StowageError('STOWAGE_NOT_FOUND', 'no task file has this hash');
    }
    return `${prefix}/${sha1[0]}/${sha1}`;
  };
  const exists = async (path: string): Promise<boolean> => {
    try {
      await backend.stat(path);
      return true;
    } catch (error) {
      if (isStowageError(error, 'STOWAGE_NOT_FOUND')) return false;
      throw error;
    }
  };
  const store: TaskStore = {
    pathOf,
    async put(source, putOptions = {}) {
      const hash = createHash('sha1');
      async function* hashed(): AsyncGenerator<Uint8Array> {
        for await (const chunk of source) {
          hash.update(chunk);
          yield chunk;
        }
      }
      const stagingPath = `${staging}/${randomBytes(16).toString('hex')}`;
      const written = await backend.write(stagingPath, hashed(), putOptions);
      const sha1 = hash.digest('hex');
      const path = pathOf(sha1);
      try {
        const created = await locks.run(sha1, async () => {
          if (await exists(path)) return false;
          await moveWithin(backend, stagingPath, path, putOptions.signal);
          return true;
        });
        return Object.freeze({ sha1, size: written.size, path, created });
      } finally {
        await backend.delete(stagingPath).catch(() => undefined);
      }
    },
    async open(sha1, openOptions = {}) {
      return backend.read(pathOf(sha1), openOptions);
    },
    async stat(sha1) {
      return backend.stat(pathOf(sha1));
    },
  };
  return Object.freeze(store);
}
