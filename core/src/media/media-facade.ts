import type { CatalogEntry, EntryKey } from '../catalog/entry.js';
import { isLongId, verifyLongId } from '../hashing/index.js';
import { notFoundError, type Principal } from '../policies/index.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import type { RemoveContext, RemoveTarget } from './change/remove.js';
import type { ReplaceContext } from './change/replace.js';
import type { FsckOptions, FsckReport } from './jobs/fsck-findings.js';
import type { FsckContext } from './jobs/fsck.js';
import { sweepReportOf, type SweepContext, type SweepOptions, type SweepReport } from './jobs/sweep.js';
import { required } from './layout.js';
import type { PutContext } from './put/put-context.js';
import type { ListContext } from './read/list.js';
import { ReadOperation } from './read/read-context.js';
import { plannedMoves, type BlobMove } from './rebalance.js';
import type { MediaServices } from './services.js';
import type { OperationName, Stowage, StowagePipelines } from './stowage.js';
import type { MediaOptions, OpenOptions, OpenResult, PutFile, PutOptions, PutResult, RemoveResult, StatResult } from './types.js';

function principalOf(options: MediaOptions): Principal | null {
  return options.principal ?? null;
}

/** The {@link Stowage} implementation over resolved services and pipelines. */
export class MediaFacade implements Stowage {
  #closed = false;

  constructor(
    private readonly services: MediaServices,
    private readonly pipelines: StowagePipelines,
    private readonly closers: readonly (() => Promise<void>)[],
  ) {}

  async put(files: PutFile | readonly PutFile[], options: PutOptions = {}): Promise<PutResult> {
    this.#open();
    const input = Array.isArray(files) ? (files as readonly PutFile[]) : [files as PutFile];
    const context: PutContext = { ...this.#base(options), input, files: [] };
    await this.pipelines.put.run(context);
    return required(context.result, 'the result of put');
  }

  async open(key: EntryKey, options: OpenOptions = {}): Promise<OpenResult> {
    return (await this.#read('open', key, options)) as OpenResult;
  }

  async stat(key: EntryKey, options: OpenOptions = {}): Promise<StatResult> {
    return (await this.#read('stat', key, options)) as StatResult;
  }

  async list(id: string, options: MediaOptions = {}): Promise<readonly CatalogEntry[]> {
    this.#open();
    const context: ListContext = { ...this.#base(options), id };
    await this.pipelines.list.run(context);
    return required(context.entries, 'the entries');
  }

  async remove(target: RemoveTarget, options: MediaOptions = {}): Promise<RemoveResult> {
    this.#open();
    const context: RemoveContext = { ...this.#base(options), target };
    await this.pipelines.remove.run(context);
    return required(context.result, 'the result of remove');
  }

  async replace(old: EntryKey, replacement: EntryKey, options: MediaOptions = {}): Promise<CatalogEntry> {
    this.#open();
    const context: ReplaceContext = { ...this.#base(options), old, replacement };
    await this.pipelines.replace.run(context);
    return required(context.result, 'the result of replace');
  }

  async sweep(options: SweepOptions = {}): Promise<SweepReport> {
    this.#open();
    const context: SweepContext = {
      services: this.services,
      options,
      now: this.services.config.clock(),
      expired: [],
      blobs: [],
      failed: [],
      state: {},
    };
    await this.pipelines.sweep.run(context);
    return sweepReportOf(context);
  }

  async fsck(options: FsckOptions = {}): Promise<FsckReport> {
    this.#open();
    const context: FsckContext = { services: this.services, options, now: this.services.config.clock(), findings: [], state: {} };
    await this.pipelines.fsck.run(context);
    const findings = Object.freeze([...context.findings]);
    return Object.freeze({ repair: options.repair === true, findings, clean: findings.length === 0 });
  }

  rebalance(options: { readonly signal?: AbortSignal } = {}): AsyncIterable<BlobMove> {
    this.#open();
    return plannedMoves(this.services, options.signal);
  }

  async verifyLongId(id: string): Promise<boolean> {
    this.#open();
    if (typeof id !== 'string' || !isLongId(id)) throw notFoundError({ id: String(id), filename: '' });
    const entries = (await this.services.catalog.listEntries(id)).filter((entry) => entry.state !== 'pending');
    const first = entries[0];
    if (first === undefined) throw notFoundError({ id, filename: '' });
    if (entries.some((entry, index) => entry.position !== index)) {
      throw new StowageError('STOWAGE_LOST', 'members of this folder-like were removed, so its id can no longer be recomputed', {
        context: { path: id },
      });
    }
    const salt = this.services.keyring.saltFor(first.saltKeyId);
    const contents = entries.map((entry) => this.#bytesOf(entry));
    return verifyLongId(entries, contents, salt);
  }

  pipeline<K extends OperationName>(name: K): StowagePipelines[K] {
    const pipeline = this.pipelines[name];
    if (pipeline === undefined) throw new StowageError('STOWAGE_INVALID_ARGUMENT', `there is no ${String(name)} pipeline`);
    return pipeline;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const close of this.closers) await close();
  }

  async *#bytesOf(entry: CatalogEntry): AsyncGenerator<Uint8Array> {
    let opened;
    try {
      opened = await this.services.router.shard(entry.backend).backend.read(entry.path);
    } catch (error) {
      if (isStowageError(error, 'STOWAGE_NOT_FOUND')) {
        throw new StowageError('STOWAGE_LOST', 'the blob of an entry of this id is missing', { cause: error });
      }
      throw error;
    }
    for await (const chunk of opened.stream) yield chunk as Uint8Array;
  }

  async #read(operation: 'open' | 'stat', key: EntryKey, options: OpenOptions): Promise<OpenResult | StatResult> {
    this.#open();
    this.#check(options);
    const context = new ReadOperation(this.services, options, key);
    await this.pipelines[operation].run(context);
    return required(context.result, `the result of ${operation}`);
  }

  #base(options: MediaOptions): { services: MediaServices; options: MediaOptions; principal: Principal | null; signal: AbortSignal | undefined; state: Record<string, unknown> } {
    this.#check(options);
    return { services: this.services, options, principal: principalOf(options), signal: options.signal, state: {} };
  }

  /** Refuses options that are not an object, or a principal without a non-empty name. */
  #check(options: MediaOptions): void {
    if (typeof options !== 'object' || options === null) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options must be an object');
    const principal = options.principal;
    if (principal !== undefined && principal !== null && (typeof principal !== 'object' || typeof principal.name !== 'string' || principal.name === '')) {
      throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options.principal must be null or an object with a non-empty name');
    }
  }

  #open(): void {
    if (this.#closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'this Stowage instance is closed');
  }
}
