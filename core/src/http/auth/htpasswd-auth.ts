import type { AuthStrategy } from './auth-strategy.js';
import { basicCredentialsOf } from './basic-credentials.js';
import { DEFAULT_REALM, quotedRealm, withChallenges } from './challenge.js';
import { createHtpasswdFile } from './htpasswd-file.js';
import { parseHtpasswd, type HtpasswdTable } from './htpasswd-table.js';
import { verifyPassword } from './password-hash.js';
import { invalidAuthConfig, unauthenticated } from './unauthenticated.js';

/** Where {@link htpasswdAuth} reads its users: a file (re-read when it changes) or its contents. */
export type HtpasswdSource = { readonly file: string } | { readonly contents: string };

/**
 * HTTP Basic against an htpasswd file, as Apache and the ReCodEx fileserver use it.
 *
 * Behavior:
 * - Entries: bcrypt (`$2a$`, `$2b$`, `$2y$` via bcryptjs), `{SHA}` and `$apr1$` (apache-md5);
 *   passwords are hashed as UTF-8. Comments (`#`) and blank lines are allowed.
 * - No `Authorization` header, or one of another scheme → `null`.
 * - Malformed Basic credentials, an unknown user or a wrong password → `STOWAGE_UNAUTHENTICATED`;
 *   an unknown user is checked against a dummy hash as costly as the file's costliest entry, so
 *   the answer's timing does not tell whether the user exists.
 * - The principal is `{ name: user }`.
 * - With `file`, the file is stat'ed at most once per second and re-read when its mtime changes;
 *   while a changed file is missing or invalid, requests with Basic credentials get
 *   `STOWAGE_UNAVAILABLE` (503) rather than stale or no checks.
 * - Throws `STOWAGE_INVALID_CONFIG` at creation for an unreadable file, a line in an unknown
 *   format (the message names the line number, never the hash), or a bad realm.
 *
 * Its `WWW-Authenticate` challenge is `Basic realm="<realm>", charset="UTF-8"`.
 */
export function htpasswdAuth(source: HtpasswdSource, realm: string = DEFAULT_REALM): AuthStrategy {
  const challenge = `Basic realm=${quotedRealm(realm, 'realm')}, charset="UTF-8"`;
  const current = tableSource(source);
  const strategy: AuthStrategy = async (request) => {
    const credentials = basicCredentialsOf(request);
    if (credentials === undefined) return null;
    const table = await current();
    const hash = table.users.get(credentials.user);
    const matches = await verifyPassword(credentials.password, hash ?? table.dummy);
    const principal = table.principals.get(credentials.user);
    if (hash === undefined || !matches || principal === undefined) throw unauthenticated();
    return principal;
  };
  return withChallenges(strategy, [challenge]);
}

function tableSource(source: HtpasswdSource): () => Promise<HtpasswdTable> {
  const given: unknown = source;
  if (typeof given === 'object' && given !== null) {
    const { file, contents } = given as Record<string, unknown>;
    if (typeof file === 'string' && contents === undefined) {
      const watched = createHtpasswdFile({ file });
      return () => watched.current();
    }
    if (typeof contents === 'string' && file === undefined) {
      const table = parseHtpasswd(contents, 'contents');
      return () => Promise.resolve(table);
    }
  }
  throw invalidAuthConfig('source', 'must be { file } or { contents }');
}
