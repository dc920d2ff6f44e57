export { AUTO_WORKER_THRESHOLD_BYTES, chooseHashingMode } from './auto-mode.js';
export { computeLongId, type LongIdContents, type LongIdInput } from './compute-long-id.js';
export { createHashingSession } from './create-hashing-session.js';
export { IN_FLIGHT_LIMIT_BYTES, type HashWorkerLease } from './hash-worker-lease.js';
export {
  HashWorkerPool,
  sharedHashWorkerPool,
  STAGING_BUFFER_BYTES,
  type HashWorkerPoolOptions,
} from './hash-worker-pool.js';
export type { FileDigests, HashingMode, HashingSession, HashingSessionOptions } from './hashing-session.js';
export { hashingTap } from './hashing-tap.js';
export { isLongId, toIsoMillis } from './long-id-format.js';
export { verifyLongId, type LongIdEntry } from './verify-long-id.js';
