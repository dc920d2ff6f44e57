import { isStowageError, StowageError, type ErrorContext } from './stowage-error.js';

/**
 * The error an operation rejects with when its signal aborts: the signal's reason when that is
 * already a `StowageError` (a timeout layer aborts with `STOWAGE_TIMEOUT`), otherwise
 * `STOWAGE_ABORTED` with the reason as `cause`.
 */
export function abortedError(signal: AbortSignal | undefined, context: ErrorContext = {}): StowageError {
  const reason: unknown = signal?.reason;
  if (isStowageError(reason)) return reason.withContext(context);
  return new StowageError('STOWAGE_ABORTED', 'Operation aborted', { cause: reason, context });
}

/** Throws {@link abortedError} when `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, context: ErrorContext = {}): void {
  if (signal?.aborted === true) throw abortedError(signal, context);
}

/**
 * Settles like `promise`, or rejects with {@link abortedError} as soon as `signal` aborts. The
 * listener is removed either way, so long-lived signals do not accumulate listeners.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  context: ErrorContext = {},
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortedError(signal, context));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      promise.catch(() => undefined);
      reject(abortedError(signal, context));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Destroys `stream` with {@link abortedError} when `signal` aborts, and forgets the signal once
 * the stream closes. Returns the stream.
 */
export function destroyOnAbort<S extends NodeJS.ReadableStream & { destroy(error?: Error): unknown }>(
  stream: S,
  signal: AbortSignal | undefined,
  context: ErrorContext = {},
): S {
  if (signal === undefined) return stream;
  if (signal.aborted) {
    stream.destroy(abortedError(signal, context));
    return stream;
  }
  const onAbort = (): void => {
    stream.destroy(abortedError(signal, context));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', onAbort));
  return stream;
}
