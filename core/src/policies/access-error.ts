import { keyString, type EntryKey } from '../catalog/entry.js';
import { StowageError } from '../stowage-error.js';
import type { AccessOutcome } from './permissions.js';

/**
 * The error for an entry that does not exist, or is not visible to the caller: `STOWAGE_NOT_FOUND`
 * (404). The facade uses it for missing entries and {@link accessError} for `hidden` ones, so the
 * two are indistinguishable to the caller: same code, message, context, retryability, no cause.
 * The message names the key the caller itself asked for, which reveals nothing.
 */
export function notFoundError(key?: EntryKey): StowageError {
  return new StowageError('STOWAGE_NOT_FOUND', key === undefined ? 'No such entry' : `No such entry: ${keyString(key)}`);
}

/**
 * The error for a denied access decision:
 * - `unauthenticated` → `STOWAGE_UNAUTHENTICATED` (401);
 * - `forbidden` → `STOWAGE_FORBIDDEN` (403);
 * - `hidden` → exactly {@link notFoundError}`(key)` (404).
 *
 * `TypeError` for `allow` or any other value: there is no error for an allowed request.
 */
export function accessError(outcome: Exclude<AccessOutcome, 'allow'>, key?: EntryKey): StowageError {
  const about = key === undefined ? '' : `: ${keyString(key)}`;
  switch (outcome) {
    case 'unauthenticated':
      return new StowageError('STOWAGE_UNAUTHENTICATED', `Authentication required${about}`);
    case 'forbidden':
      return new StowageError('STOWAGE_FORBIDDEN', `Not permitted${about}`);
    case 'hidden':
      return notFoundError(key);
    default:
      throw new TypeError('accessError needs a denied outcome');
  }
}
