import { createHash } from 'node:crypto';

/**
 * The reversible name encoding of the SMB backend (see the README, "Names on the share").
 *
 * A key segment is stored under a name built code point by code point: a code point stays as it
 * is when it is *caseless or lowercase and stable* (`c === lower(c)` and `lower(upper(c)) === c`)
 * and not one of `% \ / : * ? " < > | ~` or a control character; every other code point is
 * written as `%XX` escapes of its UTF-8 bytes, with uppercase hex digits. Then:
 * - a leading space and a trailing space or dot are escaped (Windows strips them);
 * - a name whose part before the first dot, without trailing spaces, is a reserved device name
 *   (`con`, `prn`, `aux`, `nul`, `com0`-`com9`, `lpt0`-`lpt9`, the superscript digits `¹²³`,
 *   `conin$`, `conout$`) has its first character escaped.
 *
 * So two keys that differ only in case get names that differ in more than case (`Case.txt` is
 * `%43ase.txt`, `case.txt` stays `case.txt`), no stored name contains a character SMB rejects,
 * `~` never appears (so a stored name can never be mistaken for a mangled 8.3 name), and lowercase
 * names such as content hashes are stored unchanged. An encoded name over {@link MAX_NAME_BYTES}
 * is stored under a long-name alias (see {@link longNameOf}).
 *
 * @packageDocumentation
 */

/** The longest name the backend stores, in UTF-8 bytes (ext4 under Samba; NTFS allows 255 UTF-16 units). */
export const MAX_NAME_BYTES = 255;

/** Names starting with this are the backend's own (partial uploads, long-name records, files moved aside). */
export const PRIVATE_PREFIX = '.%-';

/** Stored names of segments whose encoding is too long start with this. */
export const LONG_PREFIX = '%-long-';

/** Long-name records (holding the segment a long name stands for) start with this. */
export const RECORD_PREFIX = `${PRIVATE_PREFIX}name-`;

const FORBIDDEN = new Set(['%', '\\', '/', ':', '*', '?', '"', '<', '>', '|', '~']);
const DEVICES = new Set([
  'con', 'prn', 'aux', 'nul', 'conin$', 'conout$',
  ...['com', 'lpt'].flatMap((prefix) => [...'0123456789¹²³'].map((digit) => `${prefix}${digit}`)),
]);
const ESCAPE = /^%[0-9A-F]{2}/;

function isLiteral(codePoint: string): boolean {
  if (FORBIDDEN.has(codePoint)) return false;
  const code = codePoint.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
  return codePoint.toLowerCase() === codePoint && codePoint.toUpperCase().toLowerCase() === codePoint;
}

function escape(codePoint: string): string {
  let escaped = '';
  for (const byte of Buffer.from(codePoint, 'utf8')) escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return escaped;
}

/** Whether a stored name would address a Windows device instead of a file. */
function isDeviceName(name: string): boolean {
  const dot = name.indexOf('.');
  return DEVICES.has((dot === -1 ? name : name.slice(0, dot)).replace(/ +$/, ''));
}

/**
 * The stored name of a key segment (a non-empty, normalized segment). The result may exceed
 * {@link MAX_NAME_BYTES}; {@link storedNameOf} applies the long-name alias.
 */
export function encodeSegment(segment: string): string {
  const codePoints = [...segment];
  const last = codePoints.length - 1;
  const parts = codePoints.map((codePoint, index) => {
    const edge = (index === 0 && codePoint === ' ') || (index === last && (codePoint === ' ' || codePoint === '.'));
    return !edge && isLiteral(codePoint) ? codePoint : escape(codePoint);
  });
  const name = parts.join('');
  return isDeviceName(name) ? escape(codePoints[0]!) + parts.slice(1).join('') : name;
}

/**
 * The key segment a stored name encodes, or `undefined` when the name is not exactly what
 * {@link encodeSegment} produces for any segment (a file put on the share by other means under
 * a non-canonical name, or one of the backend's private names). Long-name aliases are resolved
 * through their records, not here.
 */
export function decodeSegment(name: string): string | undefined {
  if (name === '' || name.startsWith(PRIVATE_PREFIX) || name.startsWith(LONG_PREFIX)) return undefined;
  const bytes: number[] = [];
  let segment = '';
  const flush = (): boolean => {
    if (bytes.length === 0) return true;
    const text = Buffer.from(bytes).toString('utf8');
    if (Buffer.byteLength(text) !== bytes.length || text.includes('\ufffd')) return false;
    segment += text;
    bytes.length = 0;
    return true;
  };
  for (let at = 0; at < name.length; ) {
    if (name[at] === '%') {
      if (!ESCAPE.test(name.slice(at, at + 3))) return undefined;
      bytes.push(Number.parseInt(name.slice(at + 1, at + 3), 16));
      at += 3;
    } else {
      if (!flush()) return undefined;
      const codePoint = String.fromCodePoint(name.codePointAt(at)!);
      segment += codePoint;
      at += codePoint.length;
    }
  }
  if (!flush()) return undefined;
  return encodeSegment(segment) === name ? segment : undefined;
}

/** The hash part shared by a long-name alias and its record: 160 bits of SHA-256, lowercase hex. */
function longHash(segment: string): string {
  return createHash('sha256').update(segment, 'utf8').digest('hex').slice(0, 40);
}

/** The alias a segment is stored under when its encoding is longer than {@link MAX_NAME_BYTES}. */
export function longNameOf(segment: string): string {
  return `${LONG_PREFIX}${longHash(segment)}`;
}

/** The name of the record, in the same folder, that holds the segment a long-name alias stands for. */
export function recordNameOf(longName: string): string {
  return `${RECORD_PREFIX}${longName.slice(LONG_PREFIX.length)}`;
}

/** The stored name of a segment, and whether it is a long-name alias (which needs its record). */
export function storedNameOf(segment: string): { readonly name: string; readonly long: boolean } {
  const encoded = encodeSegment(segment);
  if (Buffer.byteLength(encoded, 'utf8') <= MAX_NAME_BYTES) return { name: encoded, long: false };
  return { name: longNameOf(segment), long: true };
}

/** Whether a stored name is a long-name alias: `%-long-` and 40 lowercase hex digits. */
export function isLongName(name: string): boolean {
  return /^%-long-[0-9a-f]{40}$/.test(name);
}

/** The share-relative form of a whole normalized key: its segments' stored names joined with `/`. */
export function encodeKey(key: string): string {
  return key === '' ? '' : key.split('/').map((segment) => storedNameOf(segment).name).join('/');
}

/** The first key segment the backends reserve (the local backend's bookkeeping folder), in any case. */
export const RESERVED_FIRST_SEGMENT = '.stowage';
