import { setTimeout as delay } from 'node:timers/promises';
import { abortedError } from '../abort.js';
import type { ErrorContext } from '../stowage-error.js';

/** Waits `ms`; rejects with `abortedError` as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal, context: ErrorContext = {}): Promise<void> {
  try {
    await delay(ms, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    if (signal?.aborted === true) throw abortedError(signal, context);
    throw error;
  }
}
