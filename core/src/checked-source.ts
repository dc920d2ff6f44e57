import { createHash } from 'node:crypto';
import type { ByteSource, ExpectedDigest } from './backend.js';
import { raceAbort, throwIfAborted } from './abort.js';
import { isStowageError, StowageError, type ErrorContext } from './stowage-error.js';

/**
 * Releases a write source that will not be read to its end: `destroy()` it when it has that
 * method (a `Readable`, such as an HTTP request body, or a wrapper that forwards it). Without
 * this, a stalled stream would keep its socket open: its iterator's `return()` waits behind a
 * `next()` that never settles. No error is passed, so no `'error'` event can go unheard.
 */
export function releaseSource(source: unknown): void {
  const destroy = (source as { destroy?: unknown } | null)?.destroy;
  if (typeof destroy === 'function') (destroy as () => void).call(source);
}

/** What {@link checkedSource} enforces. */
export interface SourceExpectations {
  /** The exact number of bytes the source must deliver. */
  readonly size?: number | undefined;
  /** The digest the bytes must hash to. */
  readonly digest?: ExpectedDigest | undefined;
  /** Aborting stops the iteration promptly, even while the source is waiting for data. */
  readonly signal?: AbortSignal | undefined;
  /** Filled into the context of every error raised. */
  readonly context?: ErrorContext;
}

function asIterator(source: ByteSource): AsyncIterator<Uint8Array> | Iterator<Uint8Array> {
  if (source === null || typeof source !== 'object') {
    throw new TypeError('A write source must be an iterable of Uint8Array chunks');
  }
  if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
  if (Symbol.iterator in source) {
    if (ArrayBuffer.isView(source)) {
      throw new TypeError('A write source must be an iterable of chunks; wrap a single buffer in an array');
    }
    return source[Symbol.iterator]();
  }
  throw new TypeError('A write source must be an iterable of Uint8Array chunks');
}

/**
 * Iterates a write source and checks it on the way: chunks are `Uint8Array`s, the byte count
 * matches `size` (an overrun fails as soon as it happens), and the bytes hash to `digest`.
 *
 * A backend consumes this iterator and commits only after it has finished without throwing;
 * that one rule gives every backend the contract's "a mismatched, failing or aborted source
 * commits nothing".
 *
 * Behavior:
 * - Throws `STOWAGE_SIZE_MISMATCH` or `STOWAGE_DIGEST_MISMATCH`.
 * - A source that throws is reported as `STOWAGE_ABORTED` with the source's error as `cause`
 *   (a `StowageError` from the source passes through unchanged).
 * - An aborted signal throws {@link abortedError} without waiting for the source.
 * - A source not read to its end (abort, overrun, a consumer that stops early) is released: its
 *   iterator is returned without being awaited (a stalled source may never answer) and, when it
 *   has `destroy()`, it is destroyed (see {@link releaseSource}).
 * - A non-`Uint8Array` chunk is a programmer error (`TypeError`).
 */
export async function* checkedSource(
  source: ByteSource,
  expectations: SourceExpectations = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { size, digest, signal, context = {} } = expectations;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new TypeError('The expected size must be a safe integer >= 0');
  }
  const iterator = asIterator(source);
  const hash = digest === undefined ? undefined : createHash(digest.algorithm);
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      throwIfAborted(signal, context);
      let step: IteratorResult<Uint8Array>;
      try {
        step = await raceAbort(Promise.resolve(iterator.next()), signal, context);
      } catch (error) {
        if (isStowageError(error)) throw error;
        finished = true; // the source failed: it has already cleaned up after itself
        throw new StowageError('STOWAGE_ABORTED', 'The write source failed', { cause: error, context });
      }
      if (step.done === true) break;
      const chunk = step.value;
      if (!(chunk instanceof Uint8Array)) throw new TypeError('Write source chunks must be Uint8Array');
      total += chunk.byteLength;
      if (size !== undefined && total > size) {
        throw new StowageError('STOWAGE_SIZE_MISMATCH', `The source delivered more than ${size} bytes`, { context });
      }
      hash?.update(chunk);
      yield chunk;
    }
    finished = true;
    if (size !== undefined && total !== size) {
      throw new StowageError('STOWAGE_SIZE_MISMATCH', `The source delivered ${total} of ${size} bytes`, { context });
    }
    if (hash !== undefined && digest !== undefined && hash.digest('hex') !== digest.hex.toLowerCase()) {
      throw new StowageError('STOWAGE_DIGEST_MISMATCH', `The source does not match its ${digest.algorithm} digest`, {
        context,
      });
    }
  } finally {
    if (!finished) {
      releaseSource(source);
      // Do not wait: a stalled async source may never settle.
      Promise.resolve()
        .then(() => iterator.return?.())
        .catch(() => undefined);
    }
  }
}
