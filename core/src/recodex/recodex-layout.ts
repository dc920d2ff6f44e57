import { randomBytes } from 'node:crypto';
import { joinPath, normalizePath } from '../path.js';

/**
 * Where the ReCodEx profile keeps its files on a backend, below an optional root folder: the
 * folders of the original fileserver's working directory, plus two staging folders.
 *
 * - `submissions/<id>/<relative path>`: the submitted files;
 * - `submission_archives/<id>.zip`: the archive built from them;
 * - `results/<id>.zip`: the evaluation results a worker uploads;
 * - `tasks/<first hex char>/<sha1>`: task (exercise) files by content;
 * - `incoming-submissions/<random>/` and `incoming-tasks/`: bytes being received, removed once
 *   committed or refused.
 */
export class RecodexLayout {
  /** The normalized root folder (`""` for the backend's root). */
  readonly root: string;

  constructor(root = '') {
    this.root = normalizePath(root, { allowRoot: true });
  }

  /** `<root>/<relative>`, normalized (`STOWAGE_INVALID_PATH` when too long). */
  private at(relative: string): string {
    return normalizePath(joinPath(this.root, relative));
  }

  /** The folder of a submission's files. */
  submissionFolder(id: string): string {
    return this.at(`submissions/${id}`);
  }

  /** Where a file of a submission is stored (`STOWAGE_INVALID_PATH` when the path gets too long). */
  submissionFile(id: string, name: string): string {
    return this.at(`submissions/${id}/${name}`);
  }

  /** The archive of a submission. */
  archive(id: string): string {
    return this.at(`submission_archives/${id}.zip`);
  }

  /** The result archive of a submission. */
  result(id: string): string {
    return this.at(`results/${id}.zip`);
  }

  /** The folder task files live in (`<folder>/<first hex char>/<sha1>`). */
  get tasks(): string {
    return this.at('tasks');
  }

  /** Where task bytes wait until their hash is known. */
  get taskStaging(): string {
    return this.at('incoming-tasks');
  }

  /** A fresh staging folder for one submission upload (16 random bytes, hex). */
  newSubmissionStaging(): string {
    return this.at(`incoming-submissions/${randomBytes(16).toString('hex')}`);
  }
}
