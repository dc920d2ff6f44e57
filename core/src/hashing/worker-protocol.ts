import type { FileDigests } from './hashing-session.js';

/**
 * The messages between a hash worker and the pool. A worker hosts several leases (one per
 * session); every message names its lease. Messages of one port arrive in the order posted,
 * which is what keeps a session's bytes in order.
 */
export type ToHashWorker =
  | { readonly kind: 'open'; readonly lease: number; readonly uploadedAt: string }
  | { readonly kind: 'begin'; readonly lease: number; readonly plannedPath: string }
  /** Bytes of the open file; the worker answers each with an `ack` of the same byte count. */
  | { readonly kind: 'data'; readonly lease: number; readonly chunk: Uint8Array }
  | { readonly kind: 'end'; readonly lease: number; readonly request: number }
  | {
      readonly kind: 'finish';
      readonly lease: number;
      readonly request: number;
      readonly author: Uint8Array;
      readonly salt: Uint8Array;
    }
  /** Forget the lease's state (finished or disposed). */
  | { readonly kind: 'drop'; readonly lease: number };

/** What a hash worker posts back. */
export type FromHashWorker =
  /** `data` of `bytes` bytes was hashed; its buffer is transferred back for reuse. */
  | { readonly kind: 'ack'; readonly lease: number; readonly bytes: number; readonly buffer: ArrayBuffer }
  | { readonly kind: 'digests'; readonly request: number; readonly digests: FileDigests }
  | { readonly kind: 'longId'; readonly request: number; readonly longId: string };
