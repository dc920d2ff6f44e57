/**
 * The closed registry of Stowage error codes.
 *
 * Codes are stable: a code never changes meaning between major versions, while messages may
 * change at any time, so callers branch on `code` and never on `message`. Every code is listed
 * here once with its HTTP status, whether the failure is worth retrying by default, and a one-line
 * meaning; `docs/errors.md` documents the same set and a test keeps the three in step.
 *
 * @packageDocumentation
 */

/** Every error code a Stowage component may throw. */
export type StowageErrorCode =
  | 'STOWAGE_INVALID_PATH'
  | 'STOWAGE_INVALID_CONFIG'
  | 'STOWAGE_NOT_FOUND'
  | 'STOWAGE_IS_A_DIRECTORY'
  | 'STOWAGE_NOT_A_DIRECTORY'
  | 'STOWAGE_DIRECTORY_NOT_EMPTY'
  | 'STOWAGE_RANGE_NOT_SATISFIABLE'
  | 'STOWAGE_SIZE_MISMATCH'
  | 'STOWAGE_DIGEST_MISMATCH'
  | 'STOWAGE_ABORTED'
  | 'STOWAGE_TIMEOUT'
  | 'STOWAGE_BUSY'
  | 'STOWAGE_UNAVAILABLE'
  | 'STOWAGE_INSUFFICIENT_STORAGE'
  | 'STOWAGE_PERMISSION_DENIED'
  | 'STOWAGE_UNSAFE_PATH'
  | 'STOWAGE_IO'
  | 'STOWAGE_INVALID_ARGUMENT'
  | 'STOWAGE_UNAUTHENTICATED'
  | 'STOWAGE_FORBIDDEN'
  | 'STOWAGE_ALREADY_EXISTS'
  | 'STOWAGE_TOO_LARGE'
  | 'STOWAGE_REJECTED'
  | 'STOWAGE_LOOP_DETECTED'
  | 'STOWAGE_LOST'
  | 'STOWAGE_INTERNAL';

/** What the registry records for one code. */
export interface ErrorCodeSpec {
  /** The HTTP status the code maps to when it reaches an HTTP response. */
  readonly status: number;
  /** Whether retrying the same operation may succeed; an error instance may override it. */
  readonly retryable: boolean;
  /** One sentence on when the code is used. */
  readonly meaning: string;
}

/**
 * The one table from code to HTTP status, default retryability and meaning.
 *
 * `STOWAGE_ABORTED` maps to 499 (nginx's "client closed request"): the caller gave up, so the
 * status is logged rather than ever reaching a client.
 */
