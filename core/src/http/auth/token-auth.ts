import type { Principal } from '../../policies/index.js';
import type { AuthStrategy } from './auth-strategy.js';
import { DEFAULT_REALM, quotedRealm, withChallenges } from './challenge.js';
import { credentialsOfScheme, isVisibleAscii, MAX_CREDENTIAL_HEADER_LENGTH, singleHeaderValue } from './header-value.js';
import { comparisonDigest, findDigest } from './secret-compare.js';
import { invalidAuthConfig, unauthenticated } from './unauthenticated.js';
import { principalFromConfig } from './principal-check.js';

/** The shortest token {@link tokenAuth} accepts in its configuration. */
export const MIN_TOKEN_LENGTH = 16;

/** Options of {@link tokenAuth}. */
export interface TokenAuthOptions {
  /** Token → the principal it names, or just the principal's name. Tokens: 16 to 4096 visible ASCII characters. */
  readonly tokens: Readonly<Record<string, Principal | string>>;
  /**
   * The header carrying the token. Default `authorization`, with the `Bearer` scheme; any other
   * header (such as Charon's `X-Charon-API-token`) carries the bare token.
   */
  readonly header?: string;
  /** The realm of the `Bearer` challenge. @default 'stowage' */
  readonly realm?: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]{1,128}$/;

/**
 * API tokens in a header, Charon style.
 *
 * Behavior:
 * - No header, an empty one, or `Authorization` with another scheme (`Basic ...`) → `null`.
 * - `Bearer` without a token, several header values, a value over 4096 characters or with a
 *   space, control or non-ASCII character, or a token that is not configured →
 *   `STOWAGE_UNAUTHENTICATED`.
 * - The presented token is compared with every configured token through HMAC-SHA256 digests and
 *   `crypto.timingSafeEqual`: no early exit, no length oracle, whichever token matches.
 * - Throws `STOWAGE_INVALID_CONFIG` at creation for no tokens, a token shorter than 16 or longer
 *   than 4096 characters or not visible ASCII, a bad principal, header name or realm.
 */
export function tokenAuth(options: TokenAuthOptions): AuthStrategy {
  const header = headerNameOf(options.header);
  const usesBearer = header === 'authorization';
  const tokens: unknown = options.tokens;
  if (typeof tokens !== 'object' || tokens === null) throw invalidAuthConfig('tokens', 'must be an object');
  const entries = Object.entries(tokens as Record<string, unknown>);
  if (entries.length === 0) throw invalidAuthConfig('tokens', 'must name at least one token');
  const digests: Buffer[] = [];
  const principals: Principal[] = [];
  entries.forEach(([token, principal], index) => {
    if (token.length < MIN_TOKEN_LENGTH || token.length > MAX_CREDENTIAL_HEADER_LENGTH || !isVisibleAscii(token)) {
      throw invalidAuthConfig(
        `tokens[${index}]`,
        `a token must be ${MIN_TOKEN_LENGTH} to ${MAX_CREDENTIAL_HEADER_LENGTH} visible ASCII characters`,
      );
    }
    digests.push(comparisonDigest(token));
    principals.push(principalFromConfig(principal, `tokens[${index}]`));
  });
  const challenge = usesBearer ? [`Bearer realm=${quotedRealm(options.realm ?? DEFAULT_REALM, 'realm')}`] : [];

  const strategy: AuthStrategy = async (request) => {
    const value = singleHeaderValue(request, header);
    if (value === undefined) return null;
    const token = usesBearer ? credentialsOfScheme(value, 'Bearer') : value;
    if (token === undefined) return null;
    if (token === '' || token.length > MAX_CREDENTIAL_HEADER_LENGTH || !isVisibleAscii(token)) {
      throw unauthenticated();
    }
    const index = findDigest(digests, comparisonDigest(token));
    if (index === -1) throw unauthenticated();
    return principals[index] as Principal;
  };
  return withChallenges(strategy, challenge);
}

function headerNameOf(header: unknown): string {
  if (header === undefined) return 'authorization';
  if (typeof header !== 'string' || !HEADER_NAME.test(header.toLowerCase())) {
    throw invalidAuthConfig('header', 'must be an HTTP header name');
  }
  return header.toLowerCase();
}
