/**
 * The life of an entry:
 * - `pending`: recorded by a put that has not finished (later stages may still undo it);
 * - `committed`: visible to reads;
 * - `deleting`: a remove has started; not visible;
 * - `lost`: `fsck` found its blob missing or corrupt; never served.
 */
export type EntryState = 'pending' | 'committed' | 'deleting' | 'lost';

/** The states an entry can be in, in a fixed order. */
export const ENTRY_STATES: readonly EntryState[] = Object.freeze(['pending', 'committed', 'deleting', 'lost']);

/** Public entries may be read by anyone; private ones only by their readers and writers. */
export type Visibility = 'public' | 'private';

/** What names one entry: the long id and the filename within it. */
export interface EntryKey {
  /** The long id: 64 lowercase hex characters. */
  readonly id: string;
  /** The display name and lookup key within the id (NFC, never a path on disk). */
  readonly filename: string;
}

/** Who may read or modify an entry, and until when it is kept. */
export interface EntryAccess {
  readonly visibility: Visibility;
  /** Principals that may read a private entry. */
  readonly readers: readonly string[];
  /** Principals that may read, replace and remove the entry. */
  readonly writers: readonly string[];
  /** When the entry expires and `sweep` removes it; `null` keeps it forever. */
  readonly expiresAt: Date | null;
}

/** The fields a put supplies for a new entry. */
export interface NewEntry extends EntryKey, EntryAccess {
  /** Order within the folder-like, from 0, the upload order. */
  readonly position: number;
  /** The backend (shard) name holding the blob. */
  readonly backend: string;
  /** The blob's path on that backend. */
  readonly path: string;
  readonly size: number;
  /** Lowercase hex SHA-256 of the bytes; names the blob. */
  readonly sha256: string;
  /** Lowercase hex SHA-1 of the bytes. */
  readonly sha1: string;
  /** The media type served with the entry. */
  readonly contentType: string;
  /** The upload time, hashed into the long id (ISO 8601 UTC with milliseconds). */
  readonly createdAt: Date;
  /** `<backend>:<path>` chosen before the bytes arrived, hashed into the long id. */
  readonly plannedPath: string;
  /** The uploading principal's name (`""` for anonymous), hashed into the long id. */
  readonly author: string;
  /** Which salt, by key id, went into the long id. */
  readonly saltKeyId: string;
}

/** A catalog row. */
export interface CatalogEntry extends NewEntry {
  readonly state: EntryState;
  /** The entry reads resolve to instead (a 301), or `null`. */
  readonly replacedBy: EntryKey | null;
}

/** `true` when both keys name the same entry. */
export function sameKey(a: EntryKey, b: EntryKey): boolean {
  return a.id === b.id && a.filename === b.filename;
}

/** A printable form of a key, `<id>/<filename>`, for messages and maps. */
export function keyString(key: EntryKey): string {
  return `${key.id}/${key.filename}`;
}
