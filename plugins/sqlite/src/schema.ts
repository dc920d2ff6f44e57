import { StowageError } from '@stowage/core';
import type Database from 'better-sqlite3';

/**
 * The tables of the catalog and their migrations.
 *
 * Keys are `TEXT COLLATE BINARY`: SQLite compares them with `memcmp` over their UTF-8 bytes, so
 * `Report.PDF`, `report.pdf` and an NFD spelling of a name are different keys, and the catalog
 * never looks a key up with `LIKE`, `GLOB` or `COLLATE NOCASE`. Both tables are `WITHOUT ROWID`
 * (the rows are stored in key order, and every secondary index ends with the key, so a scan
 * filtered on an indexed column still runs in key order) and `STRICT` (a value of the wrong
 * type is an error, never silently stored). Dates are integer milliseconds since the epoch;
 * `readers` and `writers` are JSON arrays of strings.
 *
 * @packageDocumentation
 */

/** `PRAGMA application_id` of a Stowage catalog file ("Stwg"), so another program's database is refused. */
export const APPLICATION_ID = 0x53747767;

const STATE_CHECK = (column: string, states: readonly string[]): string =>
  `CHECK (${column} IN (${states.map((state) => `'${state}'`).join(', ')}))`;

/** Version 1: blobs, entries and the indexes of the scans. */
const VERSION_1 = `
CREATE TABLE blobs (
  sha256 TEXT NOT NULL COLLATE BINARY PRIMARY KEY,
  sha1 TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  backend TEXT NOT NULL,
  path TEXT NOT NULL,
  state TEXT NOT NULL ${STATE_CHECK('state', ['writing', 'present', 'deleting', 'lost'])},
  refs INTEGER NOT NULL CHECK (refs >= 0),
  created_at INTEGER NOT NULL,
  touched_at INTEGER NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE entries (
  id TEXT NOT NULL COLLATE BINARY,
  filename TEXT NOT NULL COLLATE BINARY,
  position INTEGER NOT NULL CHECK (position >= 0),
  backend TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL COLLATE BINARY REFERENCES blobs (sha256),
  sha1 TEXT NOT NULL,
  content_type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  planned_path TEXT NOT NULL,
  author TEXT NOT NULL,
  salt_key_id TEXT NOT NULL,
  visibility TEXT NOT NULL ${STATE_CHECK('visibility', ['public', 'private'])},
  readers TEXT NOT NULL,
  writers TEXT NOT NULL,
  expires_at INTEGER,
  state TEXT NOT NULL ${STATE_CHECK('state', ['pending', 'committed', 'deleting', 'lost'])},
  replaced_by_id TEXT COLLATE BINARY,
  replaced_by_filename TEXT COLLATE BINARY,
  CHECK ((replaced_by_id IS NULL) = (replaced_by_filename IS NULL)),
  PRIMARY KEY (id, filename)
) WITHOUT ROWID, STRICT;

CREATE INDEX entries_by_state ON entries (state);
CREATE INDEX entries_by_sha256 ON entries (sha256);
CREATE INDEX entries_by_backend ON entries (backend);
CREATE INDEX entries_by_expiry ON entries (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX blobs_by_state ON blobs (state);
CREATE INDEX blobs_unreferenced ON blobs (state) WHERE refs = 0;
`;

/** `MIGRATIONS[n]` takes a catalog from version `n` to `n + 1`; only ever append to it. */
export const MIGRATIONS: readonly string[] = Object.freeze([VERSION_1]);

/** The schema version this code reads and writes (`PRAGMA user_version`). */
export const SCHEMA_VERSION = MIGRATIONS.length;

function notACatalog(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `sqlite catalog: file ${message}`);
}

function readHeader(db: Database.Database): { applicationId: number; version: number; empty: boolean } {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() as number;
  return { applicationId, version, empty: objects === 0 };
}

/** Throws unless the header says the file is a catalog this code can use at `version`. */
function checkHeader(header: ReturnType<typeof readHeader>, canMigrate: boolean): void {
  const fresh = header.empty && header.version === 0 && header.applicationId === 0;
  if (fresh) {
    if (!canMigrate) throw notACatalog('holds no catalog yet, and a read-only catalog cannot create one');
    return;
  }
  if (header.applicationId !== APPLICATION_ID) throw notACatalog('is an SQLite database of another program, not a Stowage catalog');
  if (header.version > SCHEMA_VERSION) {
    throw notACatalog(`holds catalog schema version ${header.version}, newer than this version of @stowage/sqlite reads (${SCHEMA_VERSION})`);
  }
  if (header.version < SCHEMA_VERSION && !canMigrate) {
    throw notACatalog(`holds catalog schema version ${header.version}, which a read-only catalog cannot migrate to ${SCHEMA_VERSION}`);
  }
}

/**
 * Checks the file holds a catalog of {@link SCHEMA_VERSION}, creating or migrating it when it
 * does not (unless `readonly`). A current catalog is only read, so opening it never waits for
 * another process's write lock. Creation and migration run in one `BEGIN IMMEDIATE`
 * transaction that checks the header again, so processes opening a new file at the same time
 * create it once.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` when the file holds another program's database,
 * a newer catalog, or (read-only) no catalog or an older one; SQLite errors are thrown as is.
 */
export function prepareSchema(db: Database.Database, readonly: boolean): void {
  const header = readHeader(db);
  checkHeader(header, !readonly);
  if (header.version === SCHEMA_VERSION) return;
  db.transaction(() => {
    const locked = readHeader(db);
    checkHeader(locked, true);
    for (let version = locked.version; version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version] as string);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
