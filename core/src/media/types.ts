import type { Readable } from 'node:stream';
import type { ByteSource } from '../backend.js';
import type { CatalogEntry, EntryKey, Visibility } from '../catalog/entry.js';
import type { CacheDirectives } from '../policies/index.js';
import type { Principal } from '../policies/index.js';
import type { ReadRange } from '../range.js';

/** One file of a put. */
export interface PutFile {
  /** The display name and lookup key (normalized to NFC; no `/`, no control characters). */
  readonly filename: string;
  /** The bytes: a `Readable` or any (async) iterable of byte chunks. */
  readonly source: ByteSource;
  /** The media type; guessed from the filename with mime-types when absent. */
  readonly contentType?: string;
  /** The exact size the source must deliver, when the caller knows it. */
  readonly size?: number;
}

/** Options every media operation accepts. */
export interface MediaOptions {
  /** Who is asking; `null` or absent is anonymous. */
  readonly principal?: Principal | null;
  /** Aborting rejects with `STOWAGE_ABORTED`; a put leaves nothing referenced. */
  readonly signal?: AbortSignal;
}

/** Options of {@link Stowage.put}. */
export interface PutOptions extends MediaOptions {
  /** @defaultValue `'private'` */
  readonly visibility?: Visibility;
  /** Principals (or `group:<name>`) that may read a private entry. */
  readonly readers?: readonly string[];
  /** Principals (or `group:<name>`) that may modify; the author always may. */
  readonly writers?: readonly string[];
  /** Days to keep the entry; overrides the backend descriptor's `keepDays`; `null` keeps it forever. */
  readonly keepDays?: number | null;
}

/** What a put answers. */
export interface PutResult {
  /** The long id shared by every file of the put. */
  readonly id: string;
  /** The committed entries, in upload order. */
  readonly entries: readonly CatalogEntry[];
  /** For each file, whether its bytes were already stored (deduplicated). */
  readonly deduplicated: readonly boolean[];
}

/** Options of {@link Stowage.open} and {@link Stowage.stat}. */
export interface OpenOptions extends MediaOptions {
  /** Read only these bytes (resolved against the entry's size). */
  readonly range?: ReadRange;
  /** Serve the end of a replacement chain directly instead of answering `replaced`. @defaultValue false */
  readonly followReplacements?: boolean;
}

/** An entry the caller may read, with the caching policy that applies to it. */
export interface ResolvedEntry {
  readonly kind: 'entry';
  readonly entry: CatalogEntry;
  readonly cache: CacheDirectives;
}

/** The entry was replaced: reads go to `location`, the end of the replacement chain (a 301). */
export interface ReplacedEntry {
  readonly kind: 'replaced';
  readonly entry: CatalogEntry;
  readonly location: EntryKey;
}

/** What {@link Stowage.stat} answers. */
export type StatResult = ResolvedEntry | ReplacedEntry;

/** An open entry: exactly `length` bytes from `offset` of the entry's content. */
export interface OpenedEntry extends Omit<ResolvedEntry, 'kind'> {
  readonly kind: 'content';
  /**
   * The bytes. When they are held in memory (`bytes` set) this is a getter that creates the
   * stream on first read, so a spread copy of the result (`{ ...opened }`) does not carry it:
   * name the fields to copy.
   */
  readonly stream: Readable;
  readonly offset: number;
  readonly length: number;
  /**
   * The same `length` bytes in memory, when they were already held (a small blob from the
   * small-blob cache, verified when it entered it): callers may use them instead of `stream`,
   * which is then only created if read. They are the cache's own memory (as are the chunks of
   * `stream`): read them, never write to them.
   */
  readonly bytes?: Uint8Array;
}

/** What {@link Stowage.open} answers. */
export type OpenResult = OpenedEntry | ReplacedEntry;

/** What {@link Stowage.remove} answers. */
export interface RemoveResult {
  /** The entries removed (none when they were already gone: removal is idempotent). */
  readonly removed: readonly CatalogEntry[];
}
