import type yauzl from 'yauzl';
import { MAX_PATH_BYTES, MAX_SEGMENT_BYTES } from '../path.js';
import { isStowageError, type StowageError } from '../stowage-error.js';
import { archiveRejected, type ArchiveRule } from './archive-rejection.js';
import { exceedsRatio, type ExtractLimits } from './extract-limits.js';

/** One checked member of a zip, as extraction callbacks see it. */
export interface ZipMember {
  /** The path in the archive, NFC, `/`-separated, without a trailing `/`. */
  readonly path: string;
  /** A directory entry (its name ended with `/`); it has no bytes. */
  readonly directory: boolean;
  /** The declared inflated size (checked against the actual bytes while inflating). */
  readonly size: number;
  readonly compressedSize: number;
  /** The declared CRC-32 (checked against the actual bytes). */
  readonly crc32: number;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const DRIVE = /^[A-Za-z]:/;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** Hosts whose external attributes are MS-DOS attributes, where 0x400 marks a reparse point (a link). */
const DOS_HOSTS = new Set([0, 10, 11, 14]);
const FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
const ENCRYPTED = 0x1;
const STRONG_ENCRYPTION = 0x40;
const MASKED_HEADERS = 0x2000;
const PKWARE_UNIX = 0x000d;
const PKWARE_UNIX_FIXED_BYTES = 12;
const NTFS = 0x000a;

function rejected(rule: ArchiveRule, message: string, name: string): StowageError {
  return archiveRejected(rule, message, name);
}

/**
 * The path of an entry name, or a rejection: not empty, no control characters, no `\`, not
 * absolute, no empty, `.` or `..` segment, segments within 255 and the path within 1024 UTF-8
 * bytes, no U+FFFD (bytes that were not valid UTF-8). Returns the NFC path without its trailing `/`.
 */
export function checkEntryName(name: string): { readonly path: string; readonly directory: boolean } {
  if (name === '') throw rejected('empty-name', 'an entry has an empty name', name);
  if (CONTROL.test(name)) throw rejected('control-character', 'an entry name holds a control character', name);
  if (name.includes('\ufffd')) throw rejected('invalid-name', 'an entry name is not valid UTF-8', name);
  if (name.includes('\\')) throw rejected('backslash', 'an entry name holds a backslash', name);
  if (name.startsWith('/') || DRIVE.test(name)) throw rejected('absolute-path', 'an entry name is absolute', name);
  const directory = name.endsWith('/');
  const path = (directory ? name.slice(0, -1) : name).normalize('NFC');
  for (const segment of path.split('/')) {
    if (segment === '') throw rejected('empty-segment', 'an entry name has an empty segment', name);
    if (segment === '.') throw rejected('dot-segment', 'an entry name has a "." segment', name);
    if (segment === '..') throw rejected('parent-segment', 'an entry name has a ".." segment', name);
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) throw rejected('name-too-long', 'an entry name has a segment over 255 bytes', name);
  }
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw rejected('name-too-long', 'an entry name is over 1024 bytes', name);
  return { path, directory };
}

/** Parses extra fields the way yauzl does; a length past the end is `malformed-extra-field`. */
export function extraFieldsOf(raw: Buffer, name: string): { id: number; data: Buffer }[] {
  const fields: { id: number; data: Buffer }[] = [];
  let i = 0;
  while (i + 4 <= raw.length) {
    const id = raw.readUInt16LE(i);
    const end = i + 4 + raw.readUInt16LE(i + 2);
    if (end > raw.length) throw rejected('malformed-extra-field', 'an extra field runs past its header', name);
    fields.push({ id, data: raw.subarray(i + 4, end) });
    i = end;
  }
  return fields;
}

/** An NTFS field (0x000a) must hold 4 reserved bytes, then tags whose sizes fit; tag 1 is 24 bytes. */
function checkNtfsField(data: Buffer, name: string): void {
  const bad = (): StowageError => rejected('malformed-extra-field', 'an NTFS extra field is corrupt', name);
  if (data.length < 4) throw bad();
  let i = 4;
  while (i < data.length) {
    if (i + 4 > data.length) throw bad();
    const tag = data.readUInt16LE(i);
    const size = data.readUInt16LE(i + 2);
    if (i + 4 + size > data.length || (tag === 1 && size !== 24)) throw bad();
    i += 4 + size;
  }
}

/**
 * Checks the extra fields of a central or local header: well-formed lengths, a sound NTFS field,
 * and no PKWARE Unix field carrying a link target (how zip records hard and symbolic links).
 */
