import type { Principal } from '../../policies/index.js';
import { StowageError } from '../../stowage-error.js';

/** The role CouchDB gives server administrators. */
export const COUCHDB_ADMIN_ROLE = '_admin';

/**
 * The principal of a CouchDB `GET /_session` answer, `{ ok, userCtx: { name, roles } }`, the
 * default `principalOf` of {@link forwardAuth}.
 *
 * Behavior:
 * - `userCtx.name` null (CouchDB's anonymous session) → `null`.
 * - Otherwise `{ name, groups: roles }`, plus `admin: true` when the roles hold `_admin`.
 * - Any other shape throws `STOWAGE_UNAVAILABLE`: the upstream does not speak `_session`.
 */
export function couchdbSessionPrincipal(body: unknown): Principal | null {
  const userCtx = isRecord(body) ? body['userCtx'] : undefined;
  if (!isRecord(userCtx)) throw notASession();
  const { name, roles } = userCtx;
  if (name === null) return null;
  if (typeof name !== 'string' || name === '') throw notASession();
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
    throw notASession();
  }
  const groups = Object.freeze([...((roles as string[] | undefined) ?? [])]);
  return Object.freeze({ name, groups, ...(groups.includes(COUCHDB_ADMIN_ROLE) ? { admin: true } : {}) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function notASession(): StowageError {
  return new StowageError('STOWAGE_UNAVAILABLE', 'The authentication upstream answered an unexpected session shape');
}
