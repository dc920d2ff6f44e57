import type Database from 'better-sqlite3';
import {
  assertBlobCandidate,
  assertBlobScan,
  assertDate,
  assertEntryAccess,
  assertEntryKey,
  assertEntryKeys,
  assertEntryScan,
  assertEntryState,
  assertLongId,
  assertSha256,
  freezeEntry,
  keyString,
  StowageError,
  validateNewEntries,
  type BlobCandidate,
  type BlobClaim,
  type BlobRecord,
  type BlobScan,
  type Catalog,
  type CatalogEntry,
  type EntryAccess,
  type EntryKey,
  type EntryScan,
  type EntryState,
  type NewEntry,
} from '@stowage/core';
import { mapSqliteError } from './errors.js';
import type { ResolvedSqliteOptions } from './options.js';
import { blobFromRow, entryFromRow, entryParams, type BlobRow } from './rows.js';
import { blobScanPlan, entryScanPlan, readPage, type ScanPlan } from './scan-plans.js';
import type { CatalogStatements } from './statements.js';

function notFound(what: string, message: string): StowageError {
  return new StowageError('STOWAGE_NOT_FOUND', message, { context: { path: what } });
}

/**
 * The {@link Catalog} over one better-sqlite3 connection; made by `createSqliteCatalog`.
 *
 * Every method is one transaction: writes run in `BEGIN IMMEDIATE` transactions, which take the
 * database's write lock before reading, so concurrent writers from this or other processes are
 * serialized (waiting up to `busyTimeoutMs`) and never fail half-way on a lock upgrade; reads
 * are single statements that see one committed state. Arguments are validated before the
 * transaction starts. `NOT_FOUND` and `ALREADY_EXISTS` errors carry the entry
 * (`<id>/<filename>`) or the blob's SHA-256 in `context.path`.
 */
export class SqliteCatalog implements Catalog {
  readonly name: string;
  readonly #options: ResolvedSqliteOptions;
  readonly #db: Database.Database;
  readonly #statements: CatalogStatements;
  readonly #transaction: Database.Transaction<(work: () => unknown) => unknown>;
  #closed = false;

  constructor(options: ResolvedSqliteOptions, db: Database.Database, statements: CatalogStatements) {
    this.name = `sqlite:${options.file}`;
    this.#options = options;
    this.#db = db;
    this.#statements = statements;
    this.#transaction = db.transaction((work: () => unknown) => work());
  }

