import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { BlobCandidate, BlobRecord, Catalog, CatalogEntry, EntryKey, NewEntry } from '@stowage/core';
import { collect } from '../support.js';

/** A fixed instant with milliseconds, the base of the cases' dates. */
export const T0 = new Date('2026-03-04T05:06:07.089Z');

/** `T0` plus `ms` milliseconds. */
export function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

/** The lowercase hex SHA-256 of `text`. */
export function hexSha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A long id (64 lowercase hex), the same for the same label. */
export function longIdOf(label: string): string {
  return hexSha256(`id:${label}`);
}

/** A blob SHA-256, the same for the same label. */
export function shaOf(label: string): string {
  return hexSha256(`blob:${label}`);
}

/** A blob SHA-1, the same for the same label. */
export function sha1Of(label: string): string {
  return createHash('sha1').update(`blob:${label}`, 'utf8').digest('hex');
}

/** A candidate for the blob labelled `label`, on `shard-a` at a content-addressed path. */
export function candidateOf(label: string, overrides: Partial<BlobCandidate> = {}): BlobCandidate {
  const sha256 = shaOf(label);
  return { sha256, sha1: sha1Of(label), size: label.length, backend: 'shard-a', path: `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`, ...overrides };
}

/** Claims and stores the blob labelled `label`, leaving it `present`; returns its SHA-256. */
export async function presentBlob(catalog: Catalog, label: string, now: Date = T0): Promise<string> {
  const claim = await catalog.claimBlob(candidateOf(label), now);
  assert.equal(claim.kind, 'write', `claiming the new blob ${label}`);
  await catalog.markBlobPresent(shaOf(label), now);
  return shaOf(label);
}

/** A new entry `(id, filename)` referencing the blob `sha256`, with every other field filled in. */
export function newEntry(id: string, filename: string, sha256: string, overrides: Partial<NewEntry> = {}): NewEntry {
  return {
    id,
    filename,
    position: 0,
    backend: 'shard-a',
    path: `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`,
    size: 42,
    sha256,
    sha1: 'a'.repeat(40),
    contentType: 'text/plain; charset=utf-8',
    createdAt: T0,
    plannedPath: `shard-a:${id}/${filename}`,
    author: 'alice',
    saltKeyId: 'k1',
    visibility: 'private',
    readers: ['bob'],
    writers: ['alice'],
    expiresAt: null,
    ...overrides,
  };
}

/** The key of an entry. */
export function keyOf(entry: EntryKey): EntryKey {
  return { id: entry.id, filename: entry.filename };
}

/** The blob row, which must exist. */
export async function blobOf(catalog: Catalog, sha256: string): Promise<BlobRecord> {
  const blob = await catalog.getBlob(sha256);
  assert.ok(blob !== undefined, `the blob ${sha256} should exist`);
  return blob;
}

/** The entry, which must exist. */
export async function entryOf(catalog: Catalog, key: EntryKey): Promise<CatalogEntry> {
  const entry = await catalog.getEntry(key);
  assert.ok(entry !== undefined, `the entry ${key.id}/${key.filename} should exist`);
  return entry;
}

/** Asserts the blob's reference count. */
export async function assertRefs(catalog: Catalog, sha256: string, refs: number, message?: string): Promise<void> {
  assert.equal((await blobOf(catalog, sha256)).refs, refs, message ?? `refs of ${sha256}`);
}

/** Asserts invariant I9 for every blob: `refs` equals the number of entries referencing it. */
export async function assertRefsInvariant(catalog: Catalog): Promise<void> {
  const counts = new Map<string, number>();
  for (const entry of await collect(catalog.scanEntries())) counts.set(entry.sha256, (counts.get(entry.sha256) ?? 0) + 1);
  for (const blob of await collect(catalog.scanBlobs())) {
    assert.equal(blob.refs, counts.get(blob.sha256) ?? 0, `refs of blob ${blob.sha256} (invariant I9)`);
    counts.delete(blob.sha256);
  }
  assert.deepEqual([...counts.keys()], [], 'every referenced blob has a row');
}

/** Asserts `value` and every object and array inside it (but `Date`s) are frozen plain data. */
export function assertDeepFrozen(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || value instanceof Date) return;
  assert.ok(Object.isFrozen(value), `${what} should be frozen`);
  for (const [name, inner] of Object.entries(value)) assertDeepFrozen(inner, `${what}.${name}`);
}

/** The filenames, in order. */
export function filenamesOf(entries: readonly CatalogEntry[]): string[] {
  return entries.map((entry) => entry.filename);
}

/** The entries the catalog holds for these keys, `undefined` for the absent ones. */
export async function entriesAt(catalog: Catalog, keys: readonly EntryKey[]): Promise<(CatalogEntry | undefined)[]> {
  return Promise.all(keys.map((key) => catalog.getEntry(key)));
}

/** Asserts `action` changes nothing observable about these entries and blobs. */
export async function assertUnchanged(
  catalog: Catalog,
  keys: readonly EntryKey[],
  shas: readonly string[],
  action: () => Promise<void>,
  message: string,
): Promise<void> {
  const entriesBefore = await entriesAt(catalog, keys);
  const blobsBefore = await Promise.all(shas.map((sha) => catalog.getBlob(sha)));
  await action();
  assert.deepEqual(await entriesAt(catalog, keys), entriesBefore, `${message}: entries unchanged`);
  assert.deepEqual(await Promise.all(shas.map((sha) => catalog.getBlob(sha))), blobsBefore, `${message}: blobs unchanged`);
}
