import { StowageError } from '../stowage-error.js';
import type { BlobCandidate, BlobRecord, BlobState } from './blob-record.js';
import type { BlobScan, EntryScan } from './catalog.js';
import { ENTRY_STATES, type CatalogEntry, type EntryAccess, type EntryKey, type EntryState, type NewEntry } from './entry.js';

/**
 * Argument validation and snapshot helpers shared by every `Catalog` implementation, so that
 * all of them reject the same inputs with `STOWAGE_INVALID_ARGUMENT` before touching storage,
 * and all of them hand out the same kind of frozen snapshots.
 *
 * @packageDocumentation
 */

/** The states a blob can be in, in a fixed order. */
export const BLOB_STATES: readonly BlobState[] = Object.freeze(['writing', 'present', 'deleting', 'lost']);

const LONG_ID = /^[0-9a-f]{64}$/;
const SHA1 = /^[0-9a-f]{40}$/;
/** With the `u` flag, only unpaired surrogates are code points of category `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
  if (value instanceof Date) return 'an invalid Date';
  return value === null ? 'null' : typeof value;
}

/** Asserts `id` is a long id: 64 lowercase hex characters. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertLongId(id: unknown, field = 'id'): asserts id is string {
  if (typeof id !== 'string' || !LONG_ID.test(id)) throw invalid(`${field} must be 64 lowercase hex characters, got ${describe(id)}`);
}

/** Asserts `sha256` is 64 lowercase hex characters. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertSha256(sha256: unknown, field = 'sha256'): asserts sha256 is string {
  if (typeof sha256 !== 'string' || !LONG_ID.test(sha256)) throw invalid(`${field} must be 64 lowercase hex characters, got ${describe(sha256)}`);
}

/** Asserts `sha1` is 40 lowercase hex characters. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertSha1(sha1: unknown, field = 'sha1'): asserts sha1 is string {
  if (typeof sha1 !== 'string' || !SHA1.test(sha1)) throw invalid(`${field} must be 40 lowercase hex characters, got ${describe(sha1)}`);
}

/**
 * Asserts `filename` can name an entry: a non-empty, well-formed string (no unpaired surrogate,
 * which a database would store as U+FFFD, merging distinct keys) without NUL or `/`.
 * Throws `STOWAGE_INVALID_ARGUMENT`.
 */
export function assertFilename(filename: unknown, field = 'filename'): asserts filename is string {
  if (typeof filename !== 'string' || filename === '') throw invalid(`${field} must be a non-empty string, got ${describe(filename)}`);
  if (filename.includes('\0') || filename.includes('/')) throw invalid(`${field} must not contain NUL or "/"`);
  if (LONE_SURROGATE.test(filename)) throw invalid(`${field} must be well-formed Unicode (it has an unpaired surrogate)`);
}

