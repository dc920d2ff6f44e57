import { createHash } from 'node:crypto';
import type { BlobCandidate } from '@stowage/core';

/** What the parent asks a child process to do. */
export type ChildRequest =
  | { readonly op: 'hold'; readonly file: string }
  | { readonly op: 'claim'; readonly file: string; readonly labels: readonly string[] }
  | { readonly op: 'go' }
  | { readonly op: 'release' };

/** What a child answers. */
export type ChildReply =
  | { readonly op: 'holding' }
  | { readonly op: 'released' }
  | { readonly op: 'ready' }
  | { readonly op: 'claimed'; readonly kinds: readonly string[] };

/** The candidate of the blob labelled `label`, the same in every process. */
export function candidateFor(label: string): BlobCandidate {
  const sha256 = createHash('sha256').update(label).digest('hex');
  const sha1 = createHash('sha1').update(label).digest('hex');
  return { sha256, sha1, size: label.length, backend: 'shard-a', path: `blobs/${sha256}` };
}
