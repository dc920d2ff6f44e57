import { StowageError } from '../../stowage-error.js';

/** Bounds on one upload request. Every bound is finite; a request over one is refused, never truncated. */
export interface UploadLimits {
  /** Files in one request. @defaultValue 100 */
  maxFiles?: number;
  /** Bytes of one file. @defaultValue 1 GiB */
  maxFileBytes?: number;
  /** Bytes of all the files of one request. @defaultValue 4 GiB */
  maxTotalBytes?: number;
  /** Non-file form fields in one multipart request. @defaultValue 20 */
  maxFields?: number;
  /** Bytes of one form field's value. @defaultValue 8 KiB */
  maxFieldBytes?: number;
  /** Header lines in one multipart part. @defaultValue 16 */
  maxHeaderPairs?: number;
  /**
   * Bytes of one part's decoded name, filename and media type together. busboy itself refuses a
   * part header block over 16 KiB (a 400), so this may not exceed 16384. @defaultValue 4 KiB
   */
  maxPartHeaderBytes?: number;
  /** Milliseconds the body may stall while it is being read, then `STOWAGE_TIMEOUT`. @defaultValue 30 000 */
  idleTimeoutMs?: number;
}

/** {@link UploadLimits} with every default filled in. */
export type ResolvedUploadLimits = Readonly<Required<UploadLimits>>;

const GIB = 1024 ** 3;

/** busboy's fixed bound on the header block of one part. */
export const BUSBOY_MAX_PART_HEADER_BYTES = 16 * 1024;

const DEFAULTS: ResolvedUploadLimits = Object.freeze({
  maxFiles: 100,
  maxFileBytes: GIB,
  maxTotalBytes: 4 * GIB,
  maxFields: 20,
  maxFieldBytes: 8 * 1024,
  maxHeaderPairs: 16,
  maxPartHeaderBytes: 4 * 1024,
  idleTimeoutMs: 30_000,
});

/** The smallest value each limit may take. */
const MINIMUM: Readonly<Record<keyof UploadLimits, number>> = {
  maxFiles: 1,
  maxFileBytes: 0,
  maxTotalBytes: 0,
  maxFields: 0,
  maxFieldBytes: 0,
  maxHeaderPairs: 1,
  maxPartHeaderBytes: 1,
  idleTimeoutMs: 1,
};

/**
 * Fills in the defaults of {@link UploadLimits} and checks every given value is a safe integer
 * at or above its minimum (and `maxPartHeaderBytes` at most 16384); `STOWAGE_INVALID_CONFIG`
 * naming the field otherwise.
 */
export function resolveUploadLimits(limits: UploadLimits = {}): ResolvedUploadLimits {
  const resolved: Record<string, number> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof UploadLimits)[]) {
    const value: unknown = limits[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MINIMUM[key]) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', `limits.${key} must be an integer >= ${MINIMUM[key]}`);
    }
    resolved[key] = value;
  }
  if ((resolved['maxPartHeaderBytes'] as number) > BUSBOY_MAX_PART_HEADER_BYTES) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `limits.maxPartHeaderBytes may not exceed ${BUSBOY_MAX_PART_HEADER_BYTES}`);
  }
  return Object.freeze(resolved) as ResolvedUploadLimits;
}
