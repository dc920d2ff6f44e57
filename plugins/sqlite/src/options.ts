import { resolve } from 'node:path';
import { StowageError } from '@stowage/core';

/** The `file` that keeps the catalog in this process's memory, gone at `close`. */
export const MEMORY_FILE = ':memory:';

/** Options of `createSqliteCatalog`. */
export interface SqliteCatalogOptions {
  /**
   * The database file, created when missing (its directory must exist); relative paths resolve
   * against the working directory. `":memory:"` keeps a private catalog in memory, for tests.
   * Several processes may open the same file (see the README); it must be on a local file
   * system, since SQLite's WAL mode needs shared memory and working locks.
   */
  readonly file: string;
  /**
   * How long a call waits for another connection's write transaction before failing with a
   * retryable `STOWAGE_BUSY`. The wait blocks this process's event loop (better-sqlite3 is
   * synchronous), so keep it short; write transactions of the catalog last milliseconds.
   * @defaultValue 5000
   */
  readonly busyTimeoutMs?: number;
  /**
   * Opens an existing catalog for reading only (tools, replicas of a backup): every write
   * fails with `STOWAGE_PERMISSION_DENIED`, and the schema is neither created nor migrated.
   * @defaultValue false
   */
  readonly readonly?: boolean;
  /**
   * How many rows `scanEntries` and `scanBlobs` read per query. Larger pages mean fewer
   * queries; each page is read completely before it is yielded, so the caller may change the
   * catalog while iterating. @defaultValue 256
   */
  readonly scanPageSize?: number;
  /**
   * Run write transactions in a worker thread with its own connection, which group commits the
   * writes that arrive while it syncs: the event loop never waits for a WAL `fsync` (about a
   * millisecond per commit with `synchronous = FULL`) or another process's lock, and concurrent
   * puts share syncs. Each write still resolves only once it is durable. Ignored (writes run
   * inline) for `":memory:"` and read-only catalogs. @defaultValue true
   */
  readonly writerThread?: boolean;
}

/** {@link SqliteCatalogOptions} after validation: every field set, `file` absolute, frozen. */
export type ResolvedSqliteOptions = Readonly<Required<SqliteCatalogOptions>>;

/** The largest busy timeout SQLite accepts (a C `int` of milliseconds). */
const MAX_BUSY_TIMEOUT_MS = 2 ** 31 - 1;

function invalid(field: string, expectation: string): never {
  throw new StowageError('STOWAGE_INVALID_CONFIG', `sqlite catalog: ${field} ${expectation}`);
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/**
 * Validates the options of the SQLite catalog once, fills in the defaults and freezes them.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the field.
 */
export function parseSqliteOptions(input: unknown): ResolvedSqliteOptions {
  if (typeof input !== 'object' || input === null) invalid('options', 'must be an object');
  const { file, busyTimeoutMs = 5000, readonly = false, scanPageSize = 256, writerThread = true } = input as Record<string, unknown>;
  if (typeof file !== 'string' || file === '' || file.includes('\0')) invalid('file', `must be a non-empty path or "${MEMORY_FILE}"`);
  if (typeof readonly !== 'boolean') invalid('readonly', 'must be a boolean');
  if (typeof writerThread !== 'boolean') invalid('writerThread', 'must be a boolean');
  if (readonly && file === MEMORY_FILE) invalid('readonly', `cannot be true for a "${MEMORY_FILE}" catalog, which starts empty`);
  return Object.freeze({
    file: file === MEMORY_FILE ? file : resolve(file),
    busyTimeoutMs: integerIn(busyTimeoutMs, 'busyTimeoutMs', 0, MAX_BUSY_TIMEOUT_MS),
    readonly,
    scanPageSize: integerIn(scanPageSize, 'scanPageSize', 1, 100_000),
    writerThread,
  });
}
