import type { Principal } from '../policies/index.js';
import { challengeOf, type AuthRequest, type AuthStrategy } from './auth/index.js';

/** The challenge of a 401 when no configured strategy announces one (RFC 9110 requires one). */
export const DEFAULT_CHALLENGE = 'Bearer realm="stowage"';

/** The `WWW-Authenticate` value for `strategies`: their challenges, else {@link DEFAULT_CHALLENGE}. */
export function challengeFor(strategies: readonly AuthStrategy[]): string {
  return challengeOf(strategies) ?? DEFAULT_CHALLENGE;
}

/** What {@link authenticate} needs of a request: a profile's `RouteRequest` has it all. */
export interface CallerRequest {
  readonly method: string;
  readonly headers: AuthRequest['headers'];
  /** Read only by a strategy that asks for it (it may be created on first read). */
  readonly signal: AbortSignal;
  /** The principal the adapter already has (`req.user`), if any. */
  readonly adapterPrincipal: Principal | null | undefined;
}

/**
 * Who sent a request.
 *
 * Behavior: a non-null adapter principal (`req.user`) is used as is and no strategy runs;
 * otherwise `strategy` (the configured strategies composed with `composeAuth`) decides, `null`
 * being anonymous. A strategy's rejection (`STOWAGE_UNAUTHENTICATED` for refused credentials,
 * `STOWAGE_UNAVAILABLE` for an authority that cannot answer) propagates.
 */
export async function authenticate(strategy: AuthStrategy, request: CallerRequest): Promise<Principal | null> {
  const given = request.adapterPrincipal;
  if (given !== undefined && given !== null) return given;
  return strategy(new StrategyRequest(request, given));
}

/** What the strategies see: the signal is read from the request only if a strategy asks for it. */
class StrategyRequest implements AuthRequest {
  readonly method: string;
  readonly headers: AuthRequest['headers'];
  // `declare`: no class field, so the property is absent (not `undefined`) unless given.
  declare readonly adapterPrincipal?: null;
  readonly #request: CallerRequest;

  constructor(request: CallerRequest, given: null | undefined) {
    this.#request = request;
    this.method = request.method;
    this.headers = request.headers;
    if (given === null) this.adapterPrincipal = given;
  }

  get signal(): AbortSignal {
    return this.#request.signal;
  }
}
