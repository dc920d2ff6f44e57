import type { ErrorContext, StowageErrorCode } from '@stowage/core';

// No value import from @stowage/core here: the writer thread loads this module, and loading the
// whole core there would cost a second of start-up.

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
  if (!(error instanceof Error)) return undefined;
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
 * A failure the catalog's own checks raise (an entry that exists, a row that does not), thrown
 * by the write operations; `mapSqliteError` turns it into the `StowageError` of the same code.
 */
export class CatalogFailure extends Error {
  constructor(
    readonly code: StowageErrorCode,
    message: string,
    readonly context: ErrorContext = {},
  ) {
    super(message);
    this.name = 'CatalogFailure';
  }
}

/** A failure as it crosses threads: the fields of the `StowageError` it becomes. */
export interface SerializedError {
  readonly code: StowageErrorCode;
  readonly message: string;
  /** `undefined`: the code's default. */
  readonly retryable: boolean | undefined;
  readonly retryAfterMs: number | undefined;
  readonly context: ErrorContext;
}

/**
 * What `mapSqliteError` makes of `error`, as plain data: a {@link CatalogFailure} keeps its
 * code, an SQLite error maps through {@link SQLITE_ERRORS}, anything else is `STOWAGE_INTERNAL`.
 */
export function describeFailure(error: unknown): SerializedError {
  if (error instanceof CatalogFailure) {
    return { code: error.code, message: error.message, retryable: undefined, retryAfterMs: undefined, context: { ...error.context } };
  }
  const sqliteCode = sqliteCodeOf(error);
  const mapping = sqliteCode === undefined ? undefined : sqliteMappingOf(sqliteCode);
  return {
    code: mapping?.code ?? 'STOWAGE_INTERNAL',
    message: sqliteCode === undefined ? 'Unexpected catalog failure' : `SQLite error ${sqliteCode}`,
    retryable: mapping?.retryable,
    retryAfterMs: mapping?.retryAfterMs,
    context: {},
  };
}
