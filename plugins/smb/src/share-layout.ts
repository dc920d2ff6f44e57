import { storedNameOf } from './name-encoding.js';

/** One segment of a key, as stored. */
export interface StoredSegment {
  /** The key segment. */
  readonly segment: string;
  /** Its name on the share (see `name-encoding.ts`). */
  readonly name: string;
  /** Whether the name is a long-name alias, which needs a record next to it. */
  readonly long: boolean;
  /** The share-relative path of the folder holding it. */
  readonly parent: string;
  /** The share-relative path of the segment itself. */
  readonly path: string;
}

/** Where a key lives on the share. */
export interface StoredPath {
  /** The normalized key (`""` for the backend's root). */
  readonly key: string;
  /** The share-relative, backslash-separated path (`""` when the root is the share's root). */
  readonly path: string;
  /** The share-relative path of the parent folder (the root's own path for the root). */
  readonly parent: string;
  /** The segments below the root, outermost first; empty for the root. */
  readonly segments: readonly StoredSegment[];
}

/** Joins share-relative path parts with backslashes, skipping empty ones. */
export function joinShare(...parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join('\\');
}

/**
 * Maps normalized keys to share-relative paths below the backend's root folder: the root's
 * segments as configured, then each key segment's stored name.
 */
export class ShareLayout {
  /** The root folder's share-relative path. */
  readonly rootPath: string;

  constructor(readonly root: readonly string[]) {
    this.rootPath = joinShare(...root);
  }

  /** Where the normalized key `key` lives. */
  locate(key: string): StoredPath {
    const segments: StoredSegment[] = [];
    let parent = this.rootPath;
    for (const segment of key === '' ? [] : key.split('/')) {
      const { name, long } = storedNameOf(segment);
      const path = joinShare(parent, name);
      segments.push({ segment, name, long, parent, path });
      parent = path;
    }
    const last = segments.at(-1);
    return { key, path: last?.path ?? this.rootPath, parent: last?.parent ?? this.rootPath, segments };
  }
}
