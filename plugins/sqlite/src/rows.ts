import { freezeBlob, freezeEntry, type BlobRecord, type BlobState, type CatalogEntry, type EntryState, type Visibility } from '@stowage/core';

/** A row of the `blobs` table, as better-sqlite3 returns it. */
export interface BlobRow {
  readonly sha256: string;
  readonly sha1: string;
  readonly size: number;
  readonly backend: string;
  readonly path: string;
  readonly state: BlobState;
  readonly refs: number;
  readonly created_at: number;
  readonly touched_at: number;
}

/** A row of the `entries` table, as better-sqlite3 returns it. */
export interface EntryRow {
  readonly id: string;
  readonly filename: string;
  readonly position: number;
  readonly backend: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly sha1: string;
  readonly content_type: string;
  readonly created_at: number;
  readonly planned_path: string;
  readonly author: string;
  readonly salt_key_id: string;
  readonly visibility: Visibility;
  readonly readers: string;
  readonly writers: string;
  readonly expires_at: number | null;
  readonly state: EntryState;
  readonly replaced_by_id: string | null;
  readonly replaced_by_filename: string | null;
}

/** The named parameters that insert a new entry (every column but the replacement). */
export type EntryParams = Omit<EntryRow, 'replaced_by_id' | 'replaced_by_filename'>;

/** The frozen snapshot of a blob row. */
export function blobFromRow(row: BlobRow): BlobRecord {
  return freezeBlob({
    sha256: row.sha256,
    sha1: row.sha1,
    size: row.size,
    backend: row.backend,
    path: row.path,
    state: row.state,
    refs: row.refs,
    createdAt: new Date(row.created_at),
    touchedAt: new Date(row.touched_at),
  });
}

/** The frozen snapshot of an entry row. */
export function entryFromRow(row: EntryRow): CatalogEntry {
  return freezeEntry({
    id: row.id,
    filename: row.filename,
    position: row.position,
    backend: row.backend,
    path: row.path,
    size: row.size,
    sha256: row.sha256,
    sha1: row.sha1,
    contentType: row.content_type,
    createdAt: new Date(row.created_at),
    plannedPath: row.planned_path,
    author: row.author,
    saltKeyId: row.salt_key_id,
    visibility: row.visibility,
    readers: JSON.parse(row.readers) as string[],
    writers: JSON.parse(row.writers) as string[],
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    state: row.state,
    replacedBy: row.replaced_by_id === null || row.replaced_by_filename === null ? null : { id: row.replaced_by_id, filename: row.replaced_by_filename },
  });
}