  async claimBlob(candidate: BlobCandidate, now: Date): Promise<BlobClaim> {
    this.#assertOpen();
    assertBlobCandidate(candidate);
    assertDate(now, 'now');
    return this.#write(() => {
      const { sha256, sha1, size, backend, path } = candidate;
      const existing = this.#statements.selectBlob.get({ sha256 });
      const at = now.getTime();
      if (existing === undefined) {
        const row = this.#statements.insertBlob.get({ sha256, sha1, size, backend, path, state: 'writing', refs: 0, created_at: at, touched_at: at });
        return Object.freeze({ kind: 'write', blob: blobFromRow(row as BlobRow) });
      }
      if (existing.state === 'lost') {
        const row = this.#statements.rewriteBlob.get({ sha256, sha1, size, backend, path, touched_at: at });
        return Object.freeze({ kind: 'write', blob: blobFromRow(row as BlobRow) });
      }
      if (existing.state === 'present') {
        const row = this.#statements.touchBlob.get({ sha256, now: at });
        return Object.freeze({ kind: 'reuse', blob: blobFromRow(row as BlobRow) });
      }
      return Object.freeze({ kind: 'wait' });
    });
  }

  async markBlobPresent(sha256: string, now: Date): Promise<BlobRecord> {
    this.#assertOpen();
    assertSha256(sha256);
    assertDate(now, 'now');
    return this.#write(() => {
      const row = this.#statements.markBlobPresent.get({ sha256, now: now.getTime() });
      if (row === undefined) throw notFound(sha256, `No blob ${sha256} is being written`);
      return blobFromRow(row);
    });
  }

  async releaseBlob(sha256: string): Promise<void> {
    this.#assertOpen();
    assertSha256(sha256);
    this.#write(() => {
      const existing = this.#statements.selectBlob.get({ sha256 });
      if (existing?.state !== 'writing') return;
      // A writing row with references was `lost` before this failed claim reset it: it is lost
      // again, so the next put with good bytes may claim it instead of waiting forever.
      if (existing.refs === 0) this.#statements.deleteBlob.run({ sha256 });
      else this.#statements.setBlobState.run({ sha256, state: 'lost' });
    });
  }

  async getBlob(sha256: string): Promise<BlobRecord | undefined> {
    this.#assertOpen();
    assertSha256(sha256);
    return this.#read(() => {
      const row = this.#statements.selectBlob.get({ sha256 });
      return row === undefined ? undefined : blobFromRow(row);
    });
  }

  async claimBlobForDeletion(sha256: string, unreferencedBefore: Date): Promise<boolean> {
    this.#assertOpen();
    assertSha256(sha256);
    assertDate(unreferencedBefore, 'unreferencedBefore');
    return this.#write(() => {
      return this.#statements.claimBlobForDeletion.run({ sha256, before: unreferencedBefore.getTime() }).changes === 1;
    });
  }

  async forgetBlob(sha256: string): Promise<void> {
    this.#assertOpen();
    assertSha256(sha256);
    this.#write(() => {
      const existing = this.#statements.selectBlob.get({ sha256 });
      if (existing === undefined) return;
      if (existing.state !== 'deleting') throw notFound(sha256, `Blob ${sha256} is ${existing.state}, not deleting`);
      this.#statements.deleteBlob.run({ sha256 });
    });
  }

  async markBlobLost(sha256: string): Promise<number> {
    this.#assertOpen();
    assertSha256(sha256);
    return this.#write(() => {
      if (this.#statements.selectBlob.get({ sha256 }) === undefined) throw notFound(sha256, `No blob ${sha256}`);
      this.#statements.setBlobState.run({ sha256, state: 'lost' });
      return this.#statements.markEntriesLost.run({ sha256 }).changes;
    });
  }

  async insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    validateNewEntries(entries);
    return this.#write(() => {
      const seen = new Set<string>();
      const refs = new Map<string, number>();
      for (const entry of entries) {
        const key = keyString(entry);
        if (seen.has(key) || this.#statements.selectEntryState.get({ id: entry.id, filename: entry.filename }) !== undefined) {
          throw new StowageError('STOWAGE_ALREADY_EXISTS', `The entry ${key} already exists`, { context: { path: key } });
        }
        seen.add(key);
        if (this.#statements.selectBlob.get({ sha256: entry.sha256 })?.state !== 'present') throw notFound(entry.sha256, `No present blob ${entry.sha256} for ${key}`);
        refs.set(entry.sha256, (refs.get(entry.sha256) ?? 0) + 1);
      }
      const inserted = entries.map((entry) => {
        this.#statements.insertEntry.run(entryParams(entry, 'pending'));
        return freezeEntry({ ...entry, state: 'pending', replacedBy: null });
      });
      for (const [sha256, count] of refs) this.#statements.addRefs.run({ sha256, count });
      return Object.freeze(inserted);
    });
  }

  async transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void> {
    this.#assertOpen();
    assertEntryKeys(keys);
    assertEntryState(from, 'from');
    assertEntryState(to, 'to');
    this.#write(() => {
      for (const key of keys) {
        if (this.#statements.selectEntryState.get({ id: key.id, filename: key.filename }) !== from) throw notFound(keyString(key), `The entry ${keyString(key)} is not ${from}`);
      }
      for (const { id, filename } of keys) this.#statements.setEntryState.run({ id, filename, state: to });
    });
  }

  async deleteEntries(keys: readonly EntryKey[], now: Date = new Date()): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    assertEntryKeys(keys);
    assertDate(now, 'now');
    return this.#write(() => {
      const deleted: CatalogEntry[] = [];
      const refs = new Map<string, number>();
      for (const { id, filename } of keys) {
        const row = this.#statements.deleteEntry.get({ id, filename });
        if (row === undefined) continue;
        deleted.push(entryFromRow(row));
        refs.set(row.sha256, (refs.get(row.sha256) ?? 0) + 1);
      }
      for (const [sha256, count] of refs) this.#statements.removeRefs.run({ sha256, count, now: now.getTime() });
      return Object.freeze(deleted);
    });
  }

  async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    this.#assertOpen();
    assertEntryKey(key);
    return this.#read(() => {
      const row = this.#statements.selectEntry.get({ id: key.id, filename: key.filename });
      return row === undefined ? undefined : entryFromRow(row);
    });
  }

  async listEntries(id: string): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    assertLongId(id);
    return this.#read(() => {
      return Object.freeze(this.#statements.listEntries.all({ id }).map(entryFromRow));
    });
  }

  async setReplacement(key: EntryKey, replacement: EntryKey | null): Promise<CatalogEntry> {
    this.#assertOpen();
    assertEntryKey(key);
    if (replacement !== null) assertEntryKey(replacement, 'replacement');
    return this.#write(() => {
      const row = this.#statements.setReplacement.get({
        id: key.id,
        filename: key.filename,
        replacedById: replacement?.id ?? null,
        replacedByFilename: replacement?.filename ?? null,
      });
      if (row === undefined) throw notFound(keyString(key), `No entry ${keyString(key)}`);
      return entryFromRow(row);
    });
  }

  async updateAccess(key: EntryKey, access: EntryAccess): Promise<CatalogEntry> {
    this.#assertOpen();
    assertEntryKey(key);
    assertEntryAccess(access);
    return this.#write(() => {
      const row = this.#statements.updateAccess.get({
        id: key.id,
        filename: key.filename,
        visibility: access.visibility,
        readers: JSON.stringify(access.readers),
        writers: JSON.stringify(access.writers),
        expiresAt: access.expiresAt === null ? null : access.expiresAt.getTime(),
      });
      if (row === undefined) throw notFound(keyString(key), `No entry ${keyString(key)}`);
      return entryFromRow(row);
    });
  }

  async *scanEntries(filter?: EntryScan): AsyncIterable<CatalogEntry> {
    this.#assertOpen();
    assertEntryScan(filter);
    yield* this.#scan(entryScanPlan(filter ?? {}), entryFromRow);
  }

  async *scanBlobs(filter?: BlobScan): AsyncIterable<BlobRecord> {
    this.#assertOpen();
    assertBlobScan(filter);
    yield* this.#scan(blobScanPlan(filter ?? {}), blobFromRow);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /** Pages through `plan`; no statement is open while the caller handles a row. */
  async *#scan<Row, Result>(plan: ScanPlan<Row>, toResult: (row: Row) => Result): AsyncIterable<Result> {
    const limit = this.#options.scanPageSize;
    let last: Row | undefined;
    for (;;) {
      this.#assertOpen();
      const page = this.#read(() => readPage(this.#statements.scan<Row>(plan.sql), plan, last, limit));
      for (const row of page) {
        this.#assertOpen();
        yield toResult(row);
      }
      if (page.length < limit) return;
      last = page[page.length - 1];
    }
  }

  /** Runs a read, mapping database failures. */
  #read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  /** Runs `work` in one `BEGIN IMMEDIATE` transaction, rolled back when it throws. */
  #write<T>(work: () => T): T {
    return this.#read(() => this.#transaction.immediate(work) as T);
  }

  #assertOpen(): void {
    if (this.#closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'The SQLite catalog is closed', { retryable: false });
  }
}
