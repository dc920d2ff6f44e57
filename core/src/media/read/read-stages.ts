import { addAbortSignal, type Readable } from 'node:stream';
import { abortedError } from '../../abort.js';
import { keyString, type CatalogEntry } from '../../catalog/entry.js';
import { readableFromBuffer } from '../../chunked-readable.js';
import { cacheDirectivesFor, type CacheDirectives } from '../../policies/index.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { resolveReadRange } from '../../range.js';
import { isStowageError, StowageError } from '../../stowage-error.js';
import { required } from '../layout.js';
import { findVisibleEntry, followReplacements, requireAccess } from './lookup.js';
import type { OpenedEntry } from '../types.js';
import type { ReadContext } from './read-context.js';

/** The `resolve` stage: finds the visible entry for the key, or `STOWAGE_NOT_FOUND`, before any backend I/O. */
export const resolveStage: Stage<ReadContext> = {
  name: 'resolve',
  async run(context, next) {
    context.entry = await findVisibleEntry(context.services, context.key);
    await next();
  },
};

/**
 * The `authorize` stage: the caller must be allowed to read the entry (401, 403, or a not-found
 * for hidden entries otherwise). It runs before the replacement is revealed.
 */
export const authorizeReadStage: Stage<ReadContext> = {
  name: 'authorize',
  async run(context, next) {
    await requireAccess(context.services, context.principal, 'read', required(context.entry, 'the entry'));
    await next();
  },
};

/**
 * The `redirect` stage: a replaced entry answers `replaced` with the end of its chain (the 301
 * of the Media API); with `followReplacements` the end of the chain is authorized and read instead.
 */
export const redirectStage: Stage<ReadContext> = {
  name: 'redirect',
  async run(context, next) {
    const entry = required(context.entry, 'the entry');
    if (entry.replacedBy !== null) {
      const end = await followReplacements(context.services, entry);
      if (context.options.followReplacements !== true) {
        context.result = Object.freeze({ kind: 'replaced', entry, location: Object.freeze({ id: end.id, filename: end.filename }) });
        return;
      }
      await requireAccess(context.services, context.principal, 'read', end);
      context.entry = end;
    }
    await next();
  },
};

function refuseLost(context: ReadContext): void {
  const entry = required(context.entry, 'the entry');
  if (entry.state === 'lost') {
    throw new StowageError('STOWAGE_LOST', 'the bytes of this entry are missing or corrupt', { context: { path: keyString(entry) } });
  }
}

/** The `describe` stage of `stat`: answers the entry with its caching policy. Lost entries are `STOWAGE_LOST`. */
export const describeStage: Stage<ReadContext> = {
  name: 'describe',
  async run(context, next) {
    refuseLost(context);
    const entry = required(context.entry, 'the entry');
    context.result = Object.freeze({ kind: 'entry', entry, cache: cacheDirectivesFor(entry, context.services.config.caching) });
    await next();
  },
};

/**
 * The bytes of a small blob (one the cache accepts) on a cache miss: read whole from its backend,
 * checked against the entry's SHA-256 and admitted to the cache.
 *
 * Errors: `STOWAGE_LOST` when the blob is missing or its bytes do not hash to the entry's.
 */
async function readSmallBlob(context: ReadContext, entry: CatalogEntry): Promise<Buffer> {
  const cache = context.services.smallBlobs;
  const backend = context.services.router.shard(entry.backend).backend;
  let bytes: Buffer;
  try {
    const opened = await backend.read(entry.path, context.signal === undefined ? {} : { signal: context.signal });
    // A caller that leaves while the blob is read destroys the read, whatever the backend does.
    const stream = context.signal === undefined ? opened.stream : addAbortSignal(context.signal, opened.stream);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    bytes = Buffer.concat(chunks);
  } catch (error) {
    if (isStowageError(error, 'STOWAGE_NOT_FOUND')) throw new StowageError('STOWAGE_LOST', 'the blob of this entry is missing', { cause: error });
    if (context.signal?.aborted === true) throw abortedError(context.signal);
    throw error;
  }
  if (bytes.length !== entry.size || !cache.admit(entry.sha256, bytes)) {
    throw new StowageError('STOWAGE_LOST', 'the blob of this entry does not match its hash');
  }
  return bytes;
}

/**
 * An `open` result whose bytes are already in memory (a small blob from the cache): its stream is
 * created on first use only, since an HTTP answer writes `bytes` directly. Frozen; a class, not
 * an object literal with a getter, which V8 builds on a slow path (on every such download).
 */
class HeldContent implements OpenedEntry {
  readonly kind = 'content';
  #stream: Readable | undefined;

  constructor(
    readonly entry: CatalogEntry,
    readonly cache: CacheDirectives,
    readonly offset: number,
    readonly length: number,
    readonly bytes: Buffer,
  ) {
    Object.freeze(this);
  }

  get stream(): Readable {
    return (this.#stream ??= readableFromBuffer(this.bytes));
  }
}

/**
 * The `read` stage of `open`: opens the blob on the shard recorded in the entry (never
 * recomputed) for the requested range. A blob that is missing or whose size disagrees with the
 * entry is `STOWAGE_LOST` (fsck marks it), never served. Small blobs come from the small-blob
 * cache, verified against their SHA-256 when they enter it.
 */
export const readStage: Stage<ReadContext> = {
  name: 'read',
  async run(context, next) {
    refuseLost(context);
    const entry = required(context.entry, 'the entry');
    // Resolved against the catalog's size first, so a bad range fails before any I/O.
    const range = context.options.range === undefined ? undefined : resolveReadRange(context.options.range, entry.size);
    // A hit is answered without another await; blobs too large to cache are streamed.
    const smallBlobs = context.services.smallBlobs;
    const cached = smallBlobs.accepts(entry.size) ? (smallBlobs.get(entry.sha256) ?? (await readSmallBlob(context, entry))) : undefined;
    if (cached !== undefined) {
      const offset = range?.offset ?? 0;
      const length = range?.length ?? cached.length;
      const bytes = cached.subarray(offset, offset + length);
      context.result = new HeldContent(entry, cacheDirectivesFor(entry, context.services.config.caching), offset, length, bytes);
      await next();
      return;
    }
    const backend = context.services.router.shard(entry.backend).backend;
    let opened;
    try {
      opened = await backend.read(entry.path, {
        ...(range === undefined ? {} : { range }),
        ...(context.signal === undefined ? {} : { signal: context.signal }),
      });
    } catch (error) {
      if (isStowageError(error, 'STOWAGE_NOT_FOUND')) {
        throw new StowageError('STOWAGE_LOST', 'the blob of this entry is missing', { cause: error });
      }
      throw error;
    }
    if (opened.entry.size !== entry.size) {
      opened.stream.destroy();
      throw new StowageError('STOWAGE_LOST', 'the blob of this entry has the wrong size');
    }
    context.result = Object.freeze({
      kind: 'content',
      entry,
      cache: cacheDirectivesFor(entry, context.services.config.caching),
      stream: opened.stream,
      offset: opened.offset,
      length: opened.length,
    });
    await next();
  },
};
