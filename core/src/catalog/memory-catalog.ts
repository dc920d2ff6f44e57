import { StowageError } from '../stowage-error.js';
import type { BlobCandidate, BlobClaim, BlobRecord } from './blob-record.js';
import type { BlobScan, Catalog, EntryScan } from './catalog.js';
import { keyString, type CatalogEntry, type EntryAccess, type EntryKey, type EntryState, type NewEntry } from './entry.js';
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
  freezeBlob,
  freezeEntry,
  validateNewEntries,
} from './validate.js';

/**
 * A {@link Catalog} held in this process's memory: the reference implementation of the
 * contract, for tests, development servers and single-process tools. Nothing survives the
 * process or {@link Catalog.close}.
 *
 * Every method does all its checks and all its changes in one synchronous step (it never awaits
 * in between), which is what makes it atomic and serialized within one process. Rows are kept
 * as frozen snapshots and copied again on the way out, so callers never share an object with
 * the catalog. `NOT_FOUND` errors carry the entry (`<id>/<filename>`) or the blob's SHA-256 in
 * `context.path`.
 */
export function createMemoryCatalog(): Catalog {
  return new MemoryCatalog();
}

function notFound(what: string, message: string): StowageError {
  return new StowageError('STOWAGE_NOT_FOUND', message, { context: { path: what } });
}

class MemoryCatalog implements Catalog {
  readonly name = 'memory';
  /** Entries by id, then by filename; filenames compare exactly, as `Map` keys do. */
  #entries = new Map<string, Map<string, CatalogEntry>>();
  #blobs = new Map<string, BlobRecord>();
  #closed = false;

