import contentDisposition from 'content-disposition';
import type { CatalogEntry } from '../catalog/entry.js';
import type { CacheDirectives } from '../policies/index.js';

/** The sandbox policy sent with every type a browser could run as active content. */
export const SANDBOX_CSP = "sandbox; default-src 'none'";

/**
 * Types shown `inline`: they cannot run script in the application's origin. Everything else
 * (HTML, SVG, XML, XHTML, JavaScript, and any type not listed, including unknown ones) is
 * `attachment` with {@link SANDBOX_CSP}.
 */
const INLINE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/apng',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/json',
]);

/** Inline types that still get the sandbox CSP: text a browser renders itself (harmless for them). */
const SANDBOXED_INLINE: ReadonlySet<string> = new Set(['text/plain', 'text/csv', 'application/json']);

const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,127}\/[A-Za-z0-9!#$&^_.+-]{1,127}(?:\s*;\s*[A-Za-z0-9!#$&^_.+-]+=(?:[A-Za-z0-9!#$&^_.+-]+|"[^"\\\u0000-\u001f\u007f]*"))*$/;

/**
 * The `Content-Type` to send for a stored media type.
 *
 * Behavior: a value that is not a syntactically valid media type (or longer than 256 characters)
 * becomes `application/octet-stream`; `text/*` without a `charset` parameter gets
 * `; charset=utf-8`.
 */
export function servedContentType(stored: string): string {
  if (typeof stored !== 'string' || stored.length > MAX_MEDIA_TYPE_LENGTH || !MEDIA_TYPE.test(stored)) return 'application/octet-stream';
  const essence = essenceOf(stored);
  if (essence.startsWith('text/') && !/;\s*charset=/i.test(stored)) return `${stored}; charset=utf-8`;
  return stored;
}

/** The lower-case `type/subtype` of a media type, without parameters. */
export function essenceOf(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

/** Whether a type is served `inline`; all others are `attachment` with {@link SANDBOX_CSP}. */
export function isInlineType(essence: string): boolean {
  return INLINE_TYPES.has(essence) || essence.startsWith('audio/') || essence.startsWith('video/');
}

/**
 * The ASCII fallback of a filename for `filename="..."`: every character outside printable
 * ASCII, and `"`, `\`, `%`, is replaced by `_`, so the quoted string needs no escapes and a
 * client cannot mistake it for an encoded value; the exact name travels in `filename*`.
 */
export function asciiFallback(filename: string): string {
  let fallback = '';
  for (const character of filename) {
    const code = character.codePointAt(0) as number;
    fallback += code < 0x20 || code > 0x7e || character === '"' || character === '\\' || character === '%' ? '_' : character;
  }
  return fallback;
}

/**
 * Exactly one `Content-Disposition` value, built with the `content-disposition` package:
 * `inline` or `attachment`, `filename="<ASCII fallback>"`, plus `filename*=UTF-8''<percent
 * encoded>` whenever the fallback differs from the name.
 */
export function dispositionOf(filename: string, inline: boolean): string {
  const key = `${inline ? 'i' : 'a'}${filename}`;
  let value = DISPOSITIONS.get(key);
  if (value === undefined) {
    // The package keeps only the part after the last `/` or `\`: stored names hold neither, but a
    // name that did would lose its head rather than produce a wrong header.
    value = contentDisposition(filename, { type: inline ? 'inline' : 'attachment', fallback: asciiFallback(filename) });
    if (DISPOSITIONS.size >= MAX_REMEMBERED_DISPOSITIONS) DISPOSITIONS.clear();
    DISPOSITIONS.set(key, value);
  }
  return value;
}

/** Dispositions already built, by type and name: every download of a hot file asks again. */
const DISPOSITIONS = new Map<string, string>();
const MAX_REMEMBERED_DISPOSITIONS = 4096;

/**
 * The headers of a readable entry (its representation and validators), shared by 200, 206 and,
 * for the validator subset, 304 answers: a new object the caller may add to.
 */
export function entryHeaders(entry: CatalogEntry, cache: CacheDirectives): Record<string, string> {
  const { contentType, inline, sandboxed } = presentationOf(entry.contentType);
  // One literal, no spread of the validators: built on every download.
  const headers: Record<string, string> = {
    'content-type': contentType,
    'content-disposition': dispositionOf(entry.filename, inline),
    etag: cache.etag,
    'last-modified': httpDate(cache.lastModified),
    'cache-control': cache.cacheControl,
    'x-content-type-options': 'nosniff',
    'accept-ranges': 'bytes',
  };
  if (sandboxed) headers['content-security-policy'] = SANDBOX_CSP;
  return headers;
}

/** How a stored media type is served: the `Content-Type` sent, `inline` or not, and whether the sandbox CSP goes with it. */
interface Presentation {
  readonly contentType: string;
  readonly inline: boolean;
  readonly sandboxed: boolean;
}

/** Presentations already worked out, by stored type: a store holds few distinct types, asked on every download. */
const PRESENTATIONS = new Map<string, Presentation>();
const MAX_REMEMBERED_PRESENTATIONS = 1024;
const MAX_MEDIA_TYPE_LENGTH = 256;
const OPAQUE: Presentation = Object.freeze({ contentType: 'application/octet-stream', inline: false, sandboxed: true });

function presentationOf(stored: string): Presentation {
  // Longer values (and non-strings) are never a valid type, served as application/octet-stream: not kept.
  if (typeof stored !== 'string' || stored.length > MAX_MEDIA_TYPE_LENGTH) return OPAQUE;
  let presentation = PRESENTATIONS.get(stored);
  if (presentation === undefined) {
    const contentType = servedContentType(stored);
    const essence = essenceOf(contentType);
    const inline = isInlineType(essence);
    presentation = Object.freeze({ contentType, inline, sandboxed: !inline || SANDBOXED_INLINE.has(essence) });
    if (PRESENTATIONS.size >= MAX_REMEMBERED_PRESENTATIONS) PRESENTATIONS.clear();
    PRESENTATIONS.set(stored, presentation);
  }
  return presentation;
}

/** The IMF-fixdate of an instant; the last one is remembered (a hot entry asks again and again). */
function httpDate(instant: Date): string {
  const time = instant.getTime();
  if (time !== lastDate.time) lastDate = { time, text: instant.toUTCString() };
  return lastDate.text;
}

let lastDate = { time: Number.NaN, text: '' };

/** `ETag`, `Last-Modified`, `Cache-Control` and `nosniff`: what a 304 repeats of the 200. */
export function validatorHeaders(cache: CacheDirectives): Record<string, string> {
  return {
    etag: cache.etag,
    'last-modified': httpDate(cache.lastModified),
    'cache-control': cache.cacheControl,
    'x-content-type-options': 'nosniff',
  };
}
