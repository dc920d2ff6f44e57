import { archive, backendFolderEntries } from '../archive/index.js';
import type { Backend, BackendEntry } from '../backend.js';
import type { RecodexLayout } from './recodex-layout.js';

/** Options of {@link writeSubmissionArchive}. */
export interface SubmissionArchiveOptions {
  /** Deflate the members, as the original's `shutil.make_archive` does. */
  readonly compress: boolean;
  /** The modification time of every member. */
  readonly mtime: Date;
  readonly signal?: AbortSignal;
}

/**
 * Writes `submission_archives/<id>.zip` from every file in `submissions/<id>/`, streaming: the
 * members are read from the backend one at a time while the zip is written to it, so memory
 * stays flat whatever the size of the submission.
 *
 * The layout of the original (`shutil.make_archive(..., root_dir=submissions, base_dir=id)`): a
 * top folder `<id>/`, a directory entry for it and for every folder holding a file, the files
 * below it under their stored names, in the original's walk order (in each folder: its
 * subfolders' entries, its files, then each subfolder; sorted at every level); the write is atomic on the
 * backend, so a reader sees the previous archive or the new one, and a failure leaves the
 * previous one.
 *
 * Errors: the backend's listing, read and write codes; `STOWAGE_SIZE_MISMATCH` when a file
 * changes size while it is archived; `STOWAGE_ABORTED`.
 */
export async function writeSubmissionArchive(
  backend: Backend,
  layout: RecodexLayout,
  id: string,
  options: SubmissionArchiveOptions,
): Promise<{ readonly entry: BackendEntry; readonly members: readonly string[] }> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const entries = await backendFolderEntries(backend, layout.submissionFolder(id), signal);
  const zip = archive(entries, { prefix: id, directories: true, order: 'walk', compress: options.compress, mtime: options.mtime, ...signal });
  try {
    const entry = await backend.write(layout.archive(id), zip.stream, { ...signal, ...(zip.size === undefined ? {} : { size: zip.size }) });
    return { entry, members: zip.names };
  } finally {
    zip.stream.destroy();
  }
}
