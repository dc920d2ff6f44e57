import type { BlobCandidate, EntryAccess, EntryKey, EntryState, NewEntry } from '@stowage/core';
import type { BlobRow, EntryParams, EntryRow } from './rows.js';
import { CatalogFailure } from './sqlite-codes.js';
import type { CatalogStatements } from './statements.js';

// No value import from @stowage/core here: the writer thread loads this module (see sqlite-codes.ts).

function notFound(what: string, message: string): CatalogFailure {
  return new CatalogFailure('STOWAGE_NOT_FOUND', message, { path: what });
}

/** `<id>/<filename>`, as `keyString` of @stowage/core spells an entry key. */
function keyString(key: EntryKey): string {
  return `${key.id}/${key.filename}`;
}

/** The parameters that store `entry` in `state`; dates become milliseconds, lists JSON. */
export function entryParams(entry: NewEntry, state: EntryState): EntryParams {
  return {
    id: entry.id,
    filename: entry.filename,
    position: entry.position,
    backend: entry.backend,
    path: entry.path,
    size: entry.size,
    sha256: entry.sha256,
    sha1: entry.sha1,
    content_type: entry.contentType,
    created_at: entry.createdAt.getTime(),
    planned_path: entry.plannedPath,
    author: entry.author,
    salt_key_id: entry.saltKeyId,
    visibility: entry.visibility,
    readers: JSON.stringify(entry.readers),
    writers: JSON.stringify(entry.writers),
    expires_at: entry.expiresAt === null ? null : entry.expiresAt.getTime(),
    state,
  };
}

/** What `claimBlob` decided, with the blob's row unless the caller must wait. */
export type ClaimOutcome = { readonly kind: 'write' | 'reuse'; readonly row: BlobRow } | { readonly kind: 'wait' };

/**
 * The catalog's writes, each the body of one transaction over a connection's statements, with
 * arguments and results that survive a `postMessage` (rows, numbers, plain objects): the same
 * code runs on the calling thread or in the writer thread (see `CatalogWriter`). Arguments are
 * validated by the caller; times are epoch milliseconds.
 */
