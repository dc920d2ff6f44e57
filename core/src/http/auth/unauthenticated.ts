import { StowageError } from '../../stowage-error.js';

/**
 * The one 401 of the authentication strategies. The message is the same for every reason (unknown
 * user, wrong password, malformed header), so a client learns nothing from it.
 */
export function unauthenticated(): StowageError {
  return new StowageError('STOWAGE_UNAUTHENTICATED', 'The credentials were refused');
}

/** A `STOWAGE_INVALID_CONFIG` naming the offending option `field`. */
export function invalidAuthConfig(field: string, problem: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `Invalid authentication option "${field}": ${problem}`);
}
