import type { Backend, BackendEntry, ByteSource } from '../backend.js';
import type { KeyedLock } from '../media/keyed-lock.js';
import { moveWithin } from '../media/layout.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import type { RecodexLayout } from './recodex-layout.js';
import { checkSubmissionPath } from './recodex-names.js';
import { writeSubmissionArchive } from './submission-archive.js';

/** What a committed submission upload answers. */
export interface SubmissionCommit {
  readonly id: string;
  /** The (NFC) names this upload stored, in the order they were added. */
  readonly files: readonly string[];
  /** The archive on the backend, `submission_archives/<id>.zip`. */
  readonly archive: BackendEntry;
  /** The archive's member names in archive order (directories end with `/`). */
  readonly members: readonly string[];
}

/**
 * One submission being received: files are staged as they arrive, then committed together.
 *
 * Behavior:
 * - `add` checks the name ({@link checkSubmissionPath}) and its clashes with the names added
 *   before synchronously, before any I/O, then streams the bytes to a staging folder.
 * - `commit` waits for every `add`, then, exclusively for the id within the process: refuses a
 *   name that clashes with the files already stored for the id (a file where a folder is, or a
 *   folder where a file is), moves the staged files into `submissions/<id>/` (replacing files
 *   of the same name, which are kept aside until the end), and writes
 *   `submission_archives/<id>.zip` of the whole folder (see {@link writeSubmissionArchive}). If
 *   anything fails, or the signal aborts, the moves are undone (replaced files put back, new
 *   folders removed) and the previous archive stays: all or nothing. The staging folder is
 *   removed either way.
 * - `discard` drops everything staged; nothing outside the staging folder was touched.
 * - After `commit` or `discard`, `add` rejects with `STOWAGE_INVALID_ARGUMENT`.
 *
 * Errors: `add`: `STOWAGE_INVALID_PATH` (a bad name, or a path too long), `STOWAGE_INVALID_ARGUMENT`
 * (a name added twice, or a file where another name needs a folder), the backend's write codes;
 * `commit`: the first failure of an `add`, `STOWAGE_IS_A_DIRECTORY` / `STOWAGE_NOT_A_DIRECTORY`
 * (409: a clash with stored files), `STOWAGE_ABORTED`, the backend's codes, those of the archive.
 */
export interface SubmissionUpload {
  readonly id: string;
  add(name: string, source: ByteSource): Promise<void>;
  commit(): Promise<SubmissionCommit>;
  discard(): Promise<void>;
}

/** What a {@link SubmissionUpload} shares with its store. */
export interface SubmissionScope {
  readonly backend: Backend;
  readonly layout: RecodexLayout;
  readonly locks: KeyedLock;
  readonly compress: boolean;
}

interface Placement {
  readonly target: string;
  /** Where the file replaced at `target` was kept, once it was moved there. */
  backup?: string;
  placed: boolean;
}

interface StoredTree {
  readonly exists: boolean;
  readonly files: ReadonlySet<string>;
  readonly folders: ReadonlySet<string>;
}

/** Every folder a relative path lies in, outermost first: `a/b/c` → `a`, `a/b`. */
export function foldersOf(path: string): string[] {
  const folders: string[] = [];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) folders.push(path.slice(0, slash));
  return folders;
}

function clash(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message);
}

