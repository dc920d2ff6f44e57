import { ntStatusName } from './nt-status.js';

/**
 * How an SMB request failed, before it is mapped to a Stowage code:
 * - `status`: the server answered with an error status (see {@link SmbError.status});
 * - `disconnected`: the connection closed or broke before the answer (server restart, reset);
 * - `timeout`: no answer within the deadline (the connection is then destroyed);
 * - `protocol`: the server's answer could not be decoded, or the handshake failed without a status.
 */
export type SmbFailureKind = 'status' | 'disconnected' | 'timeout' | 'protocol';

/**
 * A failure of the SMB wire layer. Never escapes the backend: `mapSmbError` turns it into a
 * `StowageError` (with this error as the `cause`).
 */
export class SmbError extends Error {
  /** The NT status value, for `kind === 'status'`. */
  readonly status: number | undefined;
  /** The `NT_STATUS_*` name, for `kind === 'status'`. */
  readonly statusName: string | undefined;

  constructor(
    readonly kind: SmbFailureKind,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    const name = options.status === undefined ? undefined : ntStatusName(options.status);
    super(name === undefined ? message : `${message}: ${name}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SmbError';
    this.status = options.status;
    this.statusName = name;
  }
}

/** Whether `error` is an {@link SmbError} carrying `statusName`. */
export function hasStatus(error: unknown, ...names: readonly string[]): boolean {
  return error instanceof SmbError && error.statusName !== undefined && names.includes(error.statusName);
}
