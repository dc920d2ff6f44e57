import { createHash } from 'node:crypto';
import { StowageError } from '@stowage/core';

/** A user of the reports application: what its own authentication puts on the request. */
export interface AppUser {
  /** The user's name; Stowage records it as the author and checks it against readers and writers. */
  readonly name: string;
  /** Groups, matched by `group:<name>` items of an entry's readers and writers. */
  readonly groups?: readonly string[];
}

/** The `WWW-Authenticate` challenge of the application's own 401 answers. */
export const APP_CHALLENGE = 'Bearer realm="reports"';

const BEARER = /^Bearer +([\x21-\x7e]{16,4096})$/i;

function digestOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The application's own authentication: bearer tokens, each naming one user.
 *
 * Behavior:
 * - Tokens are kept only as SHA-256 digests and looked up by the digest of the presented token,
 *   so the lookup time says nothing about how much of a configured token a guess matched.
 * - {@link userOf} answers `undefined` for no header, another scheme, a malformed value or an
 *   unknown token: the routes decide whether a user is required.
 *
 * Errors: the constructor throws `STOWAGE_INVALID_CONFIG` for a token that is not 16 to 4096
 * visible ASCII characters or a user without a name.
 */
export class UserDirectory {
  private readonly users = new Map<string, AppUser>();

  constructor(tokens: Readonly<Record<string, AppUser>>) {
    for (const [token, user] of Object.entries(tokens)) {
      if (!/^[\x21-\x7e]{16,4096}$/.test(token)) {
        throw new StowageError('STOWAGE_INVALID_CONFIG', 'users: every token must be 16 to 4096 visible ASCII characters');
      }
      if (typeof user?.name !== 'string' || user.name === '') throw new StowageError('STOWAGE_INVALID_CONFIG', 'users: every user needs a name');
      this.users.set(digestOf(token), Object.freeze({ ...user }));
    }
  }

  /** The user an `Authorization: Bearer <token>` header names, if any. */
  userOf(authorization: string | undefined): AppUser | undefined {
    const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    return token === undefined ? undefined : this.users.get(digestOf(token));
  }
}

/** The user, or `STOWAGE_UNAUTHENTICATED` (401) when the request carries no valid token. */
export function requireUser(user: AppUser | undefined): AppUser {
  if (user === undefined) throw new StowageError('STOWAGE_UNAUTHENTICATED', 'this endpoint needs an Authorization: Bearer token');
  return user;
}
