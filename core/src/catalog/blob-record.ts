/**
 * The life of a content-addressed blob:
 * - `writing`: a put claimed it and is moving its bytes into place;
 * - `present`: the bytes are at `backend`/`path`;
 * - `deleting`: the collector claimed it and is deleting the bytes;
 * - `lost`: `fsck` found the bytes missing or not hashing to `sha256`.
 */
export type BlobState = 'writing' | 'present' | 'deleting' | 'lost';

/** Where a put holds the bytes of a blob it wants to store. */
export interface BlobCandidate {
  /** Lowercase hex SHA-256 of the bytes: the blob's identity. */
  readonly sha256: string;
  /** Lowercase hex SHA-1 of the bytes. */
  readonly sha1: string;
  readonly size: number;
  /** The backend (shard) that will hold the blob if this claim wins. */
  readonly backend: string;
  /** The final, content-addressed path on that backend. */
  readonly path: string;
}

/** A blob row of the catalog. */
export interface BlobRecord extends BlobCandidate {
  readonly state: BlobState;
  /** How many entries (pending, committed, deleting or lost) reference the blob. */
  readonly refs: number;
  /** When the row was created. */
  readonly createdAt: Date;
  /** The last time a put claimed the blob or its last reference went away. */
  readonly touchedAt: Date;
}

/** The answer of `Catalog.claimBlob`. */
export type BlobClaim =
  | { readonly kind: 'write'; readonly blob: BlobRecord }
  | { readonly kind: 'reuse'; readonly blob: BlobRecord }
  | { readonly kind: 'wait' };
