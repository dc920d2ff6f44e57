import { sanitizeArchiveName } from '../archive/index.js';
import { MAX_PATH_BYTES, normalizePath } from '../path.js';
import { StowageError } from '../stowage-error.js';

/**
 * The submission id charset: 1 to 128 characters from `A-Z a-z 0-9 _ - .`, neither starting nor
 * ending with `.`. ReCodEx job ids (`student_<uuid>`, `reference_<uuid>`) and the original's test
 * ids (`job-id-xxxx`) fit; `.` and `..`, hidden names, `/`, `\`, `%`, spaces, control characters
 * and everything non-ASCII do not. Ids are case-sensitive, like every backend path.
 */
export const SUBMISSION_ID = /^[A-Za-z0-9_-](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9_-])?$/;

/** A task file's address: the lowercase hex SHA-1 of its bytes. */
export const TASK_HASH = /^[0-9a-f]{40}$/;

/** The longest task field name accepted, in UTF-8 bytes (the name only travels back in JSON). */
export const MAX_FIELD_NAME_BYTES = MAX_PATH_BYTES;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function invalidPath(reason: string): StowageError {
  return new StowageError('STOWAGE_INVALID_PATH', `The file name ${reason}`);
}

/** `true` when `id` is a valid submission id ({@link SUBMISSION_ID}). */
export function isSubmissionId(id: unknown): id is string {
  return typeof id === 'string' && SUBMISSION_ID.test(id);
}

/** `true` when `hash` is 40 lowercase hex characters. */
export function isTaskHash(hash: unknown): hash is string {
  return typeof hash === 'string' && TASK_HASH.test(hash);
}

/** Returns `id` when it is a valid submission id; `STOWAGE_INVALID_PATH` otherwise. */
export function checkSubmissionId(id: unknown): string {
  if (!isSubmissionId(id)) throw new StowageError('STOWAGE_INVALID_PATH', 'A submission id is 1-128 characters of A-Z a-z 0-9 _ - . (no leading or trailing dot)');
  return id;
}

/**
 * Checks the relative path a submission's multipart field names a file by, and answers its NFC
 * form: the name the file is stored under and the name of its zip member (below `<id>/`).
 *
 * The rule: refused with `STOWAGE_INVALID_PATH` (400), never rewritten, when the name is missing
 * or empty; starts with `/` (absolute); holds `\`, NUL, C0/C1 control characters or DEL; has an
 * empty segment (`a//b`, a trailing `/`), a `.` or `..` segment; is malformed Unicode; has a
 * segment over 255 or a total over 1024 UTF-8 bytes; or would be renamed in the archive (a drive
 * prefix such as `C:` or `a:` starting the first segment). Anything else (`ab:c`, `CON`, `trail.`, spaces,
 * any Unicode) is kept. NFC and NFD spellings name the same file.
 */
export function checkSubmissionPath(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw invalidPath('is missing');
  if (name.startsWith('/')) throw invalidPath('is absolute');
  if (name.includes('\\')) throw invalidPath('holds a backslash');
  if (CONTROL.test(name)) throw invalidPath('holds a control character');
  const nfc = name.normalize('NFC');
  for (const segment of nfc.split('/')) {
    if (segment === '') throw invalidPath('has an empty segment');
    if (segment === '.' || segment === '..') throw invalidPath('has a dot segment');
  }
  // Malformed Unicode and over-long names and segments; the rest was refused above.
  normalizePath(nfc);
  if (sanitizeArchiveName(nfc) !== nfc) throw invalidPath('would change in the archive');
  return nfc;
}

/**
 * Checks a task upload's field name (the key of the answer's `files` map, never a path): it must
 * be a non-empty string of at most {@link MAX_FIELD_NAME_BYTES} UTF-8 bytes without control
 * characters; `STOWAGE_INVALID_ARGUMENT` (400) otherwise. The name is returned unchanged.
 */
export function checkTaskFieldName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'Every task file needs a field name');
  if (CONTROL.test(name)) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'A field name may not hold control characters');
  if (Buffer.byteLength(name) > MAX_FIELD_NAME_BYTES) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'A field name is too long');
  return name;
}
