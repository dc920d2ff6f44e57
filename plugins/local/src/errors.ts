import { isStowageError, StowageError, type ErrorContext, type StowageErrorCode } from '@stowage/core';

/** How one file-system error code maps to a Stowage code. */
export interface FsErrorMapping {
  readonly code: StowageErrorCode;
  /** The wait suggested to callers, for transient resource errors. */
  readonly retryAfterMs?: number;
}

/**
 * The one table from file-system error codes (`errno` names) to Stowage codes. Codes not listed
 * map to `STOWAGE_IO`. Call sites where a code means something else for that call (an `EEXIST`
 * from `mkdir` is a file in the way) pass an override.
 */
export const FS_ERRORS: Readonly<Record<string, FsErrorMapping>> = Object.freeze({
  ENOENT: { code: 'STOWAGE_NOT_FOUND' },
  ENOTDIR: { code: 'STOWAGE_NOT_A_DIRECTORY' },
  EISDIR: { code: 'STOWAGE_IS_A_DIRECTORY' },
  ENOTEMPTY: { code: 'STOWAGE_DIRECTORY_NOT_EMPTY' },
  ENOSPC: { code: 'STOWAGE_INSUFFICIENT_STORAGE' },
  EDQUOT: { code: 'STOWAGE_INSUFFICIENT_STORAGE' },
  EFBIG: { code: 'STOWAGE_INSUFFICIENT_STORAGE' },
  EMFILE: { code: 'STOWAGE_BUSY', retryAfterMs: 1000 },
  ENFILE: { code: 'STOWAGE_BUSY', retryAfterMs: 1000 },
  EAGAIN: { code: 'STOWAGE_BUSY', retryAfterMs: 100 },
  EBUSY: { code: 'STOWAGE_BUSY', retryAfterMs: 100 },
  EACCES: { code: 'STOWAGE_PERMISSION_DENIED' },
  EPERM: { code: 'STOWAGE_PERMISSION_DENIED' },
  EROFS: { code: 'STOWAGE_PERMISSION_DENIED' },
  ELOOP: { code: 'STOWAGE_UNSAFE_PATH' },
  ENAMETOOLONG: { code: 'STOWAGE_INVALID_PATH' },
  ETIMEDOUT: { code: 'STOWAGE_TIMEOUT' },
  ENOTCONN: { code: 'STOWAGE_UNAVAILABLE' },
  EHOSTDOWN: { code: 'STOWAGE_UNAVAILABLE' },
  ESTALE: { code: 'STOWAGE_UNAVAILABLE' },
  EIO: { code: 'STOWAGE_IO' },
  EXDEV: { code: 'STOWAGE_IO' },
});

/** The `errno` name of a Node file-system error, if it has one. */
export function errnoOf(error: unknown): string | undefined {
  if (isStowageError(error)) return undefined;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps a file-system error to a `StowageError` through {@link FS_ERRORS} (a `StowageError`
 * passes through). The message names the `errno` and the system call, never the host path; the
 * original error, with its path, is the `cause`, for logs.
 */
export function mapFsError(
  error: unknown,
  context: ErrorContext,
  overrides: Readonly<Record<string, StowageErrorCode>> = {},
): StowageError {
  if (isStowageError(error)) return error.withContext(context);
  const errno = errnoOf(error);
  const override = errno === undefined ? undefined : overrides[errno];
  const mapping = override === undefined ? (errno === undefined ? undefined : FS_ERRORS[errno]) : { code: override };
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  const message = `File system error ${errno ?? 'unknown'}${typeof syscall === 'string' ? ` in ${syscall}` : ''}`;
  return new StowageError(mapping?.code ?? (errno === undefined ? 'STOWAGE_INTERNAL' : 'STOWAGE_IO'), message, {
    cause: error,
    context,
    ...(mapping?.retryAfterMs === undefined ? {} : { retryAfterMs: mapping.retryAfterMs }),
  });
}