/** Starts receiving submission `id` (already validated) into a fresh staging folder. */
export function beginSubmission(scope: SubmissionScope, id: string, signal?: AbortSignal): SubmissionUpload {
  const { backend, layout } = scope;
  const staging = layout.newSubmissionStaging();
  const options = signal === undefined ? {} : { signal };
  const names: string[] = [];
  const taken = new Set<string>();
  const folders = new Set<string>();
  const pending: Promise<unknown>[] = [];
  let open = true;

  const stagedFile = (index: number): string => `${staging}/files/${index}`;
  const removeStaging = (): Promise<void> => backend.delete(staging, { recursive: true }).catch(() => undefined);

  const reserve = (name: string): void => {
    if (taken.has(name)) throw clash('A file name appears twice in the submission');
    if (folders.has(name) || foldersOf(name).some((folder) => taken.has(folder))) {
      throw clash('A file name of the submission is also used as a folder');
    }
    taken.add(name);
    for (const folder of foldersOf(name)) folders.add(folder);
  };

  async function storedTree(folder: string): Promise<StoredTree> {
    try {
      await backend.stat(folder, options);
    } catch (error) {
      if (isStowageError(error, 'STOWAGE_NOT_FOUND')) return { exists: false, files: new Set(), folders: new Set() };
      throw error;
    }
    const files = new Set<string>();
    const found = new Set<string>();
    for await (const item of backend.list(folder, { ...options, recursive: true })) {
      const relative = item.path.slice(folder.length + 1);
      (item.kind === 'file' ? files : found).add(relative);
      for (const parent of foldersOf(relative)) found.add(parent);
    }
    return { exists: true, files, folders: found };
  }

  async function undo(placements: readonly Placement[], created: readonly string[]): Promise<void> {
    for (const placement of [...placements].reverse()) {
      if (placement.placed) await backend.delete(placement.target).catch(() => undefined);
      if (placement.backup !== undefined) await moveWithin(backend, placement.backup, placement.target).catch(() => undefined);
    }
    // Deepest first; a folder that still holds something (another writer's file) stays.
    for (const folder of [...created].sort((a, b) => b.length - a.length)) await backend.delete(folder).catch(() => undefined);
  }

  async function apply(): Promise<SubmissionCommit> {
    const folder = layout.submissionFolder(id);
    const stored = await storedTree(folder);
    for (const name of names) {
      if (stored.folders.has(name)) throw new StowageError('STOWAGE_IS_A_DIRECTORY', 'A folder of the stored submission has the name of a submitted file');
      if (foldersOf(name).some((parent) => stored.files.has(parent))) {
        throw new StowageError('STOWAGE_NOT_A_DIRECTORY', 'A file of the stored submission has the name of a submitted folder');
      }
    }
    const created = [...new Set(names.flatMap(foldersOf))].filter((name) => !stored.folders.has(name)).map((name) => `${folder}/${name}`);
    if (!stored.exists) created.push(folder);
    const placements: Placement[] = [];
    try {
      await backend.createDir(folder, options);
      for (const [index, name] of names.entries()) {
        const placement: Placement = { target: layout.submissionFile(id, name), placed: false };
        placements.push(placement);
        if (stored.files.has(name)) {
          await moveWithin(backend, placement.target, `${staging}/backup/${index}`, signal);
          placement.backup = `${staging}/backup/${index}`;
        }
        await moveWithin(backend, stagedFile(index), placement.target, signal);
        placement.placed = true;
      }
      const written = await writeSubmissionArchive(backend, layout, id, { compress: scope.compress, mtime: new Date(), ...options });
      return Object.freeze({ id, files: Object.freeze([...names]), archive: written.entry, members: written.members });
    } catch (error) {
      await undo(placements, created);
      throw error;
    }
  }

  const close = (): void => {
    if (!open) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'The submission upload is already committed or discarded');
    open = false;
  };

  return Object.freeze({
    id,
    async add(name: string, source: ByteSource): Promise<void> {
      if (!open) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'The submission upload is already committed or discarded');
      const checked = checkSubmissionPath(name);
      layout.submissionFile(id, checked);
      reserve(checked);
      const index = names.push(checked) - 1;
      const written = backend.write(stagedFile(index), source, options);
      pending.push(written);
      await written;
    },
    async commit(): Promise<SubmissionCommit> {
      close();
      try {
        const failed = (await Promise.allSettled(pending)).find((outcome) => outcome.status === 'rejected');
        if (failed !== undefined) throw failed.reason;
        return await scope.locks.run(id, apply);
      } finally {
        await removeStaging();
      }
    },
    async discard(): Promise<void> {
      close();
      await Promise.allSettled(pending);
      await removeStaging();
    },
  });
}
