import { performance } from 'node:perf_hooks';
import { isStowageError, StowageError } from '../stowage-error.js';
import type { ResolvedShardDescriptor } from './shard-options.js';

/** What a shard said about its free space: a byte count, or why it could not say. */
export type FreeSpaceReading =
  | { readonly ok: true; readonly bytes: number }
  | { readonly ok: false; readonly error: StowageError };

interface CachedReading {
  readonly reading: Promise<FreeSpaceReading>;
  /** When the reading stops being reused; `Infinity` while it is still being taken. */
  expiresAt: number;
}

async function takeReading(shard: ResolvedShardDescriptor): Promise<FreeSpaceReading> {
  try {
    const bytes: unknown = await shard.freeBytes!();
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
      throw new TypeError(`freeBytes of shard "${shard.name}" returned ${String(bytes)}, not a number of bytes >= 0`);
    }
    return { ok: true, bytes };
  } catch (error) {
    const failure = isStowageError(error)
      ? error
      : new StowageError('STOWAGE_UNAVAILABLE', `The free space of shard "${shard.name}" is unknown`, { cause: error });
    return { ok: false, error: failure };
  }
}

/**
 * The free-space answers of the shards, each reused for `ttlMs` after it arrives.
 *
 * Behavior:
 * - Concurrent callers share one pending call per shard, so a burst of placements asks each
 *   shard once.
 * - A failure (a rejection, or a value that is not a finite number `>= 0`) is a reading too,
 *   cached like an answer, so an unreachable shard is not asked on every placement.
 * - `read` never rejects.
 */
export class FreeSpaceCache {
  private readonly readings = new Map<string, CachedReading>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The shard's current reading, from the cache while it is fresh. */
  read(shard: ResolvedShardDescriptor): Promise<FreeSpaceReading> {
    const cached = this.readings.get(shard.name);
    if (cached !== undefined && this.now() < cached.expiresAt) return cached.reading;
    const entry: CachedReading = { reading: takeReading(shard), expiresAt: Number.POSITIVE_INFINITY };
    this.readings.set(shard.name, entry);
    void entry.reading.then(() => {
      entry.expiresAt = this.now() + this.ttlMs;
    });
    return entry.reading;
  }
}
