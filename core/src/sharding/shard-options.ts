import type { Backend } from '../backend.js';
import { findBackendShapeProblems } from '../backend-shape.js';
import { StowageError } from '../stowage-error.js';

/** A storage root the router may place blobs on. */
export interface ShardDescriptor {
  /** Unique among the router's shards, non-empty, a path segment: `[A-Za-z0-9._-]+`, not `.` or `..`. */
  readonly name: string;
  /** Where the shard's blobs live. The router does not own it: whoever created it closes it. */
  readonly backend: Backend;
  /**
   * Inactive shards are never chosen for new data but stay readable (and deletable), so a shard
   * can be drained without losing access to what it holds. @defaultValue true
   */
  readonly active?: boolean;
  /**
   * The shard's static share of new data under the `rendezvous` strategy: a shard of weight 2
   * receives twice the keys of a shard of weight 1. Finite and `> 0`. @defaultValue 1
   */
  readonly weight?: number;
  /**
   * The bytes still free on the shard, for the `free-space` strategy (required there for every
   * active shard). It should bound its own running time: `place` waits for it. See
   * `localFreeBytes` for a directory on a local or mounted file system.
   */
  readonly freeBytes?: () => Promise<number>;
}

/** A {@link ShardDescriptor} with its defaults filled in, as the router reports it. Frozen. */
export interface ResolvedShardDescriptor extends ShardDescriptor {
  readonly active: boolean;
  readonly weight: number;
}

/**
 * How the router chooses the shard of a new key.
 *
 * - `rendezvous`: weighted highest-random-weight hashing over the static weights. Deterministic,
 *   and adding or removing a shard moves only the keys that must move.
 * - `free-space`: the same hashing with each shard weighted by its free bytes, so emptier shards
 *   fill faster; a key's shard changes as free space changes.
 */
export type PlacementStrategy = 'rendezvous' | 'free-space';

/** Options of `createShardRouter`. */
export interface ShardRouterOptions {
  /** The shards, at least one. Their order is the order `shards` reports and listings visit. */
  readonly shards: readonly ShardDescriptor[];
  /** @defaultValue `'rendezvous'` */
  readonly strategy?: PlacementStrategy;
  /**
   * How long a shard's `freeBytes` answer (or failure) is reused under `free-space`, in
   * milliseconds; `0` asks on every placement. Longer is cheaper but lets a filling shard take
   * more writes before its weight drops. @defaultValue 5000
   */
  readonly freeSpaceTtlMs?: number;
}

/** {@link ShardRouterOptions} after validation: defaults filled in, everything frozen. */
export interface ResolvedShardRouterOptions {
  readonly shards: readonly ResolvedShardDescriptor[];
  readonly strategy: PlacementStrategy;
  readonly freeSpaceTtlMs: number;
}

const SHARD_NAME = /^[A-Za-z0-9._-]{1,255}$/;
const STRATEGIES: readonly PlacementStrategy[] = ['rendezvous', 'free-space'];

function invalid(field: string, expectation: string): never {
  throw new StowageError('STOWAGE_INVALID_CONFIG', `shard router: ${field} ${expectation}`);
}

/** Whether `name` may name a shard: a path segment of `[A-Za-z0-9._-]`, not `.` or `..`. */
export function isValidShardName(name: unknown): name is string {
  return typeof name === 'string' && SHARD_NAME.test(name) && name !== '.' && name !== '..';
}

function parseShard(input: unknown, index: number, strategy: PlacementStrategy): ResolvedShardDescriptor {
  const field = `shards[${String(index)}]`;
  if (typeof input !== 'object' || input === null) invalid(field, 'must be an object');
  const { name, backend, active = true, weight = 1, freeBytes } = input as Record<string, unknown>;
  if (!isValidShardName(name)) invalid(`${field}.name`, 'must be a path segment of [A-Za-z0-9._-] (not "." or "..")');
  if (typeof backend !== 'object' || backend === null) invalid(`${field}.backend`, 'must be a Backend');
  const problems = findBackendShapeProblems(backend as Backend);
  if (problems.length > 0) invalid(`${field}.backend`, `is not a well-formed Backend (${problems.join('; ')})`);
  if (typeof active !== 'boolean') invalid(`${field}.active`, 'must be a boolean');
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    invalid(`${field}.weight`, 'must be a finite number > 0');
  }
  if (freeBytes !== undefined && typeof freeBytes !== 'function') invalid(`${field}.freeBytes`, 'must be a function');
  if (strategy === 'free-space' && active && freeBytes === undefined) {
    invalid(`${field}.freeBytes`, 'is required for an active shard under the free-space strategy');
  }
  return Object.freeze({
    name,
    backend: backend as Backend,
    active,
    weight,
    ...(freeBytes === undefined ? {} : { freeBytes: freeBytes as () => Promise<number> }),
  });
}

/**
 * Validates the router's options once, fills in the defaults and freezes the result.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the field: no shards, a name that is not a
 *   path segment or is used twice, a malformed backend or one given to two shards, a weight that
 *   is not a finite number above 0, an unknown strategy, a negative TTL, an active shard without
 *   `freeBytes` under `free-space`.
 */
export function parseShardRouterOptions(input: unknown): ResolvedShardRouterOptions {
  if (typeof input !== 'object' || input === null) invalid('options', 'must be an object');
  const { shards, strategy = 'rendezvous', freeSpaceTtlMs = 5000 } = input as Record<string, unknown>;
  if (!STRATEGIES.includes(strategy as PlacementStrategy)) invalid('strategy', `must be one of ${STRATEGIES.join(', ')}`);
  if (typeof freeSpaceTtlMs !== 'number' || !Number.isFinite(freeSpaceTtlMs) || freeSpaceTtlMs < 0) {
    invalid('freeSpaceTtlMs', 'must be a finite number >= 0');
  }
  if (!Array.isArray(shards) || shards.length === 0) invalid('shards', 'must be a non-empty array');
  const resolved = (shards as unknown[]).map((shard, index) => parseShard(shard, index, strategy as PlacementStrategy));
  const names = new Set<string>();
  const backends = new Set<Backend>();
  resolved.forEach((shard, index) => {
    if (names.has(shard.name)) invalid(`shards[${String(index)}].name`, `repeats the name "${shard.name}"`);
    // Two shards over one backend would each see the other's files as stale copies to remove.
    if (backends.has(shard.backend)) invalid(`shards[${String(index)}].backend`, 'is already the backend of another shard');
    names.add(shard.name);
    backends.add(shard.backend);
  });
  return Object.freeze({
    shards: Object.freeze(resolved),
    strategy: strategy as PlacementStrategy,
    freeSpaceTtlMs,
  });
}
