import type { AuthRequest } from './auth-strategy.js';
import { unauthenticated } from './unauthenticated.js';

/** The longest credential header a strategy reads; longer ones are refused before any parsing. */
export const MAX_CREDENTIAL_HEADER_LENGTH = 4096;

/**
 * The single value of header `name` (lower-case), or `undefined` when it is absent or empty.
 *
 * Behavior:
 * - An array of one value is that value; an array of several values throws
 *   `STOWAGE_UNAUTHENTICATED` (credentials must not be ambiguous).
 * - Surrounding spaces and tabs are removed; a value that is then empty counts as absent.
 */
export function singleHeaderValue(request: AuthRequest, name: string): string | undefined {
  const raw: unknown = request.headers[name];
  let value: unknown = raw;
  if (Array.isArray(raw)) {
    if (raw.length > 1) throw unauthenticated();
    value = raw[0];
  }
  if (typeof value !== 'string') return undefined;
  const trimmed = trimWhitespace(value);
  return trimmed === '' ? undefined : trimmed;
}

/** `value` without leading and trailing spaces and tabs (HTTP's OWS), in linear time. */
export function trimWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start += 1;
  while (end > start && isOws(value.charCodeAt(end - 1))) end -= 1;
  return value.slice(start, end);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Whether every character of `value` is visible ASCII (0x21-0x7E): no space, control or non-ASCII. */
export function isVisibleAscii(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/**
 * Splits `Scheme credentials` into its scheme (compared case-insensitively) and credentials.
 * Answers `undefined` when the value does not start with `scheme` followed by a space, so a
 * strategy leaves other schemes to the next one. The credentials may be empty.
 */
export function credentialsOfScheme(value: string, scheme: string): string | undefined {
  if (value.length < scheme.length) return undefined;
  if (value.slice(0, scheme.length).toLowerCase() !== scheme.toLowerCase()) return undefined;
  if (value.length === scheme.length) return '';
  const next = value.charCodeAt(scheme.length);
  if (next !== 0x20 && next !== 0x09) return undefined;
  return trimWhitespace(value.slice(scheme.length));
}