export const writeOperations = {
  claimBlob(s: CatalogStatements, candidate: BlobCandidate, at: number): ClaimOutcome {
    const { sha256, sha1, size, backend, path } = candidate;
    const existing = s.selectBlob.get({ sha256 });
    if (existing === undefined) {
      const row = s.insertBlob.get({ sha256, sha1, size, backend, path, state: 'writing', refs: 0, created_at: at, touched_at: at }) as BlobRow;
      return { kind: 'write', row };
    }
    if (existing.state === 'lost') return { kind: 'write', row: s.rewriteBlob.get({ sha256, sha1, size, backend, path, touched_at: at }) as BlobRow };
    if (existing.state === 'present') return { kind: 'reuse', row: s.touchBlob.get({ sha256, now: at }) as BlobRow };
    return { kind: 'wait' };
  },

  markBlobPresent(s: CatalogStatements, sha256: string, at: number): BlobRow {
    const row = s.markBlobPresent.get({ sha256, now: at });
    if (row === undefined) throw notFound(sha256, `No blob ${sha256} is being written`);
    return row;
  },

  releaseBlob(s: CatalogStatements, sha256: string): void {
    const existing = s.selectBlob.get({ sha256 });
    if (existing?.state !== 'writing') return;
    // A writing row with references was `lost` before this failed claim reset it: it is lost
    // again, so the next put with good bytes may claim it instead of waiting forever.
    if (existing.refs === 0) s.deleteBlob.run({ sha256 });
    else s.setBlobState.run({ sha256, state: 'lost' });
  },

  claimBlobForDeletion(s: CatalogStatements, sha256: string, before: number): boolean {
    return s.claimBlobForDeletion.run({ sha256, before }).changes === 1;
  },

  forgetBlob(s: CatalogStatements, sha256: string): void {
    const existing = s.selectBlob.get({ sha256 });
    if (existing === undefined) return;
    if (existing.state !== 'deleting') throw notFound(sha256, `Blob ${sha256} is ${existing.state}, not deleting`);
    s.deleteBlob.run({ sha256 });
  },

  markBlobLost(s: CatalogStatements, sha256: string): number {
    if (s.selectBlob.get({ sha256 }) === undefined) throw notFound(sha256, `No blob ${sha256}`);
    s.setBlobState.run({ sha256, state: 'lost' });
    return s.markEntriesLost.run({ sha256 }).changes;
  },

  insertEntries(s: CatalogStatements, entries: readonly NewEntry[]): void {
    const seen = new Set<string>();
    const refs = new Map<string, number>();
    for (const entry of entries) {
      const key = keyString(entry);
      if (seen.has(key) || s.selectEntryState.get({ id: entry.id, filename: entry.filename }) !== undefined) {
        throw new CatalogFailure('STOWAGE_ALREADY_EXISTS', `The entry ${key} already exists`, { path: key });
      }
      seen.add(key);
      if (s.selectBlob.get({ sha256: entry.sha256 })?.state !== 'present') throw notFound(entry.sha256, `No present blob ${entry.sha256} for ${key}`);
      refs.set(entry.sha256, (refs.get(entry.sha256) ?? 0) + 1);
    }
    for (const entry of entries) s.insertEntry.run(entryParams(entry, 'pending'));
    for (const [sha256, count] of refs) s.addRefs.run({ sha256, count });
  },

  transitionEntries(s: CatalogStatements, keys: readonly EntryKey[], from: EntryState, to: EntryState): void {
    for (const key of keys) {
      if (s.selectEntryState.get({ id: key.id, filename: key.filename }) !== from) throw notFound(keyString(key), `The entry ${keyString(key)} is not ${from}`);
    }
    for (const { id, filename } of keys) s.setEntryState.run({ id, filename, state: to });
  },

  deleteEntries(s: CatalogStatements, keys: readonly EntryKey[], at: number): EntryRow[] {
    const deleted: EntryRow[] = [];
    const refs = new Map<string, number>();
    for (const { id, filename } of keys) {
      const row = s.deleteEntry.get({ id, filename });
      if (row === undefined) continue;
      deleted.push(row);
      refs.set(row.sha256, (refs.get(row.sha256) ?? 0) + 1);
    }
    for (const [sha256, count] of refs) s.removeRefs.run({ sha256, count, now: at });
    return deleted;
  },

  setReplacement(s: CatalogStatements, key: EntryKey, replacement: EntryKey | null): EntryRow {
    const row = s.setReplacement.get({
      id: key.id,
      filename: key.filename,
      replacedById: replacement?.id ?? null,
      replacedByFilename: replacement?.filename ?? null,
    });
    if (row === undefined) throw notFound(keyString(key), `No entry ${keyString(key)}`);
    return row;
  },

  updateAccess(s: CatalogStatements, key: EntryKey, access: EntryAccess): EntryRow {
    const row = s.updateAccess.get({
      id: key.id,
      filename: key.filename,
      visibility: access.visibility,
      readers: JSON.stringify(access.readers),
      writers: JSON.stringify(access.writers),
      expiresAt: access.expiresAt === null ? null : access.expiresAt.getTime(),
    });
    if (row === undefined) throw notFound(keyString(key), `No entry ${keyString(key)}`);
    return row;
  },
};

/** The name of one of {@link writeOperations}. */
export type WriteOperation = keyof typeof writeOperations;

/**
 * The writes whose durability may wait for the next durable commit (the `Catalog` durability
 * note): a put's intermediate states, a `writing` claim, its release, a blob turned `present`,
 * `pending` rows. A batch of only these commits with `synchronous = NORMAL` (the WAL is written,
 * not fsynced); the put's final transition, like every other write, commits with
 * `synchronous = FULL`, and its WAL `fsync` covers every frame before it. A power loss before
 * that leaves at most an unreferenced blob file, or a stale claim or pending row, which the put
 * never acknowledged and fsck removes.
 */
export const DEFERRABLE_OPERATIONS: ReadonlySet<WriteOperation> = new Set<WriteOperation>(['claimBlob', 'releaseBlob', 'markBlobPresent', 'insertEntries']);

/** The arguments of a write operation, after the statements. */
export type WriteArgs<Name extends WriteOperation> = (typeof writeOperations)[Name] extends (s: CatalogStatements, ...args: infer A) => unknown ? A : never;

/** The result of a write operation. */
export type WriteResult<Name extends WriteOperation> = ReturnType<(typeof writeOperations)[Name]>;

/** One call of a write operation, as queued for a transaction. */
export interface WriteJob {
  readonly op: WriteOperation;
  readonly args: readonly unknown[];
}

/** Runs one job's operation on `statements` (inside a transaction the caller opened). */
export function runJob(statements: CatalogStatements, job: WriteJob): unknown {
  const operation = writeOperations[job.op] as (s: CatalogStatements, ...args: readonly unknown[]) => unknown;
  return operation(statements, ...job.args);
}
