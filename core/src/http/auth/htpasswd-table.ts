import type { Principal } from '../../policies/index.js';
import { dummyHashLike, parsePasswordHash, type PasswordHash } from './password-hash.js';
import { invalidAuthConfig } from './unauthenticated.js';

/** The users of an htpasswd file, ready for checking. */
export interface HtpasswdTable {
  /** User name → password hash. */
  readonly users: ReadonlyMap<string, PasswordHash>;
  /** User name → the principal `{ name }` answered for them. */
  readonly principals: ReadonlyMap<string, Principal>;
  /** What unknown users are checked against (see {@link dummyHashLike}). */
  readonly dummy: PasswordHash;
}

/**
 * Parses htpasswd contents: one `user:hash` per line, blank lines and `#` comments allowed,
 * LF or CRLF line ends, trailing spaces after the hash ignored.
 *
 * Throws `STOWAGE_INVALID_CONFIG` naming `field` and the 1-based line number (never the hash)
 * for a line without `:`, an empty user name, a user listed twice, or a hash in a format other
 * than bcrypt (`$2a$`/`$2b$`/`$2y$`), `{SHA}` and `$apr1$` (crypt(3) DES and plain text are
 * refused).
 */
export function parseHtpasswd(contents: string, field: string): HtpasswdTable {
  const users = new Map<string, PasswordHash>();
  const principals = new Map<string, Principal>();
  const lines = contents.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const significant = line.trimStart();
    if (significant === '' || significant.startsWith('#')) return;
    const lineNumber = index + 1;
    const colon = line.indexOf(':');
    if (colon === -1) throw invalidAuthConfig(field, `line ${lineNumber} is not "user:hash"`);
    const user = line.slice(0, colon);
    if (user === '') throw invalidAuthConfig(field, `line ${lineNumber} has an empty user name`);
    if (users.has(user)) throw invalidAuthConfig(field, `line ${lineNumber} repeats a user of an earlier line`);
    const hash = parsePasswordHash(line.slice(colon + 1).trimEnd());
    if (hash === undefined) {
      throw invalidAuthConfig(
        field,
        `line ${lineNumber} uses an unsupported password hash format (accepted: bcrypt $2y$, {SHA}, $apr1$)`,
      );
    }
    users.set(user, hash);
    principals.set(user, Object.freeze({ name: user }));
  });
  return { users, principals, dummy: dummyHashLike(users.values()) };
}
