import type Database from 'better-sqlite3';
import type { BlobRow, EntryParams, EntryRow } from './rows.js';

type Statement<Params extends object, Row = unknown> = Database.Statement<Params, Row>;

interface KeyParams {
  readonly id: string;
  readonly filename: string;
}

interface Sha256Params {
  readonly sha256: string;
}

/**
 * The prepared statements of one connection, prepared once when the catalog opens (scan
 * queries once per shape of filter, on first use). Every statement names its parameters, and
 * every key is compared with `=` or a row-value comparison under the columns' `BINARY`
 * collation: never `LIKE`, `GLOB` or `NOCASE`.
 */
export class CatalogStatements {
  readonly selectBlob: Statement<Sha256Params, BlobRow>;
  readonly insertBlob: Statement<BlobRow, BlobRow>;
  /** Resets a row to `writing` at a new location (a `lost` blob claimed again). */
  readonly rewriteBlob: Statement<Omit<BlobRow, 'state' | 'refs' | 'created_at'>, BlobRow>;
  readonly touchBlob: Statement<Sha256Params & { readonly now: number }, BlobRow>;
  /** `writing` to `present`; no row when the blob is not `writing`. */
  readonly markBlobPresent: Statement<Sha256Params & { readonly now: number }, BlobRow>;
  readonly setBlobState: Statement<Sha256Params & { readonly state: BlobRow['state'] }>;
  readonly deleteBlob: Statement<Sha256Params>;
  /** `present`, unreferenced and untouched since the cutoff, to `deleting`; one change or none. */
  readonly claimBlobForDeletion: Statement<Sha256Params & { readonly before: number }>;
  readonly addRefs: Statement<Sha256Params & { readonly count: number }>;
  /** Removes references; `touched_at` becomes `now` when none are left. */
  readonly removeRefs: Statement<Sha256Params & { readonly count: number; readonly now: number }>;
  readonly selectEntry: Statement<KeyParams, EntryRow>;
  readonly selectEntryState: Statement<KeyParams, EntryRow['state']>;
  readonly insertEntry: Statement<EntryParams>;
  readonly setEntryState: Statement<KeyParams & { readonly state: EntryRow['state'] }>;
  readonly deleteEntry: Statement<KeyParams, EntryRow>;
  readonly listEntries: Statement<{ readonly id: string }, EntryRow>;
  readonly setReplacement: Statement<KeyParams & { readonly replacedById: string | null; readonly replacedByFilename: string | null }, EntryRow>;
  readonly updateAccess: Statement<
    KeyParams & { readonly visibility: string; readonly readers: string; readonly writers: string; readonly expiresAt: number | null },
    EntryRow
  >;
  readonly markEntriesLost: Statement<Sha256Params>;

  readonly #db: Database.Database;
  readonly #scans = new Map<string, Statement<Record<string, unknown>>>();

  constructor(db: Database.Database) {
    this.#db = db;
    this.selectBlob = db.prepare('SELECT * FROM blobs WHERE sha256 = @sha256');
    this.insertBlob = db.prepare(
      'INSERT INTO blobs (sha256, sha1, size, backend, path, state, refs, created_at, touched_at)' +
        ' VALUES (@sha256, @sha1, @size, @backend, @path, @state, @refs, @created_at, @touched_at) RETURNING *',
    );
    this.rewriteBlob = db.prepare(
      "UPDATE blobs SET sha1 = @sha1, size = @size, backend = @backend, path = @path, state = 'writing', touched_at = @touched_at" +
        ' WHERE sha256 = @sha256 RETURNING *',
    );
    this.touchBlob = db.prepare('UPDATE blobs SET touched_at = @now WHERE sha256 = @sha256 RETURNING *');
    this.markBlobPresent = db.prepare(
      "UPDATE blobs SET state = 'present', touched_at = @now WHERE sha256 = @sha256 AND state = 'writing' RETURNING *",
    );
    this.setBlobState = db.prepare('UPDATE blobs SET state = @state WHERE sha256 = @sha256');
    this.deleteBlob = db.prepare('DELETE FROM blobs WHERE sha256 = @sha256');
    this.claimBlobForDeletion = db.prepare(
      "UPDATE blobs SET state = 'deleting' WHERE sha256 = @sha256 AND state = 'present' AND refs = 0 AND touched_at < @before",
    );
    this.addRefs = db.prepare('UPDATE blobs SET refs = refs + @count WHERE sha256 = @sha256');
    this.removeRefs = db.prepare(
      'UPDATE blobs SET refs = refs - @count, touched_at = CASE WHEN refs = @count THEN @now ELSE touched_at END WHERE sha256 = @sha256',
    );
    this.selectEntry = db.prepare('SELECT * FROM entries WHERE id = @id AND filename = @filename');
    this.selectEntryState = db.prepare<KeyParams, EntryRow['state']>('SELECT state FROM entries WHERE id = @id AND filename = @filename').pluck();
    this.insertEntry = db.prepare(
      'INSERT INTO entries (id, filename, position, backend, path, size, sha256, sha1, content_type, created_at, planned_path,' +
        ' author, salt_key_id, visibility, readers, writers, expires_at, state)' +
        ' VALUES (@id, @filename, @position, @backend, @path, @size, @sha256, @sha1, @content_type, @created_at, @planned_path,' +
        ' @author, @salt_key_id, @visibility, @readers, @writers, @expires_at, @state)',
    );
    this.setEntryState = db.prepare('UPDATE entries SET state = @state WHERE id = @id AND filename = @filename');
    this.deleteEntry = db.prepare('DELETE FROM entries WHERE id = @id AND filename = @filename RETURNING *');
    this.listEntries = db.prepare('SELECT * FROM entries WHERE id = @id ORDER BY position, filename');
    this.setReplacement = db.prepare(
      'UPDATE entries SET replaced_by_id = @replacedById, replaced_by_filename = @replacedByFilename' +
        ' WHERE id = @id AND filename = @filename RETURNING *',
    );
    this.updateAccess = db.prepare(
      'UPDATE entries SET visibility = @visibility, readers = @readers, writers = @writers, expires_at = @expiresAt' +
        ' WHERE id = @id AND filename = @filename RETURNING *',
    );
    this.markEntriesLost = db.prepare("UPDATE entries SET state = 'lost' WHERE sha256 = @sha256 AND state <> 'lost'");
  }

  /** The statement of a scan query, prepared the first time its SQL is asked for. */
  scan<Row>(sql: string): Statement<Record<string, unknown>, Row> {
    let statement = this.#scans.get(sql);
    if (statement === undefined) this.#scans.set(sql, (statement = this.#db.prepare(sql)));
    return statement as Statement<Record<string, unknown>, Row>;
  }
}
