import { invalidField } from './config-fields.js';

// Unreserved characters only (RFC 3986): nginx matches locations on the decoded path and Node on
// the raw one, so a prefix must read the same both ways, and it is written into nginx's
// configuration, where these characters need no quoting.
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * A URL path prefix of the configuration (`mediaPrefix`, `internalPrefix`): `/` followed by
 * segments of unreserved characters, no `.` or `..` segment; a trailing `/` is dropped, so `/`
 * alone gives `''` (the root).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming `field`.
 */
export function urlPrefix(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 256) {
    throw invalidField(field, 'must be a URL path starting with "/"');
  }
  const trimmed = value.endsWith('/') ? value.slice(0, -1) : value;
  if (trimmed === '') return '';
  const segments = trimmed.slice(1).split('/');
  if (!segments.every((segment) => SEGMENT.test(segment) && segment !== '.' && segment !== '..')) {
    throw invalidField(field, 'must be made of segments of letters, digits, ".", "_", "~" and "-" (no "." or ".." segment)');
  }
  return trimmed;
}

/** Whether two prefixes (as {@link urlPrefix} returns them) are equal or one contains the other. */
export function prefixesOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}
