import type Database from 'better-sqlite3';
import type { BlobScan, EntryScan } from '@stowage/core';
import type { BlobRow, EntryRow } from './rows.js';

/**
 * How a scan pages through a table with keyset pagination: each page is one complete query
 * (`... WHERE <after the cursor> ORDER BY <order> LIMIT @limit`), so no statement stays open
 * between pages and the caller may write to the catalog while it iterates.
 *
 * Pages run in the order of the primary key, which never changes for a row, so a scan returns
 * every row at most once, and every row that existed for the whole scan exactly once. When
 * several states are asked for, one query per state runs through that state's index (each in
 * key order) and the pages are merged, instead of one `state IN (...)` query that SQLite would
 * have to sort on every page.
 */
export interface ScanPlan<Row> {
  /** The SQL of one query; `@limit` and the cursor parameters are bound per page. */
  readonly sql: string;
  /** The parameters of each query of a page (one per state when states drive the scan). */
  readonly variants: readonly Readonly<Record<string, unknown>>[];
  /** The cursor parameters that resume after `row`, or start from the beginning. */
  cursor(row: Row | undefined): Record<string, unknown>;
  /** Orders rows as the query does; merges the pages of several variants. */
  compare(a: Row, b: Row): number;
}

/** Orders strings by their UTF-8 bytes, as SQLite's `BINARY` collation does. */
export function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function compareEntryKeys(a: EntryRow, b: EntryRow): number {
  return compareBytes(a.id, b.id) || compareBytes(a.filename, b.filename);
}

/** The distinct values, in the order given. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/**
 * The plan of `scanEntries(filter)`.
 *
 * - With `expiredBefore` (and no `sha256`, whose index is narrower), the scan runs through the
 *   partial index of expiring entries in `(expires_at, id, filename)` order, so a sweep reads
 *   only the expired entries; the other conditions are checked on them. Here an entry whose
 *   `expiresAt` is moved, during the scan, to a later instant still before the cutoff may be
 *   returned a second time.
 * - Otherwise the scan runs in key order, driven by the index of `sha256`, `backend` or the
 *   state (one query per state), whichever SQLite finds narrower; all other conditions are
 *   checked on the rows.
 */
export function entryScanPlan(filter: EntryScan): ScanPlan<EntryRow> {
  const conditions: string[] = [];
  const base: Record<string, unknown> = {};
  const states = filter.states === undefined ? undefined : distinct(filter.states);
  if (filter.createdBefore !== undefined) {
    conditions.push('created_at < @createdBefore');
    base['createdBefore'] = filter.createdBefore.getTime();
  }
  if (filter.backend !== undefined) {
    conditions.push('backend = @backend');
    base['backend'] = filter.backend;
  }
  if (filter.expiredBefore !== undefined && filter.sha256 === undefined) {
    if (states !== undefined) {
      conditions.push('state IN (SELECT value FROM json_each(@states))');
      base['states'] = JSON.stringify(states);
    }
    base['expiredBefore'] = filter.expiredBefore.getTime();
    return {
      sql:
        'SELECT * FROM entries INDEXED BY entries_by_expiry WHERE expires_at < @expiredBefore' +
        ' AND (expires_at, id, filename) > (@afterExpiry, @afterId, @afterFilename)' +
        conditions.map((condition) => ` AND ${condition}`).join('') +
        ' ORDER BY expires_at, id, filename LIMIT @limit',
      variants: states?.length === 0 ? [] : [base],
      // Every stored date is within ±8.64e15 ms, so the smallest safe integer sorts first.
      cursor: (row) => ({ afterExpiry: row?.expires_at ?? Number.MIN_SAFE_INTEGER, afterId: row?.id ?? '', afterFilename: row?.filename ?? '' }),
      compare: (a, b) => (a.expires_at as number) - (b.expires_at as number) || compareEntryKeys(a, b),
    };
  }
  if (filter.expiredBefore !== undefined) {
    conditions.push('expires_at < @expiredBefore');
    base['expiredBefore'] = filter.expiredBefore.getTime();
  }
  if (filter.sha256 !== undefined) {
    conditions.push('sha256 = @sha256');
    base['sha256'] = filter.sha256;
  }
  if (states !== undefined) conditions.push('state = @state');
  return {
    sql:
      'SELECT * FROM entries WHERE (id, filename) > (@afterId, @afterFilename)' +
      conditions.map((condition) => ` AND ${condition}`).join('') +
      ' ORDER BY id, filename LIMIT @limit',
    variants: states === undefined ? [base] : states.map((state) => ({ ...base, state })),
    // Ids are 64 hex characters and filenames non-empty, so ('', '') sorts before every key.
    cursor: (row) => ({ afterId: row?.id ?? '', afterFilename: row?.filename ?? '' }),
    compare: compareEntryKeys,
  };
}

/**
 * The plan of `scanBlobs(filter)`: key (`sha256`) order, one query per state through the state
 * index, or through the partial index of unreferenced blobs with `unreferencedBefore`.
 */
export function blobScanPlan(filter: BlobScan): ScanPlan<BlobRow> {
  const conditions: string[] = [];
  const base: Record<string, unknown> = {};
  const states = filter.states === undefined ? undefined : distinct(filter.states);
  if (states !== undefined) conditions.push('state = @state');
  if (filter.unreferencedBefore !== undefined) {
    conditions.push('refs = 0 AND touched_at < @unreferencedBefore');
    base['unreferencedBefore'] = filter.unreferencedBefore.getTime();
  }
  return {
    sql:
      'SELECT * FROM blobs WHERE sha256 > @afterSha256' +
      conditions.map((condition) => ` AND ${condition}`).join('') +
      ' ORDER BY sha256 LIMIT @limit',
    variants: states === undefined ? [base] : states.map((state) => ({ ...base, state })),
    cursor: (row) => ({ afterSha256: row?.sha256 ?? '' }),
    compare: (a, b) => compareBytes(a.sha256, b.sha256),
  };
}

/**
 * Reads the page after `last` (from the start when `undefined`): each variant's query to its
 * end, merged in the plan's order when there are several, cut to `limit` rows.
 */
export function readPage<Row>(
  statement: Database.Statement<[Record<string, unknown>], Row>,
  plan: ScanPlan<Row>,
  last: Row | undefined,
  limit: number,
): Row[] {
  const cursor = { ...plan.cursor(last), limit };
  const rows = plan.variants.flatMap((variant) => statement.all({ ...variant, ...cursor }));
  if (plan.variants.length > 1) rows.sort((a, b) => plan.compare(a, b));
  return rows.slice(0, limit);
}
