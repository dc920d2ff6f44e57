import { isStowageError, StowageError, type ErrorContext, type StowageErrorCode } from '@stowage/core';

/** How one SQLite result code maps to a Stowage code. */
export interface SqliteErrorMapping {
  readonly code: StowageErrorCode;
  /** Overrides the registry's default retryability. */
  readonly retryable?: boolean;
  /** The wait suggested to callers, for lock contention. */
  readonly retryAfterMs?: number;
}

/**
 * The one table from SQLite result codes (as better-sqlite3 spells them in `error.code`) to
 * Stowage codes. A row names either an extended code (`SQLITE_CONSTRAINT_UNIQUE`) or a primary
 * code (`SQLITE_IOERR`), which also covers its extended codes (`SQLITE_IOERR_FSYNC`,
 * `SQLITE_BUSY_SNAPSHOT`, `SQLITE_READONLY_DBMOVED`, ...); an exact row wins over its primary
 * row. Anything else, other constraint violations included (a `CHECK` or foreign key failing
 * means a bug, not a caller mistake), is `STOWAGE_INTERNAL`.
 *
 * See https://www.sqlite.org/rescode.html for the codes.
 */
export const SQLITE_ERRORS: Readonly<Record<string, SqliteErrorMapping>> = Object.freeze({
  // Another connection holds the lock longer than busy_timeout: a retry may well succeed.
  SQLITE_BUSY: { code: 'STOWAGE_BUSY', retryable: true, retryAfterMs: 100 },
  SQLITE_LOCKED: { code: 'STOWAGE_BUSY', retryable: true, retryAfterMs: 100 },
  SQLITE_CONSTRAINT_PRIMARYKEY: { code: 'STOWAGE_ALREADY_EXISTS' },
  SQLITE_CONSTRAINT_UNIQUE: { code: 'STOWAGE_ALREADY_EXISTS' },
  SQLITE_FULL: { code: 'STOWAGE_INSUFFICIENT_STORAGE' },
  SQLITE_IOERR: { code: 'STOWAGE_IO' },
  SQLITE_CORRUPT: { code: 'STOWAGE_IO' },
  SQLITE_NOTADB: { code: 'STOWAGE_IO' },
  // The file or its directory cannot be opened (missing directory, a directory in the way).
  SQLITE_CANTOPEN: { code: 'STOWAGE_IO' },
  SQLITE_READONLY: { code: 'STOWAGE_PERMISSION_DENIED' },
  SQLITE_PERM: { code: 'STOWAGE_PERMISSION_DENIED' },
});

/** The `SQLITE_*` code of a better-sqlite3 `SqliteError`, if `error` is one. */
export function sqliteCodeOf(error: unknown): string | undefined {
  if (isStowageError(error) || !(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** The row of {@link SQLITE_ERRORS} for `code`: the exact row, else its primary code's row. */
export function sqliteMappingOf(code: string): SqliteErrorMapping | undefined {
  const exact = SQLITE_ERRORS[code];
  if (exact !== undefined) return exact;
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0];
  return primary === undefined ? undefined : SQLITE_ERRORS[primary];
}

/**
 * Maps a failure of the database to a `StowageError` through {@link SQLITE_ERRORS}; a
 * `StowageError` passes through unchanged. The message names the SQLite code, never the file;
 * the original error is the `cause`, for logs. Errors that are not SQLite errors (a closed
 * connection, a bug) become `STOWAGE_INTERNAL`.
 */
export function mapSqliteError(error: unknown, context: ErrorContext = {}): StowageError {
  if (isStowageError(error)) return error;
  const sqliteCode = sqliteCodeOf(error);
  const mapping = sqliteCode === undefined ? undefined : sqliteMappingOf(sqliteCode);
  const message = sqliteCode === undefined ? 'Unexpected catalog failure' : `SQLite error ${sqliteCode}`;
  return new StowageError(mapping?.code ?? 'STOWAGE_INTERNAL', message, {
    cause: error,
    context,
    ...(mapping?.retryable === undefined ? {} : { retryable: mapping.retryable }),
    ...(mapping?.retryAfterMs === undefined ? {} : { retryAfterMs: mapping.retryAfterMs }),
  });
}
