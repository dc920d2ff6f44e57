import type { AuthStrategy } from './auth-strategy.js';
import { invalidAuthConfig } from './unauthenticated.js';

/** The realm of the built-in challenges when none is configured. */
export const DEFAULT_REALM = 'stowage';

const MAX_REALM_LENGTH = 256;

/** The `WWW-Authenticate` challenges each strategy announces; strategies without one are absent. */
const challengesByStrategy = new WeakMap<AuthStrategy, readonly string[]>();

/** Records the challenges `strategy` answers a 401 with, and returns the strategy. */
export function withChallenges(strategy: AuthStrategy, challenges: readonly string[]): AuthStrategy {
  challengesByStrategy.set(strategy, Object.freeze([...challenges]));
  return strategy;
}

/**
 * The `WWW-Authenticate` value to send with a 401 for `strategies`.
 *
 * Behavior:
 * - {@link tokenAuth} on the `Authorization` header contributes `Bearer realm="<realm>"`;
 *   {@link htpasswdAuth} contributes `Basic realm="<realm>", charset="UTF-8"`; a
 *   {@link composeAuth} strategy contributes those of its members. Forward-auth, adapter
 *   principals and token auth on a custom header contribute none (no standard scheme fits).
 * - Several challenges are joined with `", "` into one field value, as RFC 9110 section 11.6.1
 *   allows; identical challenges appear once, in the order of `strategies`.
 * - Answers `undefined` when no strategy contributes a challenge; the caller then sends no
 *   `WWW-Authenticate` header.
 */
export function challengeOf(strategies: readonly AuthStrategy[]): string | undefined {
  const seen: string[] = [];
  for (const strategy of strategies) {
    for (const challenge of challengesByStrategy.get(strategy) ?? []) {
      if (!seen.includes(challenge)) seen.push(challenge);
    }
  }
  return seen.length === 0 ? undefined : seen.join(', ');
}

/** The challenges recorded for `strategy` (an empty list for none). */
export function challengesOf(strategy: AuthStrategy): readonly string[] {
  return challengesByStrategy.get(strategy) ?? [];
}

/**
 * `realm` as an RFC 9110 quoted-string (`"` and `\` escaped). Throws `STOWAGE_INVALID_CONFIG`
 * naming `field` when it is empty, longer than 256 characters, or holds a control or non-ASCII
 * character (which could split the header).
 */
export function quotedRealm(realm: unknown, field: string): string {
  if (typeof realm !== 'string' || realm.length === 0 || realm.length > MAX_REALM_LENGTH) {
    throw invalidAuthConfig(field, `must be a string of 1 to ${MAX_REALM_LENGTH} characters`);
  }
  let quoted = '"';
  for (let index = 0; index < realm.length; index += 1) {
    const code = realm.charCodeAt(index);
    if (code < 0x20 || code > 0x7e) throw invalidAuthConfig(field, 'must hold printable ASCII only');
    quoted += code === 0x22 || code === 0x5c ? `\\${realm[index] as string}` : (realm[index] as string);
  }
  return `${quoted}"`;
}
