import { isStowageError, StowageError, type ErrorContext, type StowageErrorCode } from '@stowage/core';
import { SmbError } from './wire/smb-error.js';

/** How one NT status maps to a Stowage code. */
export interface SmbErrorMapping {
  readonly code: StowageErrorCode;
  /** Overrides the code's default retryability. */
  readonly retryable?: boolean;
  /** The wait suggested to callers, for transient conditions. */
  readonly retryAfterMs?: number;
}

const NOT_FOUND: SmbErrorMapping = { code: 'STOWAGE_NOT_FOUND' };
const INVALID_PATH: SmbErrorMapping = { code: 'STOWAGE_INVALID_PATH' };
const DENIED: SmbErrorMapping = { code: 'STOWAGE_PERMISSION_DENIED' };
const GONE: SmbErrorMapping = { code: 'STOWAGE_UNAVAILABLE', retryAfterMs: 1000 };
const BUSY: SmbErrorMapping = { code: 'STOWAGE_BUSY', retryAfterMs: 100 };
const OVERLOADED: SmbErrorMapping = { code: 'STOWAGE_BUSY', retryAfterMs: 1000 };
const FULL: SmbErrorMapping = { code: 'STOWAGE_INSUFFICIENT_STORAGE' };
const IO: SmbErrorMapping = { code: 'STOWAGE_IO' };

/**
 * The one table from NT statuses (by their `NT_STATUS_*` names) to Stowage codes. Statuses not
 * listed map to `STOWAGE_IO`. Call sites where a status means something else for that request
 * (`NT_STATUS_OBJECT_NAME_COLLISION` from a directory create is a file in the way) pass an
 * override to {@link mapSmbError}.
 */
export const NT_STATUS_ERRORS: Readonly<Record<string, SmbErrorMapping>> = Object.freeze({
  NT_STATUS_OBJECT_NAME_NOT_FOUND: NOT_FOUND,
  NT_STATUS_OBJECT_PATH_NOT_FOUND: NOT_FOUND,
  NT_STATUS_NO_SUCH_FILE: NOT_FOUND,
  // A file whose delete is pending (other handles still open) is gone for new opens.
  NT_STATUS_DELETE_PENDING: NOT_FOUND,
  NT_STATUS_OBJECT_NAME_INVALID: INVALID_PATH,
  NT_STATUS_OBJECT_PATH_INVALID: INVALID_PATH,
  NT_STATUS_OBJECT_PATH_SYNTAX_BAD: INVALID_PATH,
  NT_STATUS_NAME_TOO_LONG: INVALID_PATH,
  NT_STATUS_OBJECT_NAME_COLLISION: { code: 'STOWAGE_ALREADY_EXISTS' },
  NT_STATUS_FILE_IS_A_DIRECTORY: { code: 'STOWAGE_IS_A_DIRECTORY' },
  NT_STATUS_NOT_A_DIRECTORY: { code: 'STOWAGE_NOT_A_DIRECTORY' },
  NT_STATUS_DIRECTORY_NOT_EMPTY: { code: 'STOWAGE_DIRECTORY_NOT_EMPTY' },
  NT_STATUS_SHARING_VIOLATION: BUSY,
  NT_STATUS_FILE_LOCK_CONFLICT: BUSY,
  NT_STATUS_LOCK_NOT_GRANTED: BUSY,
  NT_STATUS_TOO_MANY_OPENED_FILES: OVERLOADED,
  NT_STATUS_INSUFFICIENT_RESOURCES: OVERLOADED,
  NT_STATUS_INSUFF_SERVER_RESOURCES: OVERLOADED,
  NT_STATUS_REQUEST_NOT_ACCEPTED: OVERLOADED,
  NT_STATUS_DISK_FULL: FULL,
  NT_STATUS_QUOTA_EXCEEDED: FULL,
  NT_STATUS_ACCESS_DENIED: DENIED,
  NT_STATUS_CANNOT_DELETE: DENIED,
  NT_STATUS_MEDIA_WRITE_PROTECTED: DENIED,
  NT_STATUS_NETWORK_ACCESS_DENIED: DENIED,
  NT_STATUS_LOGON_FAILURE: DENIED,
  NT_STATUS_WRONG_PASSWORD: DENIED,
  NT_STATUS_NO_SUCH_USER: DENIED,
  NT_STATUS_ACCOUNT_DISABLED: DENIED,
  NT_STATUS_ACCOUNT_LOCKED_OUT: DENIED,
  NT_STATUS_ACCOUNT_RESTRICTION: DENIED,
  NT_STATUS_PASSWORD_EXPIRED: DENIED,
  NT_STATUS_BAD_NETWORK_NAME: { code: 'STOWAGE_INVALID_CONFIG' },
  NT_STATUS_BAD_NETWORK_PATH: GONE,
  NT_STATUS_NETWORK_NAME_DELETED: GONE,
  NT_STATUS_USER_SESSION_DELETED: GONE,
  NT_STATUS_NETWORK_SESSION_EXPIRED: GONE,
  NT_STATUS_CONNECTION_DISCONNECTED: GONE,
  NT_STATUS_CONNECTION_RESET: GONE,
  // A handle the server no longer knows: it restarted, or the session was re-established.
  NT_STATUS_INVALID_HANDLE: GONE,
  NT_STATUS_FILE_CLOSED: GONE,
  NT_STATUS_IO_TIMEOUT: { code: 'STOWAGE_TIMEOUT' },
  NT_STATUS_STOPPED_ON_SYMLINK: { code: 'STOWAGE_UNSAFE_PATH' },
  NT_STATUS_NOT_SAME_DEVICE: IO,
  NT_STATUS_DATA_ERROR: IO,
  NT_STATUS_UNEXPECTED_IO_ERROR: IO,
  NT_STATUS_FILE_SYSTEM_LIMITATION: IO,
  NT_STATUS_END_OF_FILE: IO,
});

