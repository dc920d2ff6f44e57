import { isStowageError, StowageError, type ErrorContext } from '../stowage-error.js';

/**
 * Why {@link extract} refused an archive. Every refusal is `STOWAGE_REJECTED` (422) with the rule
 * in `context.rule` (read it with {@link archiveRejectionOf}); nothing was stored.
 *
 * - `malformed`: yauzl could not read the structure (no or bad end-of-central-directory record,
 *   a truncated file, a comment holding an EOCD signature, a bad header signature, data past the
 *   end of the file), or the input is not a zip at all.
 * - `multi-disk`: a split archive.
 * - `empty-archive`: no file to store.
 * - `too-many-entries`: the central directory declares more than `maxEntries` entries.
 * - `absolute-path` (`/x`, `C:x`), `parent-segment` (`..`), `dot-segment` (`.`),
 *   `empty-segment` (`a//b`), `empty-name`, `backslash`, `control-character` (NUL, C0, DEL, C1),
 *   `invalid-name` (bytes that are not valid UTF-8 under the UTF-8 flag), `name-too-long` (a
 *   segment over 255 or a path over 1024 UTF-8 bytes).
 * - `duplicate-name` (the same name twice), `name-collision` (equal after NFC and case folding,
 *   or a file where another entry needs a folder), `flatten-collision` (two members mapped to
 *   the same stored filename).
 * - `symlink`, `hardlink` (a PKWARE Unix extra field carrying a link target), `special-file`
 *   (devices, FIFOs, sockets: any Unix file type other than regular file and directory).
 * - `encrypted`, `unsupported-method` (anything but stored and deflate),
 *   `malformed-extra-field`, `directory-with-data`.
 * - `header-mismatch` (the local header disagrees with the central directory on name, method or
 *   encryption), `overlap` (entries share bytes: the non-recursive zip bomb).
 * - `entry-size`, `total-size`, `ratio`: a limit, checked on declared sizes first and again on
 *   the bytes actually inflated.
 * - `size-mismatch`, `crc-mismatch`, `corrupt-data`: the data contradicts its headers.
 */
export type ArchiveRule =
  | 'malformed'
  | 'multi-disk'
  | 'empty-archive'
  | 'too-many-entries'
  | 'absolute-path'
  | 'parent-segment'
  | 'dot-segment'
  | 'empty-segment'
  | 'empty-name'
  | 'backslash'
  | 'control-character'
  | 'invalid-name'
  | 'name-too-long'
  | 'duplicate-name'
  | 'name-collision'
  | 'flatten-collision'
  | 'symlink'
  | 'hardlink'
  | 'special-file'
  | 'encrypted'
  | 'unsupported-method'
  | 'malformed-extra-field'
  | 'directory-with-data'
  | 'header-mismatch'
  | 'overlap'
  | 'entry-size'
  | 'total-size'
  | 'ratio'
  | 'size-mismatch'
  | 'crc-mismatch'
  | 'corrupt-data';

/** Every {@link ArchiveRule}, in documentation order. */
export const ARCHIVE_RULES: readonly ArchiveRule[] = Object.freeze([
  'malformed',
  'multi-disk',
  'empty-archive',
  'too-many-entries',
  'absolute-path',
  'parent-segment',
  'dot-segment',
  'empty-segment',
  'empty-name',
  'backslash',
  'control-character',
  'invalid-name',
  'name-too-long',
  'duplicate-name',
  'name-collision',
  'flatten-collision',
  'symlink',
  'hardlink',
  'special-file',
  'encrypted',
  'unsupported-method',
  'malformed-extra-field',
  'directory-with-data',
  'header-mismatch',
  'overlap',
  'entry-size',
  'total-size',
  'ratio',
  'size-mismatch',
  'crc-mismatch',
  'corrupt-data',
]);

/** What a rejection says about the archive, beyond its code. */
export interface ArchiveRejection {
  readonly rule: ArchiveRule;
  /** The offending entry's name, escaped for logs (JSON string escapes, at most 256 characters). */
  readonly entry?: string;
}

/** The context of a rejection: the core `ErrorContext` plus the rule and the entry. */
type RejectionContext = ErrorContext & ArchiveRejection;

/** An entry name made safe for logs: control characters escaped, length bounded. */
function printable(name: string): string {
  const escaped = JSON.stringify(name).slice(1, -1);
  return escaped.length > 256 ? `${escaped.slice(0, 255)}…` : escaped;
}

/**
 * The `STOWAGE_REJECTED` (422) error for a refused archive, naming `rule` (and the entry) in its
 * context.
 */
export function archiveRejected(rule: ArchiveRule, message: string, entry?: string, cause?: unknown): StowageError {
  const context: RejectionContext = { rule, ...(entry === undefined ? {} : { entry: printable(entry) }) };
  return new StowageError('STOWAGE_REJECTED', message, { context, ...(cause === undefined ? {} : { cause }) });
}

/**
 * The rule (and entry) of an archive rejection, or `undefined` when `error` is not a
 * `STOWAGE_REJECTED` raised by the archive stages.
 */
export function archiveRejectionOf(error: unknown): ArchiveRejection | undefined {
  if (!isStowageError(error, 'STOWAGE_REJECTED')) return undefined;
  const context = error.context as Partial<RejectionContext>;
  if (typeof context.rule !== 'string' || !(ARCHIVE_RULES as readonly string[]).includes(context.rule)) return undefined;
  return Object.freeze({ rule: context.rule, ...(context.entry === undefined ? {} : { entry: context.entry }) });
}
