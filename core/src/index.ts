export { abortedError, destroyOnAbort, raceAbort, throwIfAborted } from './abort.js';
export type {
  Backend,
  BackendEntry,
  BackendInfo,
  ByteSource,
  DeleteOptions,
  EntryKind,
  ExpectedDigest,
  LinkOptions,
  ListOptions,
  OperationOptions,
  ReadOptions,
  ReadResult,
  WriteOptions,
} from './backend.js';
export { assertBackendShape, findBackendShapeProblems } from './backend-shape.js';
export {
  defineCapabilities,
  OPTIONAL_OPERATIONS,
  type Capabilities,
  type HashAlgorithm,
  type OptionalOperation,
} from './capabilities.js';
export { checkedSource, releaseSource, type SourceExpectations } from './checked-source.js';
export { CHUNK_WRITTEN, chunkRecyclerOf, chunkSizeFor, readableFromBuffer, type ChunkRecycler } from './chunked-readable.js';
export {
  ERROR_CODES,
  httpStatusOf,
  isStowageErrorCode,
  STOWAGE_ERROR_CODES,
  type ErrorCodeSpec,
  type StowageErrorCode,
} from './error-codes.js';
export { withErrorContext } from './error-context.js';
export { ForwardingBackend, type CallOperation } from './forwarding-backend.js';
export { IdleWatchReadable } from './idle-watch-readable.js';
export { applyLayers, describeLayers, type Layer } from './layer.js';
export { concurrencyLimitLayer, type ConcurrencyLimitOptions } from './layers/concurrency-limit.js';
export { retryLayer, type RetryEvent, type RetryOptions } from './layers/retry.js';
export { timeoutLayer, type TimeoutOptions } from './layers/timeout.js';
export { createMemoryBackend, type MemoryBackendOptions } from './memory-backend.js';
export {
  baseNameOf,
  joinPath,
  MAX_PATH_BYTES,
  MAX_SEGMENT_BYTES,
  normalizePath,
  parentOf,
  type NormalizePathOptions,
} from './path.js';
export {
  MAX_RANGE_HEADER_LENGTH,
  parseRangeHeader,
  resolveReadRange,
  type RangeHeaderOutcome,
  type ReadRange,
  type ResolvedRange,
} from './range.js';
export { Semaphore, type Release } from './semaphore.js';
export {
  isStowageError,
  StowageError,
  toStowageError,
  type BackendOperation,
  type ErrorContext,
  type StowageErrorOptions,
} from './stowage-error.js';
export * from './catalog/index.js';
export { createStowage, TOKENS } from './create-stowage.js';
export type {
  BackendDescriptor,
  PutLimits,
  RetentionTimings,
  StorageLayout,
  StowageConfig,
  UploadGuard,
} from './media/config.js';
export type { Stowage, StowagePipelines, OperationName } from './media/stowage.js';
export type {
  MediaOptions,
  OpenOptions,
  OpenResult,
  OpenedEntry,
  PutFile,
  PutOptions,
  PutResult,
  RemoveResult,
  ReplacedEntry,
  ResolvedEntry,
  StatResult,
} from './media/types.js';
export type { RemoveTarget, RemoveContext } from './media/change/remove.js';
export type { ReplaceContext } from './media/change/replace.js';
export type { PutContext, PutFileState } from './media/put/put-context.js';
export { stagingBackendOf, type StagedBytes, type StagingBackend } from './media/put/staged-write.js';
export type { ReadContext } from './media/read/read-context.js';
export type { ListContext } from './media/read/list.js';
export type { SweepContext, SweepOptions, SweepReport } from './media/jobs/sweep.js';
export type { FsckContext } from './media/jobs/fsck.js';
export { FSCK_FINDING_KINDS, type FsckFinding, type FsckOptions, type FsckReport } from './media/jobs/fsck-findings.js';
export type { BlobMove } from './media/rebalance.js';
export { Pipeline, type Stage, type StageFunction, type StagePosition } from './pipeline/pipeline.js';
export * from './policies/index.js';
export * from './hashing/index.js';
export * from './sharding/index.js';
export { createTaskStore, type StoredTaskFile, type TaskStore, type TaskStoreOptions } from './media/task-store.js';
export * from './http/index.js';
export * from './archive/index.js';
export * from './recodex/index.js';
