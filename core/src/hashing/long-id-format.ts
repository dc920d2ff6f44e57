import { StowageError } from '../stowage-error.js';

const LONG_ID = /^[0-9a-f]{64}$/;

/** Whether `value` has the form of a long id: exactly 64 lowercase hex characters. */
export function isLongId(value: string): boolean {
  return typeof value === 'string' && LONG_ID.test(value);
}

/**
 * The upload time as it goes into the long id: `Date.prototype.toISOString()`, i.e. ISO 8601 UTC
 * with milliseconds (`2026-11-30T12:34:56.789Z`).
 *
 * Behavior:
 * - An invalid date (`new Date('x')`, time value `NaN`) is `STOWAGE_INVALID_ARGUMENT`.
 * - A value that is not a `Date` is a programmer error (`TypeError`).
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`
 */
export function toIsoMillis(date: Date): string {
  if (!(date instanceof Date)) throw new TypeError('toIsoMillis expects a Date');
  if (Number.isNaN(date.getTime())) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'The upload time is not a valid date');
  }
  return date.toISOString();
}

/**
 * Checks that `uploadedAt` is exactly what {@link toIsoMillis} produces for some date, so one
 * instant has one spelling in the long id (`...56.789Z`, never `...56.789+00:00` or `...56Z`).
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`; a non-string is a `TypeError`.
 */
export function assertIsoMillis(uploadedAt: string): void {
  if (typeof uploadedAt !== 'string') throw new TypeError('uploadedAt must be a string');
  const time = Date.parse(uploadedAt);
  if (Number.isNaN(time) || new Date(time).toISOString() !== uploadedAt) {
    throw new StowageError(
      'STOWAGE_INVALID_ARGUMENT',
      'uploadedAt must be an ISO 8601 UTC time with milliseconds, as Date.prototype.toISOString() writes it',
    );
  }
}
