import { isLongId } from '../hashing/index.js';

/** Request targets longer than this (path plus query, in bytes as sent) are answered 414. */
export const MAX_REQUEST_TARGET_LENGTH = 8192;

/**
 * What a request target names under the media prefix.
 *
 * - `outside`: not under the prefix; the handler leaves the request alone.
 * - `too-long`: under the prefix but longer than {@link MAX_REQUEST_TARGET_LENGTH} (414).
 * - `invalid`: under the prefix but no media resource: `status` 400 for an encoding that cannot be
 *   decoded or a control character (NUL included), 404 for anything else.
 * - `collection`: exactly the prefix (`POST /media` uploads).
 * - `file`: `/<prefix>/<long id>/<filename>`, both decoded exactly once.
 * - `archive`: `/<prefix>/<long id>.zip`.
 */
export type MediaTarget =
  | { readonly kind: 'outside' }
  | { readonly kind: 'too-long' }
  | { readonly kind: 'invalid'; readonly status: 400 | 404 }
  | { readonly kind: 'collection' }
  | { readonly kind: 'file'; readonly id: string; readonly filename: string }
  | { readonly kind: 'archive'; readonly id: string };

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
const ARCHIVE_SEGMENT = /^([0-9a-f]{64})\.zip$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const NOT_FOUND = Object.freeze({ kind: 'invalid', status: 404 } as const);
const BAD_REQUEST = Object.freeze({ kind: 'invalid', status: 400 } as const);

/**
 * Interprets a raw request target (`req.url` as node:http gives it: origin-form, or absolute-form
 * for proxies) against a normalized prefix (`''` for the root, else `/x` without a trailing slash).
 *
 * Behavior:
 * - The prefix is matched on the raw, still-encoded path, and the rest is split on `/` before
 *   anything is decoded; each segment is then decoded exactly once, and that decoded value is
 *   what the lookup uses. Nothing is ever decoded twice, so `%252F` is the literal name `%2F`.
 * - Empty segments (`//`, a trailing `/`), `.` and `..` after decoding, a decoded `/` or `\`,
 *   a malformed long id and extra segments are 404; an invalid percent-encoding (or bytes that
 *   are not UTF-8) and control characters (NUL included) are 400. All before any I/O.
 * - The query string is ignored.
 */
export function parseMediaTarget(target: string, prefix: string): MediaTarget {
  let path = pathOf(target);
  if (!path.startsWith('/')) {
    const authority = ABSOLUTE_FORM.exec(path);
    if (authority === null) return { kind: 'outside' };
    path = path.slice(authority[0].length);
    if (!path.startsWith('/')) return { kind: 'outside' };
  }
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return { kind: 'outside' };
  if (target.length > MAX_REQUEST_TARGET_LENGTH) return { kind: 'too-long' };
  const rest = path.slice(prefix.length);
  if (rest === '' || (prefix === '' && rest === '/')) return { kind: 'collection' };
  const segments: string[] = [];
  // Split by hand: `String.prototype.split` is a runtime call, and this runs on every request.
  for (let start = 1; start <= rest.length; ) {
    const slash = rest.indexOf('/', start);
    const end = slash === -1 ? rest.length : slash;
    const decoded = decodeSegment(rest.slice(start, end));
    if (typeof decoded !== 'string') return decoded;
    segments.push(decoded);
    start = end + 1;
  }
  const [first, second] = segments;
  if (segments.length === 2 && first !== undefined && second !== undefined) {
    return isLongId(first) ? { kind: 'file', id: first, filename: second } : NOT_FOUND;
  }
  const archive = segments.length === 1 && first !== undefined ? ARCHIVE_SEGMENT.exec(first) : null;
  return archive?.[1] === undefined ? NOT_FOUND : { kind: 'archive', id: archive[1] };
}

function pathOf(target: string): string {
  const query = target.indexOf('?');
  const fragment = target.indexOf('#');
  const end = query === -1 ? fragment : fragment === -1 ? query : Math.min(query, fragment);
  return end === -1 ? target : target.slice(0, end);
}

/**
 * Printable ASCII but `%` (nothing to decode), `/` and `\`: such a segment decodes to itself, so
 * the common request skips `decodeURIComponent` and the checks of the decoded value.
 */
const PLAIN_SEGMENT = /^[\x20-\x24\x26-\x2e\x30-\x5b\x5d-\x7e]+$/;

function decodeSegment(raw: string): string | typeof NOT_FOUND | typeof BAD_REQUEST {
  if (raw === '') return NOT_FOUND;
  if (PLAIN_SEGMENT.test(raw)) return raw === '.' || raw === '..' ? NOT_FOUND : raw;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return BAD_REQUEST;
  }
  if (CONTROL.test(decoded)) return BAD_REQUEST;
  if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) return NOT_FOUND;
  return decoded;
}
