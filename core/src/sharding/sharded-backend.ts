import type {
  Backend,
  BackendEntry,
  BackendInfo,
  ByteSource,
  DeleteOptions,
  LinkOptions,
  ListOptions,
  OperationOptions,
  ReadOptions,
  ReadResult,
  WriteOptions,
} from '../backend.js';
import { throwIfAborted } from '../abort.js';
import { OPTIONAL_OPERATIONS, type Capabilities } from '../capabilities.js';
import { releaseSource } from '../checked-source.js';
import { normalizePath } from '../path.js';
import { StowageError, type BackendOperation, type ErrorContext } from '../stowage-error.js';
import { mergedListing } from './merged-listing.js';
import { intersectCapabilities } from './shard-capabilities.js';
import { inContext, onShard } from './shard-errors.js';
import { checkFileSlot, locate, onEveryShard, probeShards, removeOlderCopies, type ShardLookup } from './shard-lookup.js';
import type { ResolvedShardDescriptor } from './shard-options.js';
import { shardEntry } from './shard-entry.js';
import { transferFile } from './shard-transfer.js';

/**
 * One {@link Backend} over all the shards of a router. See the sharding README for the rules;
 * in short: a file is written to the shard `place(path)` chooses, and looked for on the shards
 * in `locate(path)` order; directories exist where any shard has them; the namespace is checked
 * across shards, so a file never shadows a directory of another shard.
 */
export class ShardedBackend implements Backend {
  readonly info: BackendInfo;
  readonly capabilities: Capabilities;

  constructor(
    name: string,
    private readonly lookup: ShardLookup,
  ) {
    this.info = Object.freeze({ scheme: 'sharded', name, root: lookup.shards.map((shard) => shard.name).join(',') });
    this.capabilities = intersectCapabilities(lookup.shards.map((shard) => shard.backend.capabilities));
    for (const operation of OPTIONAL_OPERATIONS) {
      if (!this.capabilities[operation]) {
        Object.defineProperty(this, operation, { value: undefined, enumerable: false, configurable: true });
      }
    }
  }

  stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('stat', path, options, true, async (key) => {
      const { shard, value } = await locate(this.lookup.locate(key), options, (backend) => backend.stat(key, options));
      return shardEntry(value, shard);
    });
  }

  read(path: string, options?: ReadOptions): Promise<ReadResult> {
    return this.run('read', path, options, false, async (key) => {
      const { shard, value } = await locate(this.lookup.locate(key), options, (backend) => backend.read(key, options));
      return { ...value, entry: shardEntry(value.entry, shard) };
    });
  }

  write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    return this.run('write', path, options, false, async (key) => {
      const target = await this.lookup.place(key);
      const olderCopies = await checkFileSlot(this.lookup.shards, target, key, options);
      const entry = await onShard(target.name, () => target.backend.write(key, source, options));
      await removeOlderCopies(olderCopies, key);
      return shardEntry(entry, target);
    }).catch((error: unknown) => {
      // A source the write failed before reading would keep a request body's socket open; after
      // a shard consumed or released it, destroying it again changes nothing.
      releaseSource(source);
      throw error;
    });
  }

  list(path: string, options: ListOptions = {}): AsyncIterable<BackendEntry> {
    return this.listEntries(path, options);
  }

  delete(path: string, options: DeleteOptions = {}): Promise<void> {
    return this.run('delete', path, options, false, async (key) => {
      if (options.recursive === true) {
        await onEveryShard(this.lookup.shards, (shard) => shard.backend.delete(key, options));
        return;
      }
      const holders = (await probeShards(this.lookup.shards, key, options, false)).filter(
        ({ state }) => state === 'file' || state === 'directory',
      );
      const directories = holders.filter(({ state }) => state === 'directory').map(({ shard }) => shard);
      const empty = await onEveryShard(directories, (shard) => isEmptyDirectory(shard, key, options));
      if (empty.includes(false)) throw new StowageError('STOWAGE_DIRECTORY_NOT_EMPTY', 'Directory not empty');
      await onEveryShard(
        holders.map(({ shard }) => shard),
        (shard) => shard.backend.delete(key, options),
      );
    });
  }

  createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.run('createDir', path, options, true, async (key) => {
      const states = await probeShards(this.lookup.shards, key, options);
      if (states.some(({ state }) => state === 'file' || state === 'below-file')) {
        throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'A file stands where a directory is needed');
      }
      if (states.some(({ state }) => state === 'directory')) return;
      const target = await this.lookup.place(key);
      await onShard(target.name, () => target.backend.createDir(key, options));
    });
  }

  copy?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('copy', from, options, false, (key) => transferFile(this.lookup, 'copy', key, this.target('copy', to), options));
  }

  rename?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.run('rename', from, options, false, (key) =>
      transferFile(this.lookup, 'rename', key, this.target('rename', to), options),
    );
  }

  link?(path: string, options?: LinkOptions): Promise<URL> {
    return this.run('link', path, options, false, async (key) => {
      return (await locate(this.lookup.locate(key), options, (backend) => backend.link!(key, options))).value;
    });
  }

  localPath?(path: string, options?: OperationOptions): Promise<string> {
    return this.run('localPath', path, options, false, async (key) => {
      return (await locate(this.lookup.locate(key), options, (backend) => backend.localPath!(key, options))).value;
    });
  }

  private target(operation: BackendOperation, to: string): string {
    return normalizePath(to, { backend: this.info.name, operation });
  }

  private async *listEntries(path: string, options: ListOptions): AsyncGenerator<BackendEntry> {
    let context: ErrorContext = { backend: this.info.name, operation: 'list' };
    try {
      const key = normalizePath(path, { allowRoot: true, ...context });
      context = { ...context, path: key };
      throwIfAborted(options.signal, context);
      yield* mergedListing(this.lookup, key, options, context);
    } catch (error) {
      throw inContext(error, context);
    }
  }

  /**
   * Normalizes the path, checks the signal, runs `body`, and reports any failure with this
   * backend's name, the operation and the normalized path.
   */
  private async run<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    allowRoot: boolean,
    body: (key: string) => Promise<T>,
  ): Promise<T> {
    let context: ErrorContext = { backend: this.info.name, operation };
    try {
      const key = normalizePath(path, { allowRoot, ...context });
      context = { ...context, path: key };
      throwIfAborted(options?.signal, context);
      return await body(key);
    } catch (error) {
      throw inContext(error, context);
    }
  }
}

async function isEmptyDirectory(shard: ResolvedShardDescriptor, key: string, options: OperationOptions): Promise<boolean> {
  const signal = options.signal;
  for await (const _entry of shard.backend.list(key, signal === undefined ? {} : { signal })) return false;
  return true;
}
