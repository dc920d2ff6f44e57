/**
 * One problem `fsck` found, and whether it repaired it.
 *
 * - `stale-staging`: a staging file older than `retention.staleAfterMs` (an upload that died),
 *   in the media staging folder or in a backend's own staging area (`staleStagedWrites`, its
 *   path relative to the backend's root); repair deletes it.
 * - `stale-pending`: a `pending` entry older than `staleAfterMs`; repair deletes the row.
 * - `stale-deleting`: a `deleting` entry (a remove that died); repair finishes the delete.
 * - `stale-writing`: a `writing` blob row older than `staleAfterMs`; repair marks it present when
 *   its bytes are in place and hash right, else releases the claim.
 * - `stale-deleting-blob`: a `deleting` blob row; repair deletes the bytes and the row.
 * - `missing-blob`: a blob referenced by entries whose bytes are gone; repair marks it and its
 *   entries `lost` (never served).
 * - `corrupt-blob`: a blob whose size, or (with `verifyContent`) SHA-256, does not match; repair
 *   marks it `lost` like a missing one.
 * - `dangling-entry`: a committed entry whose blob row is absent or not present; repair marks the
 *   entry `lost`.
 * - `recovered-entry`: a `lost` entry whose blob is present and sound again (a later put wrote
 *   the same bytes); repair makes it `committed`.
 * - `orphan-blob`: a blob row without references older than the grace period; repair deletes it.
 * - `orphan-file`: a file in the blob area no blob row accounts for; repair deletes it.
 */
export type FsckFinding =
  | { readonly kind: 'stale-staging'; readonly backend: string; readonly path: string; readonly repaired: boolean }
  | { readonly kind: 'stale-pending' | 'stale-deleting' | 'dangling-entry' | 'recovered-entry'; readonly id: string; readonly filename: string; readonly repaired: boolean }
  | {
      readonly kind: 'stale-writing' | 'stale-deleting-blob' | 'missing-blob' | 'corrupt-blob' | 'orphan-blob';
      readonly sha256: string;
      readonly backend: string;
      readonly path: string;
      readonly repaired: boolean;
    }
  | { readonly kind: 'orphan-file'; readonly backend: string; readonly path: string; readonly repaired: boolean };

/** Every finding kind, in the order fsck looks for them. */
export const FSCK_FINDING_KINDS = Object.freeze([
  'stale-staging',
  'stale-pending',
  'stale-deleting',
  'stale-writing',
  'stale-deleting-blob',
  'missing-blob',
  'corrupt-blob',
  'dangling-entry',
  'recovered-entry',
  'orphan-blob',
  'orphan-file',
] as const);

/** Options of {@link Stowage.fsck}. */
export interface FsckOptions {
  /** Fix what is found; without it fsck only reports. @defaultValue false */
  readonly repair?: boolean;
  /** Re-hash every present blob (reads every byte). @defaultValue false */
  readonly verifyContent?: boolean;
  readonly signal?: AbortSignal;
}

/** What fsck found. */
export interface FsckReport {
  readonly repair: boolean;
  readonly findings: readonly FsckFinding[];
  /** `true` when nothing was found. */
  readonly clean: boolean;
}
