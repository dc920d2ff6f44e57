import { StowageError } from '../stowage-error.js';

/**
 * The bounds an extraction enforces. Sizes are checked twice: on the sizes the central directory
 * declares, before any byte is inflated, and on the bytes actually inflated, as they arrive.
 */
export interface ExtractLimits {
  /** Entries in the central directory (directories included), checked before reading any. @defaultValue 10 000 */
  readonly maxEntries: number;
  /** Inflated bytes of the whole archive. @defaultValue 1 GiB */
  readonly maxTotalBytes: number;
  /** Inflated bytes of one entry. @defaultValue the total limit */
  readonly maxEntryBytes: number;
  /**
   * Largest inflated/compressed ratio of one entry, once it has inflated more than
   * `ratioFloorBytes` (small entries compress arbitrarily well without harm). @defaultValue 100
   */
  readonly maxRatio: number;
  /** @defaultValue 1 MiB */
  readonly ratioFloorBytes: number;
}

/** The default {@link ExtractLimits}. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = Object.freeze({
  maxEntries: 10_000,
  maxTotalBytes: 1024 ** 3,
  maxEntryBytes: 1024 ** 3,
  maxRatio: 100,
  ratioFloorBytes: 1024 ** 2,
});

function positive(name: keyof ExtractLimits, value: unknown, integer: boolean): number {
  const valid = typeof value === 'number' && value > 0 && (integer ? Number.isSafeInteger(value) : Number.isFinite(value));
  if (!valid) throw new StowageError('STOWAGE_INVALID_ARGUMENT', `limits.${name} must be a ${integer ? 'safe integer' : 'finite number'} > 0`);
  return value;
}

/**
 * The limits in force: `limits` over the defaults (`maxEntryBytes` defaults to the total limit).
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` naming a limit that is not a positive number.
 */
export function resolveExtractLimits(limits: Partial<ExtractLimits> = {}): ExtractLimits {
  if (typeof limits !== 'object' || limits === null) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'limits must be an object');
  const maxTotalBytes = positive('maxTotalBytes', limits.maxTotalBytes ?? DEFAULT_EXTRACT_LIMITS.maxTotalBytes, true);
  return Object.freeze({
    maxEntries: positive('maxEntries', limits.maxEntries ?? DEFAULT_EXTRACT_LIMITS.maxEntries, true),
    maxTotalBytes,
    maxEntryBytes: positive('maxEntryBytes', limits.maxEntryBytes ?? maxTotalBytes, true),
    maxRatio: positive('maxRatio', limits.maxRatio ?? DEFAULT_EXTRACT_LIMITS.maxRatio, false),
    ratioFloorBytes: positive('ratioFloorBytes', limits.ratioFloorBytes ?? DEFAULT_EXTRACT_LIMITS.ratioFloorBytes, true),
  });
}

/** Whether `inflated` bytes out of `compressed` exceed the ratio limit. */
export function exceedsRatio(limits: ExtractLimits, inflated: number, compressed: number): boolean {
  return inflated > limits.ratioFloorBytes && inflated > limits.maxRatio * Math.max(compressed, 1);
}
