import type { StowageErrorCode } from '../error-codes.js';
import { isStowageError, StowageError, toStowageError, type ErrorContext } from '../stowage-error.js';

/**
 * The codes that are the contract's own answers about a path (it is missing, a directory, ...):
 * the same whichever shard gives them, so their messages do not name the shard, and finding one
 * ends a search across shards (except `STOWAGE_NOT_FOUND`, which sends it to the next shard).
 */
const CONTRACT_ANSWERS: ReadonlySet<StowageErrorCode> = new Set<StowageErrorCode>([
  'STOWAGE_NOT_FOUND',
  'STOWAGE_IS_A_DIRECTORY',
  'STOWAGE_NOT_A_DIRECTORY',
  'STOWAGE_DIRECTORY_NOT_EMPTY',
  'STOWAGE_RANGE_NOT_SATISFIABLE',
  'STOWAGE_SIZE_MISMATCH',
  'STOWAGE_DIGEST_MISMATCH',
  'STOWAGE_ABORTED',
  'STOWAGE_INVALID_PATH',
]);

/** Whether `error` is an answer about the path rather than a failure of a shard. */
export function isContractAnswer(error: unknown): boolean {
  return isStowageError(error) && CONTRACT_ANSWERS.has(error.code);
}

function copyOf(error: StowageError, message: string, context: ErrorContext): StowageError {
  const copy = new StowageError(error.code, message, {
    cause: error.cause,
    retryable: error.retryable,
    context,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
  if (error.stack !== undefined) copy.stack = error.stack;
  return copy;
}

/**
 * Marks a failure of one shard with the shard's name, in the message, so an operator can tell
 * which storage failed (the context is about to be replaced by the sharded backend's own).
 * Contract answers and anything that is not a `StowageError` pass unchanged.
 */
export function fromShard(error: unknown, shard: string): unknown {
  if (!isStowageError(error) || isContractAnswer(error)) return error;
  return copyOf(error, `${error.message} (shard ${shard})`, error.context);
}

/**
 * The error as the sharded backend reports it: the same code, message, cause and retryability,
 * with the context naming the sharded backend, its operation and its path (a shard's `size` is
 * kept). A `TypeError` passes unchanged (a programmer mistake); anything else that is not a
 * `StowageError` becomes `STOWAGE_INTERNAL`.
 */
export function inContext(error: unknown, context: ErrorContext): unknown {
  if (error instanceof TypeError) return error;
  if (!isStowageError(error)) return toStowageError(error, context);
  const size = error.context.size;
  return copyOf(error, error.message, size === undefined ? context : { ...context, size });
}

/** Runs a call on one shard, marking its failure with the shard's name. */
export async function onShard<T>(shard: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromShard(error, shard);
  }
}
