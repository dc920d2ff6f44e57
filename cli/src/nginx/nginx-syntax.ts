import { isAbsolute, normalize } from 'node:path';
import { invalidField } from '../config/config-fields.js';

// Characters nginx's configuration parser would read differently from what we mean, even inside
// double quotes: `$` starts a variable in most directives (there is no escape for it), and
// control characters (newlines included) have no place in a path or URL.
const UNSAFE = /[$\u0000-\u001f\u007f]/;

/**
 * A value as one double-quoted nginx token: `\` and `"` are escaped (the parser unescapes
 * exactly these), everything else is literal, `;`, `{`, `}`, `#` and spaces included.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming `field` for an empty value, a `$` or a control character.
 */
export function nginxString(value: string, field: string): string {
  if (value === '' || UNSAFE.test(value)) {
    throw invalidField(field, 'cannot be written into an nginx configuration (empty, "$" or a control character)');
  }
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}

/**
 * An absolute directory as a quoted nginx token ending with exactly one `/` (for `alias`, whose
 * trailing slash must match the location's).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming `field` for a relative path, `/` itself, or what
 * {@link nginxString} refuses.
 */
export function nginxDirectory(path: string, field: string): string {
  if (!isAbsolute(path)) throw invalidField(field, 'must be an absolute path');
  const trimmed = normalize(path).replace(/\/+$/, '');
  if (trimmed === '') throw invalidField(field, 'must not be "/"');
  return nginxString(`${trimmed}/`, field);
}

/**
 * The `proxy_pass` target of an upstream URL: `http(s)://host[:port]` with no path, query,
 * fragment or credentials, so nginx passes the client's request URI unchanged (byte for byte).
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming `field` otherwise.
 */
export function upstreamTarget(value: string, field: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  // Only the origin, optionally followed by "/": checked on the raw text, which URL would normalize.
  const rest = value.replace(/^[a-z]+:\/\/[^/?#]*/i, '');
  const bare = rest === '' || rest === '/';
  if (
    url === undefined ||
    !/^https?:$/.test(url.protocol) ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== '' ||
    !bare ||
    !/^[A-Za-z0-9.:[\]-]+$/.test(url.host)
  ) {
    throw invalidField(field, 'must be an http(s)://host:port URL without a path, query or credentials');
  }
  return `${url.protocol}//${url.host}`;
}
