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
export { chunkSizeFor, readableFromBuffer } from './chunked-readable.js';
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
export type { BlobScan, Catalog, EntryScan } from './catalog/catalog.js';
export type { BlobCandidate, BlobClaim, BlobRecord, BlobState } from './catalog/blob-record.js';
export {
  ENTRY_STATES,
  keyString,
  sameKey,
  type CatalogEntry,
  type EntryAccess,
  type EntryKey,
  type EntryState,
  type NewEntry,
  type Visibility,
} from './catalog/entry.js';
