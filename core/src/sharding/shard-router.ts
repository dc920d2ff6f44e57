import type { Backend } from '../backend.js';
import { StowageError } from '../stowage-error.js';
import { FreeSpaceCache } from './free-space.js';
import { planRebalance, rebalanceMoves, type Placement, type RebalanceMove, type RebalancePlan } from './rebalance.js';
import { bestShard, rankShards } from './rendezvous.js';
import {
  parseShardRouterOptions,
  type PlacementStrategy,
  type ResolvedShardDescriptor,
  type ShardRouterOptions,
} from './shard-options.js';
import { ShardedBackend } from './sharded-backend.js';

/**
 * Chooses the shard of new data, finds the shard recorded for old data, plans rebalances, and
 * offers all shards as one {@link Backend}.
 *
 * Placement is a pure function of the key, the shard set and (under `free-space`) the cached
 * free space: the caller records the chosen shard's name with the entry and reads through
 * {@link ShardRouter.shard}, never by recomputing placement.
 */
export interface ShardRouter {
  /** Every shard, active or not, in the order given, with defaults filled in. Frozen. */
  readonly shards: readonly ResolvedShardDescriptor[];
  /** The placement strategy in force. */
  readonly strategy: PlacementStrategy;

  /**
   * The shard new data under `key` goes to: the first of {@link ShardRouter.rank}.
   *
   * Behavior:
   * - `rendezvous`: weighted highest-random-weight hashing by the static weights; the same key
   *   and shard set always give the same shard. Adding a shard moves only the keys it wins;
   *   removing or deactivating one moves only the keys it held.
   * - `free-space`: the same hashing with each active shard weighted by its free bytes (cached
   *   for `freeSpaceTtlMs`). Shards reporting 0 bytes, or failing to report, are not chosen.
   *
   * @throws StowageError `STOWAGE_UNAVAILABLE` (no active shard, or under `free-space` none could
   *   report its free space and none has room), `STOWAGE_INSUFFICIENT_STORAGE` (`free-space`:
   *   every active shard reports 0 free bytes). A non-string key is a `TypeError`.
   */
  place(key: string): Promise<ResolvedShardDescriptor>;

  /**
   * Every active shard ordered for `key`, best first, by the scores `place` uses; under
   * `free-space`, shards that are full or failed to report come last (in their static order).
   * Empty when no shard is active. A non-string key is a `TypeError`.
   */
  rank(key: string): Promise<readonly ResolvedShardDescriptor[]>;

  /**
   * The shard of that name, active or not: where to read an entry whose shard was recorded.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND` with the name in `context.backend`.
   */
  shard(name: string): ResolvedShardDescriptor;

  /**
   * Dry run: for each recorded placement, where the current strategy would put it; yields only
   * those that would move, as they are found. Reads no backend and moves nothing.
   *
   * @throws StowageError `STOWAGE_NOT_FOUND` (a placement names an unknown shard), and what
   *   {@link ShardRouter.place} throws. A malformed placement is a `TypeError`.
   */
  rebalance(placements: AsyncIterable<Placement> | Iterable<Placement>): AsyncIterable<RebalanceMove>;

  /**
   * Runs {@link ShardRouter.rebalance} to its end and sums it up: placements examined, moves and
   * bytes in total, per (from → to) route and per shard. Memory is bounded by the number of
   * shards, not of placements.
   */
  planRebalance(placements: AsyncIterable<Placement> | Iterable<Placement>): Promise<RebalancePlan>;

  /**
   * All shards as one {@link Backend} named `name` (`info.scheme` is `sharded`). See the
   * sharding README for how it places, finds, lists and moves files.
   *
   * @throws StowageError `STOWAGE_INVALID_CONFIG` when `name` is not a non-empty string.
   */
  asBackend(name?: string): Backend;
}

class Router implements ShardRouter {
  readonly shards: readonly ResolvedShardDescriptor[];
  readonly strategy: PlacementStrategy;
  private readonly byName: ReadonlyMap<string, ResolvedShardDescriptor>;
  private readonly active: readonly ResolvedShardDescriptor[];
  private readonly inactive: readonly ResolvedShardDescriptor[];
  private readonly freeSpace: FreeSpaceCache;