/** Asserts `key` is an entry key: a long id and a valid filename. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertEntryKey(key: unknown, field = 'key'): asserts key is EntryKey {
  if (typeof key !== 'object' || key === null) throw invalid(`${field} must be an object, got ${describe(key)}`);
  const { id, filename } = key as Record<string, unknown>;
  assertLongId(id, `${field}.id`);
  assertFilename(filename, `${field}.filename`);
}

/** Asserts `keys` is a non-empty array of entry keys. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertEntryKeys(keys: unknown, field = 'keys'): asserts keys is readonly EntryKey[] {
  if (!Array.isArray(keys) || keys.length === 0) throw invalid(`${field} must be a non-empty array`);
  keys.forEach((key: unknown, index) => assertEntryKey(key, `${field}[${index}]`));
}

/** Asserts `date` is a valid `Date`. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertDate(date: unknown, field = 'date'): asserts date is Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw invalid(`${field} must be a valid Date, got ${describe(date)}`);
}

/** Asserts `state` is an entry state. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertEntryState(state: unknown, field = 'state'): asserts state is EntryState {
  if (!(ENTRY_STATES as readonly unknown[]).includes(state)) throw invalid(`${field} must be one of ${ENTRY_STATES.join(', ')}, got ${describe(state)}`);
}

function assertString(value: unknown, field: string, nonEmpty: boolean): asserts value is string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    throw invalid(`${field} must be a ${nonEmpty ? 'non-empty ' : ''}string, got ${describe(value)}`);
  }
}

function assertCount(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${field} must be an integer >= 0, got ${typeof value === 'number' ? String(value) : describe(value)}`);
  }
}

function assertStrings(value: unknown, field: string): asserts value is readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(`${field} must be an array of strings`);
}

/** Asserts `access` is a valid {@link EntryAccess}. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertEntryAccess(access: unknown, field = 'access'): asserts access is EntryAccess {
  if (typeof access !== 'object' || access === null) throw invalid(`${field} must be an object, got ${describe(access)}`);
  const { visibility, readers, writers, expiresAt } = access as Record<string, unknown>;
  if (visibility !== 'public' && visibility !== 'private') throw invalid(`${field}.visibility must be "public" or "private", got ${describe(visibility)}`);
  assertStrings(readers, `${field}.readers`);
  assertStrings(writers, `${field}.writers`);
  if (expiresAt !== null) assertDate(expiresAt, `${field}.expiresAt`);
}

/** Asserts `candidate` is a valid {@link BlobCandidate}. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertBlobCandidate(candidate: unknown, field = 'candidate'): asserts candidate is BlobCandidate {
  if (typeof candidate !== 'object' || candidate === null) throw invalid(`${field} must be an object, got ${describe(candidate)}`);
  const { sha256, sha1, size, backend, path } = candidate as Record<string, unknown>;
  assertSha256(sha256, `${field}.sha256`);
  assertSha1(sha1, `${field}.sha1`);
  assertCount(size, `${field}.size`);
  assertString(backend, `${field}.backend`, true);
  assertString(path, `${field}.path`, true);
}

/**
 * Asserts `entry` is a valid {@link NewEntry}: a valid key and access, `position` and `size`
 * integers >= 0, `sha256` and `sha1` lowercase hex, `backend` and `path` non-empty strings,
 * `contentType`, `plannedPath`, `author` and `saltKeyId` strings, `createdAt` a valid `Date`.
 * Throws `STOWAGE_INVALID_ARGUMENT` naming the field.
 */
export function validateNewEntry(entry: unknown, field = 'entry'): asserts entry is NewEntry {
  assertEntryKey(entry, field);
  assertEntryAccess(entry, field);
  const fields = entry as unknown as Record<string, unknown>;
  assertCount(fields['position'], `${field}.position`);
  assertCount(fields['size'], `${field}.size`);
  assertSha256(fields['sha256'], `${field}.sha256`);
  assertSha1(fields['sha1'], `${field}.sha1`);
  assertString(fields['backend'], `${field}.backend`, true);
  assertString(fields['path'], `${field}.path`, true);
  assertString(fields['contentType'], `${field}.contentType`, false);
  assertString(fields['plannedPath'], `${field}.plannedPath`, false);
  assertString(fields['author'], `${field}.author`, false);
  assertString(fields['saltKeyId'], `${field}.saltKeyId`, false);
  assertDate(fields['createdAt'], `${field}.createdAt`);
}

