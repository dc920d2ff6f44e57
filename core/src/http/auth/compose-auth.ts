import type { Principal } from '../../policies/index.js';
import { toStowageError } from '../../stowage-error.js';
import type { AuthStrategy } from './auth-strategy.js';
import { challengesOf, withChallenges } from './challenge.js';
import { asPrincipal } from './principal-check.js';
import { invalidAuthConfig } from './unauthenticated.js';

/**
 * Tries `strategies` in order.
 *
 * Behavior:
 * - The first strategy resolving a principal wins; the later ones are not called.
 * - A strategy resolving `null` passes to the next; all `null` (or none given) → `null`, anonymous.
 * - A strategy rejecting stops the chain: credentials were present and refused (or the authority
 *   is down); a `StowageError` passes unchanged, anything else becomes `STOWAGE_INTERNAL`.
 * - Its challenges are those of its members, for {@link challengeOf}.
 * - Throws `STOWAGE_INVALID_CONFIG` at creation when `strategies` is not an array of functions.
 */
export function composeAuth(strategies: readonly AuthStrategy[]): AuthStrategy {
  const given: unknown = strategies;
  if (!Array.isArray(given) || !given.every((strategy) => typeof strategy === 'function')) {
    throw invalidAuthConfig('strategies', 'must be an array of authentication strategies');
  }
  const chain = Object.freeze([...(given as AuthStrategy[])]);
  const composed: AuthStrategy = async (request) => {
    for (const strategy of chain) {
      let principal: Principal | null;
      try {
        principal = await strategy(request);
      } catch (error) {
        throw toStowageError(error);
      }
      if (principal !== null) return principal;
    }
    return null;
  };
  return withChallenges(
    composed,
    chain.flatMap((strategy) => challengesOf(strategy)),
  );
}

/**
 * The principal an adapter already established (`req.user`, `ctx.state.user`), passed in as
 * `request.adapterPrincipal`. Answers it, or `null` when there is none or it is not a valid
 * principal (an object with a non-empty string `name`): a malformed value never grants access.
 */
export function adapterPrincipalAuth(): AuthStrategy {
  return async (request) => {
    const principal = request.adapterPrincipal;
    if (principal === undefined || principal === null) return null;
    return asPrincipal(principal) ?? null;
  };
}
