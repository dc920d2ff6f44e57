/**
 * The policies of media operations: who may read or modify an entry, how it may be cached, and
 * the secret salts of long ids.
 *
 * @packageDocumentation
 */
export { accessError, notFoundError } from './access-error.js';
export {
  cacheDirectivesFor,
  DEFAULT_PUBLIC_MAX_AGE_SECONDS,
  type CacheDirectives,
  type CachePolicyOptions,
} from './caching.js';
export {
  ACCESS_ACTIONS,
  ACCESS_OUTCOMES,
  decideAccess,
  isAccessOutcome,
  type AccessAction,
  type AccessOutcome,
  type AccessRequest,
  type AuthorizeHook,
  type PermissionPolicy,
} from './permissions.js';
export { GROUP_PREFIX, principalMatches, type Principal } from './principal.js';
export {
  createSaltKeyring,
  DEFAULT_SALT_KEY_ID,
  MIN_SALT_BYTES,
  type RedactedSaltKeyring,
  type SaltKeyring,
  type SaltKeyringOptions,
} from './salt-keyring.js';