/** How failures without a status map: the transport, not the server, failed. */
export const TRANSPORT_ERRORS: Readonly<Record<'disconnected' | 'timeout' | 'protocol', SmbErrorMapping>> = Object.freeze({
  disconnected: GONE,
  timeout: { code: 'STOWAGE_TIMEOUT' },
  protocol: GONE,
});

function mappingOf(error: SmbError, overrides: Readonly<Record<string, StowageErrorCode>>): SmbErrorMapping {
  if (error.kind !== 'status') return TRANSPORT_ERRORS[error.kind];
  const name = error.statusName!;
  const override = overrides[name];
  return override === undefined ? (NT_STATUS_ERRORS[name] ?? IO) : { code: override };
}

/**
 * Maps a failure to a `StowageError` through {@link NT_STATUS_ERRORS} and
 * {@link TRANSPORT_ERRORS} (a `StowageError` passes through, completed with `context`; anything
 * else is `STOWAGE_INTERNAL`). The message names the NT status, never the server or share; the
 * original error is the `cause`, for logs.
 */
export function mapSmbError(
  error: unknown,
  context: ErrorContext,
  overrides: Readonly<Record<string, StowageErrorCode>> = {},
): StowageError {
  if (isStowageError(error)) return error.withContext(context);
  if (!(error instanceof SmbError)) {
    return new StowageError('STOWAGE_INTERNAL', 'Unexpected failure in the SMB backend', { cause: error, context });
  }
  const mapping = mappingOf(error, overrides);
  const message = error.kind === 'status' ? `SMB error ${error.statusName!}` : `SMB connection failure (${error.kind})`;
  return new StowageError(mapping.code, message, {
    cause: error,
    context,
    ...(mapping.retryable === undefined ? {} : { retryable: mapping.retryable }),
    ...(mapping.retryAfterMs === undefined ? {} : { retryAfterMs: mapping.retryAfterMs }),
  });
}
