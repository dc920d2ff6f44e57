import type { SerializedError } from './sqlite-codes.js';
import type { WriteOperation } from './write-operations.js';

/** What the catalog posts to its writer thread. */
export type ToWriter =
  | { readonly kind: 'job'; readonly id: number; readonly op: WriteOperation; readonly args: readonly unknown[] }
  /** Finish what is queued, close the connection and end the thread. */
  | { readonly kind: 'close' };

/** What the writer thread answers, once per job, after the commit that holds it. */
export type FromWriter =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };
