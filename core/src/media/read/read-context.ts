import type { CatalogEntry, EntryKey } from '../../catalog/entry.js';
import type { Principal } from '../../policies/index.js';
import type { MediaServices } from '../services.js';
import type { OpenOptions, OpenResult, StatResult } from '../types.js';

/**
 * The context the `open` and `stat` pipelines' stages share. `signal` may be an accessor (the
 * facade reads it from the options only when a stage asks): a stage that copies the context with
 * a spread must copy `signal` explicitly.
 */
export interface ReadContext {
  readonly services: MediaServices;
  readonly options: OpenOptions;
  readonly principal: Principal | null;
  readonly signal: AbortSignal | undefined;
  /** The key asked for. */
  readonly key: EntryKey;
  /** The entry being read: the one asked for, or the end of its replacement chain when followed. */
  entry?: CatalogEntry;
  /** The answer, set by the last stage. */
  result?: OpenResult | StatResult;
  /** Arbitrary data application stages share. */
  readonly state: Record<string, unknown>;
}

/**
 * The context of one `open` or `stat`. Its `signal` is read from the options when a stage asks
 * for it: reading one created lazily (the HTTP handler's) would create it for every download,
 * even those answered from memory. A class rather than a literal with a getter, which V8 builds
 * on a slow path.
 */
export class ReadOperation implements ReadContext {
  readonly principal: Principal | null;
  readonly state: Record<string, unknown> = {};
  entry?: CatalogEntry;
  result?: OpenResult | StatResult;

  constructor(
    readonly services: MediaServices,
    readonly options: OpenOptions,
    readonly key: EntryKey,
  ) {
    this.principal = options.principal ?? null;
  }

  get signal(): AbortSignal | undefined {
    return this.options.signal;
  }
}