export const ERROR_CODES: Readonly<Record<StowageErrorCode, ErrorCodeSpec>> = Object.freeze({
  STOWAGE_INVALID_PATH: {
    status: 400,
    retryable: false,
    meaning:
      'A path was rejected by normalization (NUL or control characters, backslashes, `.` or `..` segments, malformed Unicode, over-long names) or is reserved by the backend.',
  },
  STOWAGE_INVALID_CONFIG: {
    status: 500,
    retryable: false,
    meaning: 'Options given to a factory are invalid; the message names the field.',
  },
  STOWAGE_NOT_FOUND: {
    status: 404,
    retryable: false,
    meaning: 'The path does not exist.',
  },
  STOWAGE_IS_A_DIRECTORY: {
    status: 409,
    retryable: false,
    meaning: 'A file operation addressed a directory.',
  },
  STOWAGE_NOT_A_DIRECTORY: {
    status: 409,
    retryable: false,
    meaning: 'A directory operation addressed a file, or a file stands where a parent directory is needed.',
  },
  STOWAGE_DIRECTORY_NOT_EMPTY: {
    status: 409,
    retryable: false,
    meaning: 'A non-recursive delete addressed a directory that still has entries.',
  },
  STOWAGE_RANGE_NOT_SATISFIABLE: {
    status: 416,
    retryable: false,
    meaning: 'The requested byte range starts at or past the end of the file; `context.size` holds the length.',
  },
  STOWAGE_SIZE_MISMATCH: {
    status: 400,
    retryable: false,
    meaning: 'A write source delivered more or fewer bytes than the expected size; nothing was committed.',
  },
  STOWAGE_DIGEST_MISMATCH: {
    status: 400,
    retryable: false,
    meaning: 'A write source did not hash to the expected digest; nothing was committed.',
  },
  STOWAGE_ABORTED: {
    status: 499,
    retryable: false,
    meaning: 'The caller aborted the operation, or the write source failed; nothing was committed.',
  },
  STOWAGE_TIMEOUT: {
    status: 504,
    retryable: true,
    meaning: 'The operation did not finish within its deadline.',
  },
  STOWAGE_BUSY: {
    status: 503,
    retryable: true,
    meaning:
      'A resource limit was reached (too many open files, a full queue, a sharing violation); `retryAfterMs` suggests a wait.',
  },
  STOWAGE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    meaning: 'The backend is closed, unreachable or degraded.',
  },
  STOWAGE_INSUFFICIENT_STORAGE: {
    status: 507,
    retryable: false,
    meaning: 'The storage is full (ENOSPC, quota); nothing was committed.',
  },
  STOWAGE_PERMISSION_DENIED: {
    status: 500,
    retryable: false,
    meaning:
      'The storage itself refused the operation (EACCES, EPERM, read-only file system): a deployment problem, not the caller lacking rights.',
  },
  STOWAGE_UNSAFE_PATH: {
    status: 500,
    retryable: false,
    meaning:
      'A stored path resolves through a symbolic link, outside the backend root, or to something that is not a regular file or directory; it is refused, never followed.',
  },
  STOWAGE_IO: {
    status: 500,
    retryable: false,
    meaning: 'The storage failed to read or write (EIO, a cross-device rename, a file shorter than its size).',
  },
  STOWAGE_INVALID_ARGUMENT: {
    status: 400,
    retryable: false,
    meaning:
      'An argument of a media operation is malformed: a long id that is not 64 lowercase hex, an empty folder-like, an unknown option value; the message names it.',
  },
  STOWAGE_UNAUTHENTICATED: {
    status: 401,
    retryable: false,
    meaning:
      'The entry is private and the caller named no principal.',
  },
  STOWAGE_FORBIDDEN: {
    status: 403,
    retryable: false,
    meaning:
      'The caller is known but may not perform the operation on the entry.',
  },
  STOWAGE_ALREADY_EXISTS: {
    status: 409,
    retryable: false,
    meaning:
      'A catalog key `(id, filename)` or another unique key is already taken; nothing was changed.',
  },
  STOWAGE_TOO_LARGE: {
    status: 413,
    retryable: false,
    meaning:
      'An upload exceeds a configured size or count limit; nothing was committed.',
  },
  STOWAGE_REJECTED: {
    status: 422,
    retryable: false,
    meaning:
      'A pipeline stage vetoed the operation (a virus scan, a policy of the application), or an archive was refused by a safety rule (`context.rule`: traversal, links, collisions, size or ratio limits; `context.entry` names the member); nothing was committed.',
  },
  STOWAGE_LOOP_DETECTED: {
    status: 508,
    retryable: false,
    meaning:
      'A chain of replacements loops or exceeds the configured length.',
  },
  STOWAGE_LOST: {
    status: 500,
    retryable: false,
    meaning:
      "The entry's bytes are missing or do not match their hash; `fsck` marked it lost and it is never served.",
  },
  STOWAGE_INTERNAL: {
    status: 500,
    retryable: false,
    meaning: 'An unexpected failure that is not one of the codes above; `cause` holds the original error.',
  },
});

/** Every code of the registry, in registry order. */
export const STOWAGE_ERROR_CODES: readonly StowageErrorCode[] = Object.freeze(
  Object.keys(ERROR_CODES) as StowageErrorCode[],
);

/** Whether `value` is one of the registered codes. */
export function isStowageErrorCode(value: unknown): value is StowageErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The HTTP status of a code. */
export function httpStatusOf(code: StowageErrorCode): number {
  return ERROR_CODES[code].status;
}
