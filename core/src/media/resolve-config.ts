import { assertBackendShape } from '../backend-shape.js';
import type { HashingMode } from '../hashing/index.js';
import { normalizePath } from '../path.js';
import type { CachePolicyOptions } from '../policies/index.js';
import type { PermissionPolicy } from '../policies/index.js';
import { StowageError } from '../stowage-error.js';
import type { BackendDescriptor, StowageConfig, UploadGuard } from './config.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const GIB = 1024 ** 3;

/** A configuration with every default applied. */
export interface ResolvedConfig {
  readonly descriptors: readonly BackendDescriptor[];
  readonly limits: { readonly maxFiles: number; readonly maxFileBytes: number; readonly maxTotalBytes: number };
  readonly retention: { readonly graceMs: number; readonly staleAfterMs: number };
  readonly layout: { readonly blobs: string; readonly staging: string };
  readonly maxReplacementChain: number;
  /** `maxBytes` 0 when the cache is off. */
  readonly smallBlobCache: { readonly maxBytes: number; readonly maxBlobBytes: number };
  readonly entryCache: { readonly maxEntries: number; readonly ttlMs: number };
  readonly hashing: HashingMode;
  readonly clock: () => Date;
  readonly checkpoint: (label: string) => void;
  readonly permissions: PermissionPolicy;
  readonly canUpload: UploadGuard | undefined;
  readonly caching: CachePolicyOptions;
}

function invalid(field: string, problem: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `config.${field} ${problem}`);
}

function count(field: string, value: number | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum) throw invalid(field, `must be an integer >= ${minimum}`);
  return value;
}

function keepDays(field: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value <= 0)) throw invalid(field, 'must be a number of days > 0');
}

function prefix(field: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  try {
    const normalized = normalizePath(value);
    if (normalized === '') throw invalid(field, 'must not be empty');
    return normalized;
  } catch (error) {
    throw error instanceof StowageError && error.code === 'STOWAGE_INVALID_CONFIG'
      ? error
      : invalid(field, 'must be a relative path without "." or ".." segments');
  }
}

function checkBackend(field: string, backend: BackendDescriptor['backend']): void {
  try {
    assertBackendShape(backend);
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `config.${field} is not a Backend`, { cause: error });
  }
}

function descriptorsOf(backends: StowageConfig['backends']): readonly BackendDescriptor[] {
  if (backends === undefined || backends === null) throw invalid('backends', 'is required');
  if (!Array.isArray(backends)) {
    checkBackend('backends', backends as BackendDescriptor['backend']);
    return [Object.freeze({ name: 'default', backend: backends as BackendDescriptor['backend'] })];
  }
  if (backends.length === 0) throw invalid('backends', 'must name at least one backend');
  return (backends as readonly BackendDescriptor[]).map((descriptor, index) => {
    if (typeof descriptor !== 'object' || descriptor === null) throw invalid(`backends[${index}]`, 'must be an object');
    checkBackend(`backends[${index}].backend`, descriptor.backend);
    keepDays(`backends[${index}].keepDays`, descriptor.keepDays);
    return Object.freeze({ ...descriptor });
  });
}

function smallBlobCacheOf(value: StowageConfig['smallBlobCache']): ResolvedConfig['smallBlobCache'] {
  if (value === false) return Object.freeze({ maxBytes: 0, maxBlobBytes: 0 });
  if (value !== undefined && (typeof value !== 'object' || value === null)) throw invalid('smallBlobCache', 'must be an object or false');
  return Object.freeze({
    maxBytes: count('smallBlobCache.maxBytes', value?.maxBytes, 32 * 1024 * 1024, 0),
    maxBlobBytes: count('smallBlobCache.maxBlobBytes', value?.maxBlobBytes, 64 * 1024, 0),
  });
}

function entryCacheOf(value: StowageConfig['entryCache']): ResolvedConfig['entryCache'] {
  if (value === false) return Object.freeze({ maxEntries: 0, ttlMs: 0 });
  if (value !== undefined && (typeof value !== 'object' || value === null)) throw invalid('entryCache', 'must be an object or false');
  return Object.freeze({
    maxEntries: count('entryCache.maxEntries', value?.maxEntries, 10_000, 0),
    ttlMs: count('entryCache.ttlMs', value?.ttlMs, 1000, 0),
  });
}

/**
 * Validates a {@link StowageConfig} and applies the defaults.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the first bad field.
 */
export function resolveConfig(config: StowageConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null) throw invalid('', 'must be an object');
  const layout = {
    blobs: prefix('layout.blobs', config.layout?.blobs, 'blobs'),
    staging: prefix('layout.staging', config.layout?.staging, 'incoming'),
  };
  const overlaps = (a: string, b: string): boolean => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  if (overlaps(layout.blobs, layout.staging)) throw invalid('layout', 'must keep blobs and staging apart');
  if (config.clock !== undefined && typeof config.clock !== 'function') throw invalid('clock', 'must be a function');
  if (config.checkpoint !== undefined && typeof config.checkpoint !== 'function') {
    throw invalid('checkpoint', 'must be a function');
  }
  const hashing = config.hashing ?? 'auto';
  if (!['inline', 'worker', 'auto'].includes(hashing)) throw invalid('hashing', 'must be inline, worker or auto');
  const { canUpload, ...permissions } = config.permissions ?? {};
  if (canUpload !== undefined && typeof canUpload !== 'function') throw invalid('permissions.canUpload', 'must be a function');
  return Object.freeze({
    descriptors: descriptorsOf(config.backends),
    limits: Object.freeze({
      maxFiles: count('limits.maxFiles', config.limits?.maxFiles, 1000),
      maxFileBytes: count('limits.maxFileBytes', config.limits?.maxFileBytes, 10 * GIB, 0),
      maxTotalBytes: count('limits.maxTotalBytes', config.limits?.maxTotalBytes, 50 * GIB, 0),
    }),
    retention: Object.freeze({
      graceMs: count('retention.graceMs', config.retention?.graceMs, HOUR_MS, 0),
      staleAfterMs: count('retention.staleAfterMs', config.retention?.staleAfterMs, HOUR_MS, 0),
    }),
    layout: Object.freeze(layout),
    maxReplacementChain: count('maxReplacementChain', config.maxReplacementChain, 16),
    smallBlobCache: smallBlobCacheOf(config.smallBlobCache),
    entryCache: entryCacheOf(config.entryCache),
    hashing,
    clock: config.clock ?? (() => new Date()),
    checkpoint: config.checkpoint ?? (() => undefined),
    permissions: Object.freeze(permissions),
    canUpload,
    caching: config.caching ?? {},
  });
}

/** Milliseconds in `days` days. */
export function daysToMs(days: number): number {
  return days * DAY_MS;
}
