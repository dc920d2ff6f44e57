import type { Readable } from 'node:stream';
import type { ByteSource } from '../backend.js';
import { StowageError } from '../stowage-error.js';
import { compareOrdinal, dedupeNames, parentsOf, sanitizeArchiveName } from './archive-names.js';

/** One file to put into an archive. */
export interface ArchiveEntry {
  /**
   * The name in the archive: a display name in which `/` separates folders. Sanitized with
   * {@link sanitizeArchiveName} and deduplicated, so any string is accepted.
   */
  readonly name: string;
  /**
   * The exact number of bytes `open` delivers. Needed for the archive's size to be known up front
   * (store-only); a source that delivers another count fails the archive.
   */
  readonly size?: number;
  /**
   * Opens the bytes. Called when the zip writer reaches this entry, never earlier, so at most one
   * source is open at a time. The signal aborts when the archive fails or its consumer goes away.
   */
  readonly open: (signal: AbortSignal) => Promise<Readable | ByteSource>;
  /** This entry's modification time; the archive's `mtime` when absent. */
  readonly mtime?: Date;
}

/** One item of an archive, in the order written. */
export type PlannedItem =
  | { readonly kind: 'file'; readonly name: string; readonly entry: ArchiveEntry }
  | { readonly kind: 'directory'; readonly name: string };

/** What {@link planArchive} needs from the options. */
export interface PlanOptions {
  /** A top folder every entry goes under (sanitized like a name), e.g. a submission id. */
  readonly prefix?: string;
  /** Add a directory entry (`name/`) for the prefix and every folder that holds a file. */
  readonly directories?: boolean;
  /**
   * `ordinal`: every item sorted by its final name. `walk`: the order of a top-down folder walk
   * (Python's `shutil.make_archive`, which the ReCodEx fileserver uses): in each folder its
   * subfolders' entries, then its files, then each subfolder in turn, names sorted ordinally at
   * every level. @defaultValue 'ordinal'
   */
  readonly order?: 'ordinal' | 'walk';
}

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message);
}

function checkEntry(entry: ArchiveEntry, index: number): void {
  if (typeof entry !== 'object' || entry === null) throw invalid(`archive entry ${index} must be an object`);
  if (typeof entry.name !== 'string') throw invalid(`archive entry ${index} needs a string name`);
  if (typeof entry.open !== 'function') throw invalid(`archive entry ${index} needs an open function`);
  if (entry.size !== undefined && (!Number.isSafeInteger(entry.size) || entry.size < 0)) {
    throw invalid(`archive entry ${index} has a size that is not an integer >= 0`);
  }
  if (entry.mtime !== undefined && (!(entry.mtime instanceof Date) || Number.isNaN(entry.mtime.getTime()))) {
    throw invalid(`archive entry ${index} has an invalid mtime`);
  }
}

/**
 * The items of an archive in their final order.
 *
 * The documented rule: names are sanitized ({@link sanitizeArchiveName}); entries are sorted by
 * sanitized name, then original name, then size, in ordinal (UTF-16 code unit) order, entries
 * equal in all three keeping their input order; duplicates are then renamed by
 * {@link dedupeNames} in that order; the prefix is put in front; directory entries are added when
 * asked; finally every item is sorted by its final name in ordinal order (a folder's entry
 * `a/` therefore precedes everything in it). The same set of entries always gives the same items.
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` for a malformed entry or option.
 */
export function planArchive(entries: readonly ArchiveEntry[], options: PlanOptions = {}): PlannedItem[] {
  if (!Array.isArray(entries)) throw invalid('archive entries must be an array');
  entries.forEach(checkEntry);
  if (options.prefix !== undefined && typeof options.prefix !== 'string') throw invalid('options.prefix must be a string');
  if (options.order !== undefined && options.order !== 'ordinal' && options.order !== 'walk') throw invalid('options.order must be "ordinal" or "walk"');
  const sanitized = entries.map((entry, index) => ({ entry, index, name: sanitizeArchiveName(entry.name) }));
  sanitized.sort(
    (a, b) =>
      compareOrdinal(a.name, b.name) ||
      compareOrdinal(a.entry.name, b.entry.name) ||
      (a.entry.size ?? -1) - (b.entry.size ?? -1) ||
      a.index - b.index,
  );
  const unique = dedupeNames(sanitized.map((item) => item.name));
  const prefix = options.prefix === undefined || options.prefix === '' ? '' : `${sanitizeArchiveName(options.prefix)}/`;
  const items: PlannedItem[] = sanitized.map((item, index) => ({
    kind: 'file',
    name: `${prefix}${unique[index] as string}`,
    entry: item.entry,
  }));
  if (options.directories === true) {
    const folders = new Set(items.flatMap((item) => parentsOf(item.name)));
    if (prefix !== '') folders.add(prefix.slice(0, -1));
    for (const folder of folders) items.push({ kind: 'directory', name: `${folder}/` });
  }
  items.sort((a, b) => compareOrdinal(a.name, b.name));
  return options.order === 'walk' ? walkOrder(items) : items;
}

interface Folder {
  directory: PlannedItem | undefined;
  readonly files: PlannedItem[];
  readonly folders: Map<string, Folder>;
}

/** Reorders ordinally sorted items as a top-down walk (see {@link PlanOptions.order}). */
function walkOrder(sorted: readonly PlannedItem[]): PlannedItem[] {
  const root: Folder = { directory: undefined, files: [], folders: new Map() };
  const folderOf = (segments: readonly string[]): Folder => {
    let folder = root;
    for (const segment of segments) {
      let child = folder.folders.get(segment);
      if (child === undefined) {
        child = { directory: undefined, files: [], folders: new Map() };
        folder.folders.set(segment, child);
      }
      folder = child;
    }
    return folder;
  };
  for (const item of sorted) {
    const segments = item.name.split('/');
    if (item.kind === 'directory') folderOf(segments.slice(0, -1)).directory = item;
    else folderOf(segments.slice(0, -1)).files.push(item);
  }
  const ordered: PlannedItem[] = [];
  const visit = (folder: Folder): void => {
    const children = [...folder.folders.entries()].sort(([a], [b]) => compareOrdinal(a, b)).map(([, child]) => child);
    for (const child of children) if (child.directory !== undefined) ordered.push(child.directory);
    ordered.push(...folder.files);
    for (const child of children) visit(child);
  };
  visit(root);
  return ordered;
}
