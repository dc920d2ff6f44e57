import type { Backend } from '../backend.js';
import type { CatalogEntry } from '../catalog/entry.js';
import type { Stowage } from '../media/stowage.js';
import type { MediaOptions } from '../media/types.js';
import { normalizePath } from '../path.js';
import { notFoundError } from '../policies/index.js';
import { StowageError } from '../stowage-error.js';
import { archive, type ArchiveOptions, type ArchiveResult } from './archive.js';
import type { ArchiveEntry } from './archive-plan.js';
import { isUnserved } from './unserved.js';

/**
 * An archive entry reading `path` from a backend when the writer reaches it.
 *
 * @param options.name - the name in the archive; the path when absent.
 * @param options.size - the file's size, when known (from a listing or a stat).
 */
export function backendArchiveEntry(backend: Backend, path: string, options: { readonly name?: string; readonly size?: number } = {}): ArchiveEntry {
  return {
    name: options.name ?? path,
    ...(options.size === undefined ? {} : { size: options.size }),
    open: async (signal) => (await backend.read(path, { signal })).stream,
  };
}

/**
 * Every file below `folder` on a backend, as archive entries named relative to the folder, with
 * the sizes the listing reports (so a store-only archive of them has a known size).
 *
 * Errors: the backend's listing codes (`STOWAGE_NOT_A_DIRECTORY`, `STOWAGE_INVALID_PATH`).
 */
export async function backendFolderEntries(backend: Backend, folder: string, options: { readonly signal?: AbortSignal } = {}): Promise<ArchiveEntry[]> {
  const root = normalizePath(folder, { allowRoot: true });
  const entries: ArchiveEntry[] = [];
  const listing = backend.list(root, { recursive: true, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  for await (const item of listing) {
    if (item.kind !== 'file') continue;
    const name = root === '' ? item.path : item.path.slice(root.length + 1);
    entries.push(backendArchiveEntry(backend, item.path, { name, size: item.size }));
  }
  return entries;
}

async function sizeOf(stowage: Stowage, entry: CatalogEntry, options: MediaOptions): Promise<number> {
  if (entry.replacedBy === null) return entry.size;
  const stat = await stowage.stat({ id: entry.id, filename: entry.filename }, { ...options, followReplacements: true });
  return stat.entry.size;
}

/**
 * The members of a folder-like the caller may read, as archive entries: listed with
 * `stowage.list` (so permissions apply), unserved members left out, each read with
 * `stowage.open` (replaced members through their replacement, under their own name).
 *
 * Errors: those of `list` and `stat` (`STOWAGE_NOT_FOUND`, `STOWAGE_UNAUTHENTICATED`,
 * `STOWAGE_FORBIDDEN`); `STOWAGE_NOT_FOUND` when only unserved members remain.
 */
export async function folderArchiveEntries(stowage: Stowage, id: string, options: MediaOptions = {}): Promise<ArchiveEntry[]> {
  const members = (await stowage.list(id, options)).filter((entry) => !isUnserved(entry));
  if (members.length === 0) throw notFoundError({ id, filename: '' });
  return Promise.all(
    members.map(async (entry): Promise<ArchiveEntry> => ({
      name: entry.filename,
      size: await sizeOf(stowage, entry, options),
      open: async (signal) => {
        const opened = await stowage.open({ id: entry.id, filename: entry.filename }, { ...options, signal, followReplacements: true });
        if (opened.kind !== 'content') throw new StowageError('STOWAGE_INTERNAL', 'a followed replacement answered without content');
        return opened.stream;
      },
    })),
  );
}

/**
 * Streams a zip of the folder-like `id` (see {@link folderArchiveEntries} and {@link archive}):
 * what `GET /media/:longid.zip` answers. Store-only by default, so `size` is known.
 *
 * Errors: those of {@link folderArchiveEntries} (before any byte); then those of {@link archive}
 * on the stream.
 */
export async function archiveFolder(stowage: Stowage, id: string, options: ArchiveOptions & MediaOptions = {}): Promise<ArchiveResult> {
  const media: MediaOptions = {
    ...(options.principal === undefined ? {} : { principal: options.principal }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  return archive(await folderArchiveEntries(stowage, id, media), options);
}
