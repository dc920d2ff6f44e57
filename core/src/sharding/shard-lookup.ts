import type { Backend, OperationOptions } from '../backend.js';
import { parentOf } from '../path.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import { fromShard, isContractAnswer } from './shard-errors.js';
import type { ResolvedShardDescriptor } from './shard-options.js';

/** What the sharded backend needs from the router. */
export interface ShardLookup {
  /** Every shard, in the router's order. */
  readonly shards: readonly ResolvedShardDescriptor[];
  /** The shard new data under `key` goes to. */
  place(key: string): Promise<ResolvedShardDescriptor>;
  /** Every shard, the likeliest holder of `key` first. */
  locate(key: string): readonly ResolvedShardDescriptor[];
}

/** What one shard holds at a path. */
export type PathState = 'file' | 'directory' | 'missing' | 'below-file';

/** A shard and what it holds at a path. */
export interface ShardState {
  readonly shard: ResolvedShardDescriptor;
  readonly state: PathState;
}

function isNotFound(error: unknown): boolean {
  return isStowageError(error, 'STOWAGE_NOT_FOUND');
}

/**
 * Runs `attempt` on the shards in `order` until one answers: a result, or a contract answer
 * other than `STOWAGE_NOT_FOUND` (which is thrown). A shard that fails otherwise (unavailable,
 * I/O) does not hide the path on the others: the search goes on, and the first such failure is
 * thrown only when no shard had the path. `STOWAGE_NOT_FOUND` when none had it.
 */
export async function locate<T>(
  order: readonly ResolvedShardDescriptor[],
  options: OperationOptions | undefined,
  attempt: (backend: Backend) => Promise<T>,
): Promise<{ readonly shard: ResolvedShardDescriptor; readonly value: T }> {
  let failure: unknown;
  for (const shard of order) {
    try {
      return { shard, value: await attempt(shard.backend) };
    } catch (error) {
      if (isNotFound(error)) continue;
      if (error instanceof TypeError || isContractAnswer(error) || options?.signal?.aborted === true) throw error;
      failure ??= fromShard(error, shard.name);
    }
  }
  throw failure ?? new StowageError('STOWAGE_NOT_FOUND', 'No such file or directory');
}

/** What `backend` holds at `key` itself: a file, a directory, or nothing. */
export async function statState(
  backend: Backend,
  key: string,
  options: OperationOptions | undefined,
): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await backend.stat(key, options)).kind;
  } catch (error) {
    if (isNotFound(error)) return 'missing';
    throw error;
  }
}

/** What `backend` holds at `key`; a missing path is told apart from one below a file. */
export async function probe(backend: Backend, key: string, options: OperationOptions | undefined): Promise<PathState> {
  const state = await statState(backend, key, options);
  if (state !== 'missing') return state;
  // Walk up to the nearest existing ancestor: a file there means `key` is below a file.
  for (let ancestor = parentOf(key); ancestor !== ''; ancestor = parentOf(ancestor)) {
    try {
      return (await backend.stat(ancestor, options)).kind === 'file' ? 'below-file' : 'missing';
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return 'missing';
}

/**
 * Runs `call` on every shard of `shards` at once and waits for all of them, so nothing is left
 * running; then throws the first failure in shard order, marked with its shard.
 */
export async function onEveryShard<T>(
  shards: readonly ResolvedShardDescriptor[],
  call: (shard: ResolvedShardDescriptor) => Promise<T>,
): Promise<T[]> {
  const outcomes = await Promise.allSettled(shards.map((shard) => call(shard)));
  const values: T[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'rejected') throw fromShard(outcome.reason, shards[index]!.name);
    values.push(outcome.value);
  });
  return values;
}

/**
 * What every shard of `shards` holds at `key`, asked at once; with `ancestors`, a missing path
 * is told apart from one below a file (see {@link probe}).
 */
export function probeShards(
  shards: readonly ResolvedShardDescriptor[],
  key: string,
  options: OperationOptions | undefined,
  ancestors = true,
): Promise<ShardState[]> {
  return onEveryShard(shards, async (shard) => ({
    shard,
    state: await (ancestors ? probe : statState)(shard.backend, key, options),
  }));
}

/**
 * Checks that a file may be stored at `key` on `target` as far as the other shards are
 * concerned: none holds a directory there or a file at a parent. Returns the other shards
 * holding a file at `key` (older copies, to remove once the new one is in place).
 *
 * @throws StowageError `STOWAGE_IS_A_DIRECTORY`, `STOWAGE_NOT_A_DIRECTORY`, or a shard's failure.
 */
export async function checkFileSlot(
  shards: readonly ResolvedShardDescriptor[],
  target: ResolvedShardDescriptor,
  key: string,
  options: OperationOptions | undefined,
): Promise<ResolvedShardDescriptor[]> {
  const states = await probeShards(
    shards.filter((shard) => shard !== target),
    key,
    options,
  );
  if (states.some(({ state }) => state === 'directory')) {
    throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'Is a directory');
  }
  if (states.some(({ state }) => state === 'below-file')) {
    throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'A file stands where a directory is needed');
  }
  return states.filter(({ state }) => state === 'file').map(({ shard }) => shard);
}

/**
 * Removes the older copies of a file that now lives on another shard. Runs after the new copy is
 * committed, so it takes no signal (stopping half-way would only leave copies behind).
 *
 * @throws StowageError `STOWAGE_IO` (not retryable: the new content is already in place) when a
 *   copy cannot be removed; `cause` holds the shard's failure.
 */
export async function removeOlderCopies(shards: readonly ResolvedShardDescriptor[], key: string): Promise<void> {
  try {
    await onEveryShard(shards, (shard) => shard.backend.delete(key));
  } catch (error) {
    throw new StowageError('STOWAGE_IO', 'The new content is in place, but an older copy on another shard could not be removed', {
      cause: error,
      retryable: false,
    });
  }
}
