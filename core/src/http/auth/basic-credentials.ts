import type { AuthRequest } from './auth-strategy.js';
import { credentialsOfScheme, MAX_CREDENTIAL_HEADER_LENGTH, singleHeaderValue } from './header-value.js';
import { unauthenticated } from './unauthenticated.js';

/** The user and password of an HTTP Basic `Authorization` header. */
export interface BasicCredentials {
  readonly user: string;
  readonly password: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The HTTP Basic credentials of `request` (RFC 7617: base64 of UTF-8 `user:password`; the
 * password may contain `:`), or `undefined` when it has no `Authorization` header or one of
 * another scheme.
 *
 * Throws `STOWAGE_UNAUTHENTICATED` for `Basic` with empty, over-long (4096) or non-base64
 * credentials, bytes that are not UTF-8, no `:`, an empty user, a control character, or several
 * `Authorization` values.
 */
export function basicCredentialsOf(request: AuthRequest): BasicCredentials | undefined {
  const value = singleHeaderValue(request, 'authorization');
  if (value === undefined) return undefined;
  const encoded = credentialsOfScheme(value, 'Basic');
  if (encoded === undefined) return undefined;
  if (encoded.length > MAX_CREDENTIAL_HEADER_LENGTH || !isBase64(encoded)) throw unauthenticated();
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    throw unauthenticated();
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0 || hasControlCharacter(decoded)) throw unauthenticated();
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether `value` is non-empty base64 (RFC 4648 alphabet, padding optional but only at the end). */
function isBase64(value: string): boolean {
  if (value.length === 0 || value.length % 4 === 1) return false;
  let padding = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code === 0x3d) {
      padding += 1;
      continue;
    }
    const alphabet =
      (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2f;
    if (!alphabet || padding > 0) return false;
  }
  return padding <= 2 && (padding === 0 || value.length % 4 === 0);
}

function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
