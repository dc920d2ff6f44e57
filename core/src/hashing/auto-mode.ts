import { StowageError } from '../stowage-error.js';
import type { HashingMode } from './hashing-session.js';

/**
 * The expected upload size from which `auto` hashes in a worker: 1 MiB. Measured on a 2-core
 * machine (this folder's README, `benchmarks/hashing/measure.mjs`): from 1 MiB the worker takes
 * 80-94% of the hashing off the event loop and, when the loop has other work, hashes faster
 * (1.2x at 1 MiB, 2.2x at 100 MiB); below it, its round trips cost more than they save (3.4x
 * slower at 64 KiB on a busy loop). On an idle loop inline is 2-9% faster at every size.
 */
export const AUTO_WORKER_THRESHOLD_BYTES = 1024 * 1024;

const MODES: readonly HashingMode[] = ['inline', 'worker', 'auto'];

/**
 * Resolves a requested mode to where a session hashes: `auto` is `worker` when `expectedSize` is
 * at least {@link AUTO_WORKER_THRESHOLD_BYTES}, `inline` otherwise (also when the size is unknown).
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT` for an unknown mode or an `expectedSize` that
 * is not a safe integer >= 0.
 */
export function chooseHashingMode(mode: HashingMode, expectedSize?: number): 'inline' | 'worker' {
  if (!MODES.includes(mode)) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', `Unknown hashing mode ${JSON.stringify(mode)}`);
  }
  if (expectedSize !== undefined && (!Number.isSafeInteger(expectedSize) || expectedSize < 0)) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'expectedSize must be a safe integer >= 0');
  }
  if (mode !== 'auto') return mode;
  return expectedSize !== undefined && expectedSize >= AUTO_WORKER_THRESHOLD_BYTES ? 'worker' : 'inline';
}
