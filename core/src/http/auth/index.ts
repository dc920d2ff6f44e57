/**
 * Authentication strategies of the HTTP layer: API tokens, htpasswd Basic, forward-auth and the
 * adapter's principal, composable, with the `WWW-Authenticate` challenge they answer a 401 with.
 *
 * @packageDocumentation
 */
export type { AuthRequest, AuthStrategy } from './auth-strategy.js';
export { challengeOf, DEFAULT_REALM } from './challenge.js';
export { adapterPrincipalAuth, composeAuth } from './compose-auth.js';
export { COUCHDB_ADMIN_ROLE, couchdbSessionPrincipal } from './couchdb-session.js';
export { DEFAULT_FORWARD_AUTH_TIMEOUT_MS, forwardAuth, type ForwardAuthOptions } from './forward-auth.js';
export { htpasswdAuth, type HtpasswdSource } from './htpasswd-auth.js';
export { MIN_TOKEN_LENGTH, tokenAuth, type TokenAuthOptions } from './token-auth.js';
