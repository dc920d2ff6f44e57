import { toStowageError, type ErrorContext } from './stowage-error.js';

/**
 * Runs `run` and rethrows its failure as a `StowageError` completed with `context` (fields the
 * error already has win). A `TypeError` passes through unchanged: it reports a programmer
 * mistake, not a storage failure.
 */
export async function withErrorContext<T>(context: ErrorContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TypeError) throw error;
    throw toStowageError(error, context);
  }
}