export function checkExtraFields(raw: Buffer, name: string): void {
  for (const field of extraFieldsOf(raw, name)) {
    if (field.id === PKWARE_UNIX && field.data.length > PKWARE_UNIX_FIXED_BYTES) {
      throw rejected('hardlink', 'an entry carries a link target (PKWARE Unix extra field)', name);
    }
    if (field.id === NTFS) checkNtfsField(field.data, name);
  }
}

/** Refuses links and special files: Unix file types other than regular and directory, DOS reparse points. */
function checkFileType(entry: yauzl.Entry, name: string): void {
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (type === S_IFLNK) throw rejected('symlink', 'an entry is a symbolic link', name);
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) throw rejected('special-file', 'an entry is a device, FIFO or socket', name);
  if (DOS_HOSTS.has(entry.versionMadeBy >> 8) && (entry.externalFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) !== 0) {
    throw rejected('symlink', 'an entry is a reparse point (a Windows link)', name);
  }
}

/**
 * Checks one central-directory entry before any byte of it is read: its name, its file type,
 * encryption, compression method, extra fields, and its declared sizes against the limits.
 */
export function checkEntry(entry: yauzl.Entry, limits: ExtractLimits): ZipMember {
  const name = entry.fileName;
  const { path, directory } = checkEntryName(name);
  checkFileType(entry, name);
  if ((entry.generalPurposeBitFlag & (ENCRYPTED | STRONG_ENCRYPTION | MASKED_HEADERS)) !== 0) {
    throw rejected('encrypted', 'an entry is encrypted', name);
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw rejected('unsupported-method', `an entry uses compression method ${entry.compressionMethod}`, name);
  }
  checkExtraFields(entry.extraFieldRaw, name);
  if (directory && (entry.uncompressedSize !== 0 || entry.compressedSize !== 0)) {
    throw rejected('directory-with-data', 'a directory entry has data', name);
  }
  if (entry.uncompressedSize > limits.maxEntryBytes) throw rejected('entry-size', 'an entry declares more bytes than allowed', name);
  if (exceedsRatio(limits, entry.uncompressedSize, entry.compressedSize)) {
    throw rejected('ratio', 'an entry declares a compression ratio over the limit', name);
  }
  return Object.freeze({ path, directory, size: entry.uncompressedSize, compressedSize: entry.compressedSize, crc32: entry.crc32 });
}

/** NFC plus full case folding (`ß` → `ss`, `K` (Kelvin) → `k`): names equal under it collide. */
export function foldName(name: string): string {
  return name.normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}

/**
 * Refuses name collisions among the entries (each with its name as stored in the archive): the
 * same name twice (`duplicate-name`), names equal after NFC and case folding, and a file where
 * another entry needs a folder (`name-collision`).
 */
export function checkCollisions(items: readonly { readonly member: ZipMember; readonly name: string }[]): void {
  const seen = new Map<string, string>();
  const folders = new Set<string>();
  for (const { member, name } of items) {
    const folded = foldName(member.path);
    const earlier = seen.get(folded);
    if (earlier !== undefined) {
      if (earlier === name) throw rejected('duplicate-name', 'two entries have the same name', name);
      throw rejected('name-collision', 'two entry names differ only in case or Unicode normalization', name);
    }
    seen.set(folded, name);
    if (member.directory) folders.add(folded);
    for (let slash = folded.indexOf('/'); slash !== -1; slash = folded.indexOf('/', slash + 1)) folders.add(folded.slice(0, slash));
  }
  for (const { member, name } of items) {
    if (!member.directory && folders.has(foldName(member.path))) {
      throw rejected('name-collision', 'a file has the name of a folder other entries need', name);
    }
  }
}

const YAUZL_RULES: readonly (readonly [RegExp, ArchiveRule])[] = [
  [/^absolute path/, 'absolute-path'],
  [/^invalid relative path/, 'parent-segment'],
  [/^invalid characters in fileName/, 'backslash'],
  [/encrypt/, 'encrypted'],
  [/^multi-disk/, 'multi-disk'],
  [/size mismatch|too many bytes|not enough bytes/, 'size-mismatch'],
  [/^unsupported compression method/, 'unsupported-method'],
  [/^extra field length/, 'malformed-extra-field'],
];

/**
 * Maps an error met while reading a zip to a rejection: `StowageError`s pass through, zlib errors
 * are `corrupt-data`, yauzl's messages map to their rule, anything else is `malformed`.
 */
export function rejectionOf(error: unknown, name?: string): StowageError {
  if (isStowageError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return archiveRejected('corrupt-data', 'an entry does not inflate', name, error);
  const rule = YAUZL_RULES.find(([pattern]) => pattern.test(message))?.[1] ?? 'malformed';
  return archiveRejected(rule, `the archive is invalid (${rule})`, name, error);
}
