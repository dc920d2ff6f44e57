import { ERROR_CODES, httpStatusOf, type StowageErrorCode } from './error-codes.js';

/** The operations of the backend contract, named as they appear on {@link Backend}. */
export type BackendOperation =
  | 'stat'
  | 'read'
  | 'write'
  | 'list'
  | 'delete'
  | 'createDir'
  | 'copy'
  | 'rename'
  | 'link'
  | 'localPath'
  | 'close';

/** Where an error happened. Every field is safe to log: paths are backend keys, never host paths. */
export interface ErrorContext {
  /** `info.name` of the backend that failed. */
  readonly backend?: string;
  /** The operation that failed. */
  readonly operation?: BackendOperation;
  /** The normalized backend path the operation addressed. */
  readonly path?: string;
  /** The size of the addressed file, when known (set for `STOWAGE_RANGE_NOT_SATISFIABLE`). */
  readonly size?: number;
  /** The rule a refused input broke (`STOWAGE_REJECTED` of an archive: `path-traversal`, `ratio`, ...). */
  readonly rule?: string;
  /** The archive member (or other named part of the input) the refusal is about, escaped for logs. */
  readonly entry?: string;
}

/** Options of the {@link StowageError} constructor. */
export interface StowageErrorOptions {
  /** The underlying error. */
  readonly cause?: unknown;
  /** Overrides the registry's default retryability for this instance. */
  readonly retryable?: boolean;
  /** Where the error happened. */
  readonly context?: ErrorContext;
  /** How long to wait before retrying, as an upstream `Retry-After` or a local estimate. */
  readonly retryAfterMs?: number;
}

const BRAND = Symbol.for('stowage.error');

/**
 * The one error class of Stowage.
 *
 * Branch on {@link StowageError.code}, never on the message. The class is branded with a global
 * symbol, so {@link isStowageError} recognizes instances created by another copy of
 * `@stowage/core` in the same process, where `instanceof` would not.
 */
export class StowageError extends Error {
  /** The stable code from the registry. */
  readonly code: StowageErrorCode;
  /** Whether retrying the same operation may succeed. */
  readonly retryable: boolean;
  /** Where the error happened. */
  readonly context: ErrorContext;
  /** A suggested wait before retrying, in milliseconds, when known. */
  readonly retryAfterMs: number | undefined;

  constructor(code: StowageErrorCode, message: string, options: StowageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StowageError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.context = Object.freeze({ ...options.context });
    this.retryAfterMs = options.retryAfterMs;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return httpStatusOf(this.code);
  }

  /**
   * A copy of this error whose context is completed with `context`; fields already set win, so
   * the innermost layer's description of the failure is kept.
   */
  withContext(context: ErrorContext): StowageError {
    const copy = new StowageError(this.code, this.message, {
      cause: this.cause,
      retryable: this.retryable,
      context: { ...context, ...this.context },
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    });
    if (this.stack !== undefined) copy.stack = this.stack;
    return copy;
  }

  /** The JSON error body: `{"error": message, "code": code}`; no stack, no cause, no context. */
  toJSON(): { error: string; code: StowageErrorCode } {
    return { error: this.message, code: this.code };
  }
}

/** Whether `value` is a {@link StowageError}, optionally with the given code. */
export function isStowageError(value: unknown, code?: StowageErrorCode): value is StowageError {
  if (typeof value !== 'object' || value === null) return false;
  if ((value as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (value as StowageError).code === code;
}

/**
 * Returns `error` as a {@link StowageError} with `context` filled in. A `StowageError` keeps its
 * code; anything else becomes `STOWAGE_INTERNAL` with the original as `cause`.
 */
export function toStowageError(error: unknown, context: ErrorContext = {}): StowageError {
  if (isStowageError(error)) return error.withContext(context);
  return new StowageError('STOWAGE_INTERNAL', 'Unexpected failure', { cause: error, context });
}