  async claimBlob(candidate: BlobCandidate, now: Date): Promise<BlobClaim> {
    this.#assertOpen();
    assertBlobCandidate(candidate);
    assertDate(now, 'now');
    const existing = this.#blobs.get(candidate.sha256);
    if (existing === undefined || existing.state === 'lost') {
      const blob = this.#putBlob({
        sha256: candidate.sha256,
        sha1: candidate.sha1,
        size: candidate.size,
        backend: candidate.backend,
        path: candidate.path,
        state: 'writing',
        refs: existing?.refs ?? 0,
        createdAt: existing?.createdAt ?? now,
        touchedAt: now,
      });
      return Object.freeze({ kind: 'write', blob: freezeBlob(blob) });
    }
    if (existing.state === 'present') {
      const blob = this.#putBlob({ ...existing, touchedAt: now });
      return Object.freeze({ kind: 'reuse', blob: freezeBlob(blob) });
    }
    return Object.freeze({ kind: 'wait' });
  }

  async markBlobPresent(sha256: string, now: Date): Promise<BlobRecord> {
    this.#assertOpen();
    assertSha256(sha256);
    assertDate(now, 'now');
    const existing = this.#blobs.get(sha256);
    if (existing?.state !== 'writing') throw notFound(sha256, `No blob ${sha256} is being written`);
    return freezeBlob(this.#putBlob({ ...existing, state: 'present', touchedAt: now }));
  }

  async releaseBlob(sha256: string): Promise<void> {
    this.#assertOpen();
    assertSha256(sha256);
    const existing = this.#blobs.get(sha256);
    if (existing?.state !== 'writing') return;
    // A row with references was `lost` before the failed claim reset it: it is lost again, so
    // the next put with good bytes may claim it instead of waiting for a writer that gave up.
    if (existing.refs === 0) this.#blobs.delete(sha256);
    else this.#putBlob({ ...existing, state: 'lost' });
  }

  async getBlob(sha256: string): Promise<BlobRecord | undefined> {
    this.#assertOpen();
    assertSha256(sha256);
    const blob = this.#blobs.get(sha256);
    return blob === undefined ? undefined : freezeBlob(blob);
  }

  async claimBlobForDeletion(sha256: string, unreferencedBefore: Date): Promise<boolean> {
    this.#assertOpen();
    assertSha256(sha256);
    assertDate(unreferencedBefore, 'unreferencedBefore');
    const blob = this.#blobs.get(sha256);
    if (blob?.state !== 'present' || blob.refs !== 0 || blob.touchedAt.getTime() >= unreferencedBefore.getTime()) return false;
    this.#putBlob({ ...blob, state: 'deleting' });
    return true;
  }

  async forgetBlob(sha256: string): Promise<void> {
    this.#assertOpen();
    assertSha256(sha256);
    const blob = this.#blobs.get(sha256);
    if (blob === undefined) return;
    if (blob.state !== 'deleting') throw notFound(sha256, `Blob ${sha256} is ${blob.state}, not deleting`);
    this.#blobs.delete(sha256);
  }

  async markBlobLost(sha256: string): Promise<number> {
    this.#assertOpen();
    assertSha256(sha256);
    const blob = this.#blobs.get(sha256);
    if (blob === undefined) throw notFound(sha256, `No blob ${sha256}`);
    this.#putBlob({ ...blob, state: 'lost' });
    let changed = 0;
    for (const entry of this.#allEntries()) {
      if (entry.sha256 !== sha256 || entry.state === 'lost') continue;
      this.#putEntry({ ...entry, state: 'lost' });
      changed++;
    }
    return changed;
  }

  async insertEntries(entries: readonly NewEntry[]): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    validateNewEntries(entries);
    const seen = new Set<string>();
    for (const entry of entries) {
      const key = keyString(entry);
      if (seen.has(key) || this.#entry(entry) !== undefined) {
        throw new StowageError('STOWAGE_ALREADY_EXISTS', `The entry ${key} already exists`, { context: { path: key } });
      }
      seen.add(key);
      if (this.#blobs.get(entry.sha256)?.state !== 'present') throw notFound(entry.sha256, `No present blob ${entry.sha256} for ${key}`);
    }
    const inserted = entries.map((entry) => this.#putEntry({ ...entry, state: 'pending', replacedBy: null }));
    for (const entry of inserted) this.#addRefs(entry.sha256, 1, undefined);
    return Object.freeze(inserted.map(freezeEntry));
  }

  async transitionEntries(keys: readonly EntryKey[], from: EntryState, to: EntryState): Promise<void> {
    this.#assertOpen();
    assertEntryKeys(keys);
    assertEntryState(from, 'from');
    assertEntryState(to, 'to');
    const found = keys.map((key) => {
      const entry = this.#entry(key);
      if (entry?.state !== from) throw notFound(keyString(key), `The entry ${keyString(key)} is not ${from}`);
      return entry;
    });
    for (const entry of found) this.#putEntry({ ...entry, state: to });
  }

  async deleteEntries(keys: readonly EntryKey[], now: Date = new Date()): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    assertEntryKeys(keys);
    assertDate(now, 'now');
    const deleted: CatalogEntry[] = [];
    for (const key of keys) {
      const entry = this.#entry(key);
      if (entry === undefined) continue;
      const siblings = this.#entries.get(entry.id);
      siblings?.delete(entry.filename);
      if (siblings?.size === 0) this.#entries.delete(entry.id);
      this.#addRefs(entry.sha256, -1, now);
      deleted.push(freezeEntry(entry));
    }
    return Object.freeze(deleted);
  }

  async getEntry(key: EntryKey): Promise<CatalogEntry | undefined> {
    this.#assertOpen();
    assertEntryKey(key);
    const entry = this.#entry(key);
    return entry === undefined ? undefined : freezeEntry(entry);
  }

  async listEntries(id: string): Promise<readonly CatalogEntry[]> {
    this.#assertOpen();
    assertLongId(id);
    const entries = [...(this.#entries.get(id)?.values() ?? [])];
    entries.sort((a, b) => a.position - b.position || compareStrings(a.filename, b.filename));
    return Object.freeze(entries.map(freezeEntry));
  }

  async setReplacement(key: EntryKey, replacement: EntryKey | null): Promise<CatalogEntry> {
    this.#assertOpen();
    assertEntryKey(key);
    if (replacement !== null) assertEntryKey(replacement, 'replacement');
    const entry = this.#requireEntry(key);
    const replacedBy = replacement === null ? null : { id: replacement.id, filename: replacement.filename };
    return freezeEntry(this.#putEntry({ ...entry, replacedBy }));
  }

  async updateAccess(key: EntryKey, access: EntryAccess): Promise<CatalogEntry> {
    this.#assertOpen();
    assertEntryKey(key);
    assertEntryAccess(access);
    const entry = this.#requireEntry(key);
    const { visibility, readers, writers, expiresAt } = access;
    return freezeEntry(this.#putEntry({ ...entry, visibility, readers, writers, expiresAt }));
  }

  async *scanEntries(filter?: EntryScan): AsyncIterable<CatalogEntry> {
    this.#assertOpen();
    assertEntryScan(filter);
    const matches = (entry: CatalogEntry): boolean =>
      (filter?.states === undefined || filter.states.includes(entry.state)) &&
      (filter?.expiredBefore === undefined || (entry.expiresAt !== null && entry.expiresAt < filter.expiredBefore)) &&
      (filter?.createdBefore === undefined || entry.createdAt < filter.createdBefore) &&
      (filter?.backend === undefined || entry.backend === filter.backend) &&
      (filter?.sha256 === undefined || entry.sha256 === filter.sha256);
    const snapshot = [...this.#allEntries()].filter(matches);
    for (const entry of snapshot) {
      this.#assertOpen();
      yield freezeEntry(entry);
    }
  }

  async *scanBlobs(filter?: BlobScan): AsyncIterable<BlobRecord> {
    this.#assertOpen();
    assertBlobScan(filter);
    const matches = (blob: BlobRecord): boolean =>
      (filter?.states === undefined || filter.states.includes(blob.state)) &&
      (filter?.unreferencedBefore === undefined || (blob.refs === 0 && blob.touchedAt < filter.unreferencedBefore));
    const snapshot = [...this.#blobs.values()].filter(matches);
    for (const blob of snapshot) {
      this.#assertOpen();
      yield freezeBlob(blob);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#entries = new Map();
    this.#blobs = new Map();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'The memory catalog is closed', { retryable: false });
  }

  #entry(key: EntryKey): CatalogEntry | undefined {
    return this.#entries.get(key.id)?.get(key.filename);
  }

  #requireEntry(key: EntryKey): CatalogEntry {
    const entry = this.#entry(key);
    if (entry === undefined) throw notFound(keyString(key), `No entry ${keyString(key)}`);
    return entry;
  }

  *#allEntries(): Iterable<CatalogEntry> {
    for (const siblings of this.#entries.values()) yield* siblings.values();
  }

  /** Stores a frozen copy of `entry` (so later changes to the caller's object do not leak in). */
  #putEntry(entry: CatalogEntry): CatalogEntry {
    const stored = freezeEntry(entry);
    let siblings = this.#entries.get(stored.id);
    if (siblings === undefined) this.#entries.set(stored.id, (siblings = new Map()));
    siblings.set(stored.filename, stored);
    return stored;
  }

  #putBlob(blob: BlobRecord): BlobRecord {
    const stored = freezeBlob(blob);
    this.#blobs.set(stored.sha256, stored);
    return stored;
  }

  /** Changes a blob's reference count; `touchedAt` becomes `now` when it drops to zero. */
  #addRefs(sha256: string, delta: number, now: Date | undefined): void {
    const blob = this.#blobs.get(sha256);
    // Invariant I9 guarantees the row: only deleteEntries removes references, and forgetBlob
    // removes only rows without them.
    if (blob === undefined) return;
    const refs = Math.max(0, blob.refs + delta);
    this.#putBlob({ ...blob, refs, touchedAt: refs === 0 && now !== undefined ? now : blob.touchedAt });
  }
}

/** Orders strings by code point, the byte order of their UTF-8 form. */
function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
