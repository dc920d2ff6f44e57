import type { ResolvedShardDescriptor } from './shard-options.js';

/** Where an entry's bytes are recorded to live (a catalog row, say). */
export interface Placement {
  /** The placement key the entry was placed by. */
  readonly key: string;
  /** The name of the shard holding the bytes. */
  readonly shard: string;
  /** The number of bytes, counted in the plan's totals. */
  readonly size: number;
}

/** A placement the current strategy would put on another shard. */
export interface RebalanceMove {
  readonly key: string;
  /** The shard holding the bytes now. */
  readonly from: string;
  /** The shard the current strategy chooses. */
  readonly to: string;
  readonly size: number;
}

/** The moves from one shard to another. */
export interface RebalanceRoute {
  readonly from: string;
  readonly to: string;
  readonly moves: number;
  readonly bytes: number;
}

/** What a rebalance would take from and bring to one shard. */
export interface RebalanceShardTotals {
  readonly shard: string;
  readonly movesOut: number;
  readonly bytesOut: number;
  readonly movesIn: number;
  readonly bytesIn: number;
  /** `bytesIn - bytesOut`: how much fuller the shard would be afterwards. */
  readonly netBytes: number;
}

/** The summary of a rebalance dry run, what an operator sizes a migration by. */
export interface RebalancePlan {
  /** How many placements were examined, and their bytes. */
  readonly examined: number;
  readonly examinedBytes: number;
  /** How many would move, and their bytes. */
  readonly moves: number;
  readonly bytes: number;
  /** One row per (from, to) pair with moves, sorted by `from` then `to`. */
  readonly routes: readonly RebalanceRoute[];
  /** One row per shard of the router, in the router's order (zeros included). */
  readonly shards: readonly RebalanceShardTotals[];
}

/** What the dry run needs from the router. */
export interface RebalanceRouter {
  readonly shards: readonly ResolvedShardDescriptor[];
  place(key: string): Promise<ResolvedShardDescriptor>;
  shard(name: string): ResolvedShardDescriptor;
}

function checkPlacement(placement: Placement): void {
  if (typeof placement !== 'object' || placement === null) throw new TypeError('A placement must be an object');
  if (typeof placement.key !== 'string') throw new TypeError('A placement key must be a string');
  if (typeof placement.shard !== 'string') throw new TypeError('A placement shard must be a string');
  if (typeof placement.size !== 'number' || !Number.isFinite(placement.size) || placement.size < 0) {
    throw new TypeError('A placement size must be a finite number >= 0');
  }
}

/**
 * The move the current strategy would make for `placement`, or `undefined` when it stays.
 *
 * @throws StowageError `STOWAGE_NOT_FOUND` (the recorded shard is unknown), and what `place`
 *   throws (`STOWAGE_UNAVAILABLE`, `STOWAGE_INSUFFICIENT_STORAGE`).
 */
export async function moveFor(router: RebalanceRouter, placement: Placement): Promise<RebalanceMove | undefined> {
  checkPlacement(placement);
  const from = router.shard(placement.shard);
  const to = await router.place(placement.key);
  if (to === from) return undefined;
  return Object.freeze({ key: placement.key, from: from.name, to: to.name, size: placement.size });
}

/** Yields the moves of a dry run, one placement at a time; nothing is read or moved. */
export async function* rebalanceMoves(
  router: RebalanceRouter,
  placements: AsyncIterable<Placement> | Iterable<Placement>,
): AsyncGenerator<RebalanceMove> {
  for await (const placement of placements) {
    const move = await moveFor(router, placement);
    if (move !== undefined) yield move;
  }
}

interface Tally {
  moves: number;
  bytes: number;
}

/** Runs the dry run to its end and sums it up per route and per shard. */
export async function planRebalance(
  router: RebalanceRouter,
  placements: AsyncIterable<Placement> | Iterable<Placement>,
): Promise<RebalancePlan> {
  let examined = 0;
  let examinedBytes = 0;
  const total: Tally = { moves: 0, bytes: 0 };
  const routes = new Map<string, RebalanceRoute & Tally>();
  const outgoing = new Map<string, Tally>(router.shards.map((shard) => [shard.name, { moves: 0, bytes: 0 }]));
  const incoming = new Map<string, Tally>(router.shards.map((shard) => [shard.name, { moves: 0, bytes: 0 }]));
  for await (const placement of placements) {
    const move = await moveFor(router, placement);
    examined += 1;
    examinedBytes += placement.size;
    if (move === undefined) continue;
    const routeKey = `${move.from}\0${move.to}`;
    const route = routes.get(routeKey) ?? { from: move.from, to: move.to, moves: 0, bytes: 0 };
    routes.set(routeKey, route);
    for (const tally of [total, route, outgoing.get(move.from)!, incoming.get(move.to)!]) {
      tally.moves += 1;
      tally.bytes += move.size;
    }
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return Object.freeze({
    examined,
    examinedBytes,
    moves: total.moves,
    bytes: total.bytes,
    routes: Object.freeze(
      [...routes.values()]
        .sort((a, b) => byName(a.from, b.from) || byName(a.to, b.to))
        .map((route) => Object.freeze({ ...route })),
    ),
    shards: Object.freeze(
      router.shards.map((shard) => {
        const out = outgoing.get(shard.name)!;
        const into = incoming.get(shard.name)!;
        return Object.freeze({
          shard: shard.name,
          movesOut: out.moves,
          bytesOut: out.bytes,
          movesIn: into.moves,
          bytesIn: into.bytes,
          netBytes: into.bytes - out.bytes,
        });
      }),
    ),
  });
}
