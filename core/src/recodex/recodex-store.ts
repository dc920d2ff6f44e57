import type { Backend, BackendEntry, ByteSource } from '../backend.js';
import { KeyedLock } from '../media/keyed-lock.js';
import { createTaskStore, type TaskStore } from '../media/task-store.js';
import { StowageError } from '../stowage-error.js';
import { RecodexLayout } from './recodex-layout.js';
import { checkSubmissionId } from './recodex-names.js';
import { beginSubmission, type SubmissionUpload } from './submission-upload.js';

/** Options of {@link createRecodexStore}. */
export interface RecodexStoreOptions {
  readonly backend: Backend;
  /** A folder of the backend to keep everything under (see {@link RecodexLayout}). @defaultValue `''` */
  readonly root?: string;
  /** Deflate the members of submission archives, as the original does. @defaultValue true */
  readonly compress?: boolean;
}

/**
 * The storage side of the ReCodEx fileserver profile, without HTTP: submissions with their
 * archives, result archives and SHA-1 task files, laid out on one backend as the original lays
 * them out on disk (see {@link RecodexLayout}).
 *
 * Behavior:
 * - `beginSubmission(id)` receives a submission all or nothing (see {@link SubmissionUpload});
 *   uploads of the same id commit one after the other within the process; a new upload for an
 *   existing id adds its files to the stored ones (same names replaced) and rebuilds the archive,
 *   as the original does.
 * - `putResult(id, source)` stores `results/<id>.zip` atomically (replacing any previous one).
 * - `tasks` stores files by SHA-1, never rewriting an existing hash (see `createTaskStore`).
 * - Ids are checked against {@link SUBMISSION_ID} before any I/O.
 *
 * Errors: `STOWAGE_INVALID_PATH` for a malformed id; those of the parts; `STOWAGE_INVALID_CONFIG`
 * at creation for bad options.
 */
export interface RecodexStore {
  readonly backend: Backend;
  readonly layout: RecodexLayout;
  readonly tasks: TaskStore;
  beginSubmission(id: string, options?: { readonly signal?: AbortSignal }): SubmissionUpload;
  putResult(id: string, source: ByteSource, options?: { readonly size?: number; readonly signal?: AbortSignal }): Promise<BackendEntry>;
}

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', message);
}

/** Builds a {@link RecodexStore}; `STOWAGE_INVALID_CONFIG` naming the option when one is malformed. */
export function createRecodexStore(options: RecodexStoreOptions): RecodexStore {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const { backend, root = '', compress = true } = options;
  if (typeof backend !== 'object' || backend === null || typeof backend.write !== 'function') throw invalid('options.backend must be a backend');
  if (typeof root !== 'string') throw invalid('options.root must be a string');
  if (typeof compress !== 'boolean') throw invalid('options.compress must be a boolean');
  let layout: RecodexLayout;
  try {
    layout = new RecodexLayout(root);
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'options.root must be a valid backend path', { cause: error });
  }
  const scope = { backend, layout, locks: new KeyedLock(), compress };
  const tasks = createTaskStore({ backend, prefix: layout.tasks, staging: layout.taskStaging });
  return Object.freeze({
    backend,
    layout,
    tasks,
    beginSubmission(id: string, beginOptions: { readonly signal?: AbortSignal } = {}) {
      return beginSubmission(scope, checkSubmissionId(id), beginOptions.signal);
    },
    async putResult(id: string, source: ByteSource, putOptions: { readonly size?: number; readonly signal?: AbortSignal } = {}) {
      const path = layout.result(checkSubmissionId(id));
      return backend.write(path, source, putOptions);
    },
  });
}
