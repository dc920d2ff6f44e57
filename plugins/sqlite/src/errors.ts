import { isStowageError, StowageError, type ErrorContext } from '@stowage/core';
import { CatalogFailure, describeFailure, type SerializedError } from './sqlite-codes.js';

export { CatalogFailure, describeFailure, SQLITE_ERRORS, sqliteCodeOf, sqliteMappingOf, type SerializedError, type SqliteErrorMapping } from './sqlite-codes.js';

/**
 * Maps a failure of the database to a `StowageError` through {@link SQLITE_ERRORS}; a
 * `StowageError` passes through unchanged. The message names the SQLite code, never the file;
 * the original error is the `cause`, for logs. Errors that are not SQLite errors (a closed
 * connection, a bug) become `STOWAGE_INTERNAL`.
 */
export function mapSqliteError(error: unknown, context: ErrorContext = {}): StowageError {
  if (isStowageError(error)) return error;
  const described = describeFailure(error);
  // The catalog's own failures need no cause: their message says it all.
  return toStowageError(described, error instanceof CatalogFailure ? undefined : error, { ...described.context, ...context });
}

/** The `StowageError` a {@link SerializedError} describes (`cause`: the original, when at hand). */
export function toStowageError(described: SerializedError, cause?: unknown, context: ErrorContext = described.context): StowageError {
  return new StowageError(described.code, described.message, {
    ...(cause === undefined ? {} : { cause }),
    context,
    ...(described.retryable === undefined ? {} : { retryable: described.retryable }),
    ...(described.retryAfterMs === undefined ? {} : { retryAfterMs: described.retryAfterMs }),
  });
}
