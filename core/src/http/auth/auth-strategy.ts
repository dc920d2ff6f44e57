import type { Principal } from '../../policies/index.js';

/** A framework-neutral view of an HTTP request, as much as authentication needs of it. */
export interface AuthRequest {
  /** The request method, upper-case as node:http gives it. */
  readonly method: string;
  /** The request headers with lower-case names, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The principal an adapter already has (`req.user` in Express, `ctx.state.user` in Koa), if any. */
  readonly adapterPrincipal?: Principal | null;
  /** Aborts upstream work (forward-auth) when the client goes away. */
  readonly signal?: AbortSignal;
}

/**
 * One way of telling who sent a request.
 *
 * Behavior:
 * - Resolves the principal when the request carries valid credentials of the strategy's kind.
 * - Resolves `null` when the request carries no credentials of its kind, so the next strategy of
 *   {@link composeAuth} is tried (all `null` means anonymous).
 * - Rejects with `STOWAGE_UNAUTHENTICATED` (401) when credentials of its kind are present but
 *   wrong or malformed; `STOWAGE_UNAVAILABLE` (503) when an authority it depends on cannot answer.
 *   Never rejects with anything that would become a 500 because of what the client sent.
 */
export type AuthStrategy = (request: AuthRequest) => Promise<Principal | null>;
