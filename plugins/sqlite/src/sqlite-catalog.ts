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
import type { CatalogWriter } from './catalog-writer.js';
import { mapSqliteError } from './errors.js';
import type { ResolvedSqliteOptions } from './options.js';
import { blobFromRow, entryFromRow } from './rows.js';
import { blobScanPlan, entryScanPlan, readPage, type ScanPlan } from './scan-plans.js';
import type { CatalogStatements } from './statements.js';

/**
 * The {@link Catalog} over one better-sqlite3 connection; made by `createSqliteCatalog`.
 *
 * Every method is one transaction: writes run in `BEGIN IMMEDIATE` transactions, which take the
 * database's write lock before reading, so concurrent writers from this or other processes are
 * serialized (waiting up to `busyTimeoutMs`) and never fail half-way on a lock upgrade; reads
 * are single statements that see one committed state. Writes go through a {@link CatalogWriter}:
 * on a file catalog a writer thread with its own connection, which group commits the writes
 * that queue while it syncs (each in its own savepoint, so each still applies all or nothing,
 * and each resolves only after its commit); reads stay on this thread's connection. Arguments are validated before the
 * transaction starts. `NOT_FOUND` and `ALREADY_EXISTS` errors carry the entry
 * (`<id>/<filename>`) or the blob's SHA-256 in `context.path`.
 */
export class SqliteCatalog implements Catalog {
  readonly name: string;
  readonly #options: ResolvedSqliteOptions;
  readonly #db: Database.Database;
  readonly #statements: CatalogStatements;
  readonly #writer: CatalogWriter;
  #closed = false;

  constructor(options: ResolvedSqliteOptions, db: Database.Database, statements: CatalogStatements, writer: CatalogWriter) {
    this.name = `sqlite:${options.file}`;
    this.#options = options;
    this.#db = db;
    this.#statements = statements;
    this.#writer = writer;
  }

  async claimBlob(candidate: BlobCandidate, now: Date): Promise<BlobClaim> {
    this.#assertOpen();
    assertBlobCandidate(candidate);
    assertDate(now, 'now');
    const outcome = await this.#writer.run('claimBlob', candidate, now.getTime());
    return Object.freeze(outcome.kind === 'wait' ? { kind: 'wait' } : { kind: outcome.kind, blob: blobFromRow(outcome.row) });
  }

  async markBlobPresent(sha256: string, now: Date): Promise<BlobRecord> {
    this.#assertOpen();
    assertSha256(sha256);
    assertDate(now, 'now');
    return blobFromRow(await this.#writer.run('markBlobPresent', sha256, now.getTime()));
  }

  async releaseBlob(sha256: string): Promise<void> {
    this.#assertOpen();
    assertSha256(sha256);
    await this.#writer.run('releaseBlob', sha256);
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
    return this.#writer.run('claimBlobForDeletion', sha256, unreferencedBefore.getTime());
  }

  async forgetBlob(sha256: string): Promise<void> {
    this.#assertOpen();
    assertSha256(sha256);
    await this.#writer.run('forgetBlob', sha256);
  }

  async markBlobLost(sha256: string): Promise<number> {
    this.#assertOpen();
    assertSha256(sha256);
    return this.#writer.run('markBlobLost', sha256);
  }

  async insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    validateNewEntries(entries);
    await this.#writer.run('insertEntries', entries);
    return Object.freeze(entries.map((entry) => freezeEntry({ ...entry, state: 'pending', replacedBy: null })));
  }

  async transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void> {
    this.#assertOpen();
    assertEntryKeys(keys);
    assertEntryState(from, 'from');
    assertEntryState(to, 'to');
    await this.#writer.run('transitionEntries', keys, from, to);
  }

  async deleteEntries(keys: readonly EntryKey[], now: Date = new Date()): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    assertEntryKeys(keys);
    assertDate(now, 'now');
    const rows = await this.#writer.run('deleteEntries', keys, now.getTime());
    return Object.freeze(rows.map(entryFromRow));
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
    return entryFromRow(await this.#writer.run('setReplacement', key, replacement));
  }

  async updateAccess(key: EntryKey, access: EntryAccess): Promise<CatalogEntry> {
    this.#assertOpen();
    assertEntryKey(key);
    assertEntryAccess(access);
    return entryFromRow(await this.#writer.run('updateAccess', key, access));
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
    await this.#writer.close();
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

  #assertOpen(): void {
    if (this.#closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'The SQLite catalog is closed', { retryable: false });
  }
}