  constructor(options: ShardRouterOptions) {
    const resolved = parseShardRouterOptions(options);
    this.shards = resolved.shards;
    this.strategy = resolved.strategy;
    this.byName = new Map(this.shards.map((shard) => [shard.name, shard]));
    this.active = this.shards.filter((shard) => shard.active);
    this.inactive = this.shards.filter((shard) => !shard.active);
    this.freeSpace = new FreeSpaceCache(resolved.freeSpaceTtlMs);
  }

  async place(key: string): Promise<ResolvedShardDescriptor> {
    if (typeof key !== 'string') throw new TypeError('A placement key must be a string');
    if (this.active.length === 0) throw new StowageError('STOWAGE_UNAVAILABLE', 'No shard is active');
    // The hot path: one pass, no free-space figures, no sorting.
    if (this.strategy === 'rendezvous') return bestShard(this.active, key)!;
    const { ranked, usable, failure } = await this.weigh(key);
    const best = ranked[0]!;
    if (usable.has(best)) return best;
    if (failure !== undefined) {
      throw new StowageError('STOWAGE_UNAVAILABLE', 'No shard with free space could be found', { cause: failure });
    }
    throw new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'Every active shard is full');
  }

  async rank(key: string): Promise<readonly ResolvedShardDescriptor[]> {
    return Object.freeze((await this.weigh(key)).ranked);
  }

  shard(name: string): ResolvedShardDescriptor {
    const shard = this.byName.get(name);
    if (shard === undefined) {
      throw new StowageError('STOWAGE_NOT_FOUND', 'No shard has that name', { context: { backend: String(name) } });
    }
    return shard;
  }

  rebalance(placements: AsyncIterable<Placement> | Iterable<Placement>): AsyncIterable<RebalanceMove> {
    return rebalanceMoves(this, placements);
  }

  planRebalance(placements: AsyncIterable<Placement> | Iterable<Placement>): Promise<RebalancePlan> {
    return planRebalance(this, placements);
  }

  asBackend(name = 'sharded'): Backend {
    if (typeof name !== 'string' || name === '') {
      throw new StowageError('STOWAGE_INVALID_CONFIG', 'shard router: the backend name must be a non-empty string');
    }
    return new ShardedBackend(name, {
      shards: this.shards,
      place: (key) => this.place(key),
      locate: (key) => this.locate(key),
    });
  }

  /**
   * Every shard in the order a file stored under `key` is looked for: the active shards by
   * static-weight rendezvous (under `rendezvous`, `rank(key)` exactly), then the inactive ones
   * the same way. Synchronous: finding data never waits for free-space figures.
   */
  locate(key: string): readonly ResolvedShardDescriptor[] {
    return [...rankShards(this.active, key), ...rankShards(this.inactive, key)];
  }

  /** The active shards ranked for `key`, with those that may take data and the first failure. */
  private async weigh(key: string): Promise<{
    ranked: ResolvedShardDescriptor[];
    usable: ReadonlySet<ResolvedShardDescriptor>;
    failure?: unknown;
  }> {
    if (typeof key !== 'string') throw new TypeError('A placement key must be a string');
    if (this.strategy === 'rendezvous') return { ranked: rankShards(this.active, key), usable: new Set(this.active) };
    const readings = await Promise.all(this.active.map((shard) => this.freeSpace.read(shard)));
    const free = new Map<ResolvedShardDescriptor, number>();
    let failure: unknown;
    readings.forEach((reading, index) => {
      const shard = this.active[index]!;
      if (reading.ok) free.set(shard, reading.bytes);
      else failure ??= reading.error;
    });
    const ranked = rankShards(this.active, key, (shard) => free.get(shard) ?? 0);
    const usable = new Set(this.active.filter((shard) => (free.get(shard) ?? 0) > 0));
    return failure === undefined ? { ranked, usable } : { ranked, usable, failure };
  }
}

/**
 * Builds a {@link ShardRouter}; options are validated once and frozen.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the field (see `parseShardRouterOptions`).
 */
export function createShardRouter(options: ShardRouterOptions): ShardRouter {
  return new Router(options);
}
