import { MAX_PATH_BYTES, MAX_SEGMENT_BYTES } from '../path.js';

/** The name used when sanitizing leaves nothing (`""`, `/`, `.`). */
export const UNNAMED = 'unnamed';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const DRIVE = /^([A-Za-z]):/;
/** Extensions longer than this are not kept apart when a segment is shortened or deduplicated. */
const MAX_EXTENSION_BYTES = 32;

/** Replaces lone UTF-16 surrogates with U+FFFD, so the name encodes to UTF-8 and back unchanged. */
export function wellFormed(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += name[i] ?? '';
        out += name[i + 1] ?? '';
        i++;
        continue;
      }
      out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += name[i] ?? '';
    }
  }
  return out;
}

/** Splits a segment into stem and extension (`.tar.gz` counts as `.gz`; a leading dot is part of the stem). */
export function splitExtension(segment: string): { readonly stem: string; readonly extension: string } {
  const dot = segment.lastIndexOf('.');
  if (dot <= 0 || Buffer.byteLength(segment.slice(dot)) > MAX_EXTENSION_BYTES) return { stem: segment, extension: '' };
  return { stem: segment.slice(0, dot), extension: segment.slice(dot) };
}

/** The longest prefix of `text` that fits in `bytes` UTF-8 bytes, never splitting a code point. */
function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > bytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Shortens a segment to {@link MAX_SEGMENT_BYTES} UTF-8 bytes, keeping a short extension. */
export function fitSegment(segment: string, suffix = ''): string {
  const { stem, extension } = splitExtension(segment);
  const room = MAX_SEGMENT_BYTES - Buffer.byteLength(extension) - Buffer.byteLength(suffix);
  return `${truncateUtf8(stem, room)}${suffix}${extension}`;
}

/**
 * Turns any user-supplied name into a relative zip path yazl accepts, deterministically.
 *
 * The rule, applied in this order:
 * 1. Lone surrogates become U+FFFD; the name is normalized to NFC.
 * 2. NUL, C0 and C1 control characters and DEL become `_`; every `\` becomes `_` (a backslash is
 *    a character of the name, never a separator).
 * 3. The name is split at `/`; empty and `.` segments are dropped (so leading, trailing and
 *    doubled slashes vanish); a `..` segment becomes `_`.
 * 4. A drive prefix (`C:`) in the first segment becomes `C_`.
 * 5. Each segment is shortened to 255 UTF-8 bytes (keeping an extension of up to 32 bytes).
 * 6. Nothing left gives `unnamed`; a path over 1024 UTF-8 bytes keeps only its last segment.
 *
 * The result is never empty, never absolute, has no `..`, `.` or empty segment, no `\`, no
 * control character, and does not end with `/`: yazl's `validateMetadataPath` never throws on it.
 */
export function sanitizeArchiveName(name: string): string {
  const cleaned = wellFormed(String(name)).normalize('NFC').replace(CONTROL, '_').replace(/\\/g, '_');
  const segments = cleaned
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => (segment === '..' ? '_' : segment));
  const first = segments[0];
  if (first !== undefined) segments[0] = first.replace(DRIVE, '$1_');
  const fitted = segments.map((segment) => fitSegment(segment));
  if (fitted.length === 0) return UNNAMED;
  const path = fitted.join('/');
  return Buffer.byteLength(path) > MAX_PATH_BYTES ? (fitted[fitted.length - 1] as string) : path;
}

/** The `k`-th alternative of a name: `a.txt` → `a (k).txt`, `dir/README` → `dir/README (k)`. */
export function numberedName(path: string, k: number): string {
  const slash = path.lastIndexOf('/');
  const parent = path.slice(0, slash + 1);
  return `${parent}${fitSegment(path.slice(slash + 1), ` (${k})`)}`;
}

/** Every folder a path lies in: `a/b/c` → `a`, `a/b`. */
export function parentsOf(path: string): string[] {
  const parents: string[] = [];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) parents.push(path.slice(0, slash));
  return parents;
}

/**
 * Gives every path a unique name, deterministically: paths are visited in the given order; the
 * first occurrence of a name keeps it, later ones (and a file named like a folder another path
 * needs) become `name (1).ext`, `name (2).ext`, ..., the smallest number not taken by any
 * original name, any folder, or an earlier renaming.
 */
export function dedupeNames(paths: readonly string[]): string[] {
  const folders = new Set(paths.flatMap(parentsOf));
  const taken = new Set<string>([...paths, ...folders]);
  const assigned = new Set<string>();
  return paths.map((path) => {
    if (!assigned.has(path) && !folders.has(path)) {
      assigned.add(path);
      return path;
    }
    for (let k = 1; ; k++) {
      const candidate = numberedName(path, k);
      if (!taken.has(candidate)) {
        taken.add(candidate);
        assigned.add(candidate);
        return candidate;
      }
    }
  });
}

/** Ordinal (UTF-16 code unit) comparison: the documented, locale-independent order of archive entries. */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
