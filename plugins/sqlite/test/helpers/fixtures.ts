import { createHash } from 'node:crypto';
import type { BlobCandidate, Catalog, NewEntry } from '@stowage/core';

/** A fixed instant with milliseconds. */
export const T0 = new Date('2026-03-04T05:06:07.089Z');

/** `T0` plus `ms` milliseconds. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

function hex(algorithm: 'sha1' | 'sha256', text: string): string {
  return createHash(algorithm).update(text).digest('hex');
}

/** A long id, the same for the same label. */
export function idOf(label: string): string {
  return hex('sha256', `id:${label}`);
}

/** The candidate of the blob labelled `label`. */
export function candidate(label: string): BlobCandidate {
  const sha256 = hex('sha256', `blob:${label}`);
  return { sha256, sha1: hex('sha1', `blob:${label}`), size: label.length, backend: 'shard-a', path: `blobs/${sha256}` };
}

/** Claims the blob labelled `label` and marks it present; returns its SHA-256. */
export async function present(catalog: Catalog, label: string, now: Date = T0): Promise<string> {
  const { sha256 } = candidate(label);
  await catalog.claimBlob(candidate(label), now);
  await catalog.markBlobPresent(sha256, now);
  return sha256;
}

/** A new entry with every field filled in. */
export function entry(id: string, filename: string, sha256: string, overrides: Partial<NewEntry> = {}): NewEntry {
  return {
    id,
    filename,
    position: 0,
    backend: 'shard-a',
    path: `blobs/${sha256}`,
    size: 7,
    sha256,
    sha1: 'b'.repeat(40),
    contentType: 'text/plain',
    createdAt: T0,
    plannedPath: `shard-a:${filename}`,
    author: 'alice',
    saltKeyId: 'k1',
    visibility: 'private',
    readers: ['bob'],
    writers: ['alice'],
    expiresAt: null,
    ...overrides,
  };
}

/** Everything the catalog holds, in a comparable form. */
export async function contents(catalog: Catalog): Promise<{ entries: unknown[]; blobs: unknown[] }> {
  const entries: unknown[] = [];
  const blobs: unknown[] = [];
  for await (const row of catalog.scanEntries()) entries.push({ ...row });
  for await (const row of catalog.scanBlobs()) blobs.push({ ...row });
  const byJson = (a: unknown, b: unknown): number => JSON.stringify(a).localeCompare(JSON.stringify(b));
  return { entries: entries.sort(byJson), blobs: blobs.sort(byJson) };
}