/** Asserts `entries` is a non-empty array of valid new entries. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function validateNewEntries(entries: unknown): asserts entries is readonly NewEntry[] {
  if (!Array.isArray(entries) || entries.length === 0) throw invalid('entries must be a non-empty array');
  entries.forEach((entry: unknown, index) => validateNewEntry(entry, `entries[${index}]`));
}

function assertOptionalFilter(filter: unknown, field: string): Record<string, unknown> {
  if (filter === undefined) return {};
  if (typeof filter !== 'object' || filter === null) throw invalid(`${field} must be an object, got ${describe(filter)}`);
  return filter as Record<string, unknown>;
}

/** Asserts `filter` is `undefined` or a valid {@link EntryScan}. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertEntryScan(filter: unknown): asserts filter is EntryScan | undefined {
  const { states, expiredBefore, createdBefore, backend, sha256 } = assertOptionalFilter(filter, 'filter');
  if (states !== undefined) {
    if (!Array.isArray(states)) throw invalid('filter.states must be an array');
    states.forEach((state: unknown, index) => assertEntryState(state, `filter.states[${index}]`));
  }
  if (expiredBefore !== undefined) assertDate(expiredBefore, 'filter.expiredBefore');
  if (createdBefore !== undefined) assertDate(createdBefore, 'filter.createdBefore');
  if (backend !== undefined) assertString(backend, 'filter.backend', true);
  if (sha256 !== undefined) assertSha256(sha256, 'filter.sha256');
}

/** Asserts `filter` is `undefined` or a valid {@link BlobScan}. Throws `STOWAGE_INVALID_ARGUMENT`. */
export function assertBlobScan(filter: unknown): asserts filter is BlobScan | undefined {
  const { states, unreferencedBefore } = assertOptionalFilter(filter, 'filter');
  if (states !== undefined) {
    if (!Array.isArray(states) || !states.every((state) => (BLOB_STATES as readonly unknown[]).includes(state))) {
      throw invalid(`filter.states must be an array of ${BLOB_STATES.join(', ')}`);
    }
  }
  if (unreferencedBefore !== undefined) assertDate(unreferencedBefore, 'filter.unreferencedBefore');
}

function copyKey(key: EntryKey): EntryKey {
  return Object.freeze({ id: key.id, filename: key.filename });
}

/**
 * A deep-frozen copy of `entry` holding exactly the fields of {@link CatalogEntry}, with fresh
 * `Date` objects and copied arrays: nothing in it is shared with `entry`.
 */
export function freezeEntry(entry: CatalogEntry): CatalogEntry {
  return entryWith(entry, Object.freeze([...entry.readers]), Object.freeze([...entry.writers]), entry.replacedBy === null ? null : copyKey(entry.replacedBy));
}

/**
 * A copy of an entry that is already deep-frozen (one {@link freezeEntry} made): its own `Date`
 * objects, the frozen arrays and key shared. What a cache answers on every hit.
 */
export function copyFrozenEntry(entry: CatalogEntry): CatalogEntry {
  return entryWith(entry, entry.readers, entry.writers, entry.replacedBy);
}

/**
 * The one list of {@link CatalogEntry} fields: a frozen literal (which V8 builds from a template,
 * unlike a spread) with fresh `Date`s and the given arrays and key.
 */
function entryWith(entry: CatalogEntry, readers: readonly string[], writers: readonly string[], replacedBy: EntryKey | null): CatalogEntry {
  return Object.freeze({
    id: entry.id,
    filename: entry.filename,
    position: entry.position,
    backend: entry.backend,
    path: entry.path,
    size: entry.size,
    sha256: entry.sha256,
    sha1: entry.sha1,
    contentType: entry.contentType,
    createdAt: new Date(entry.createdAt.getTime()),
    plannedPath: entry.plannedPath,
    author: entry.author,
    saltKeyId: entry.saltKeyId,
    visibility: entry.visibility,
    readers,
    writers,
    expiresAt: entry.expiresAt === null ? null : new Date(entry.expiresAt.getTime()),
    state: entry.state,
    replacedBy,
  });
}

/**
 * A frozen copy of `blob` holding exactly the fields of {@link BlobRecord}, with fresh `Date`
 * objects: nothing in it is shared with `blob`.
 */
export function freezeBlob(blob: BlobRecord): BlobRecord {
  return Object.freeze({
    sha256: blob.sha256,
    sha1: blob.sha1,
    size: blob.size,
    backend: blob.backend,
    path: blob.path,
    state: blob.state,
    refs: blob.refs,
    createdAt: new Date(blob.createdAt.getTime()),
    touchedAt: new Date(blob.touchedAt.getTime()),
  });
}
