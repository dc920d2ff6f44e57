import type { EntryAccess } from '../catalog/entry.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import { principalMatches, type Principal } from './principal.js';

export type { Principal } from './principal.js';

/** What a caller wants to do with an entry: read it, or replace, remove or re-permission it. */
export type AccessAction = 'read' | 'modify';

/**
 * The decision on one request:
 * - `allow`: go ahead;
 * - `unauthenticated`: the caller is anonymous and must authenticate (401);
 * - `forbidden`: the caller is known and may not (403);
 * - `hidden`: answer exactly as for a missing entry (404), so the caller learns nothing.
 */
export type AccessOutcome = 'allow' | 'unauthenticated' | 'forbidden' | 'hidden';

/** Every {@link AccessOutcome}, in a fixed order. */
export const ACCESS_OUTCOMES: readonly AccessOutcome[] = Object.freeze(['allow', 'unauthenticated', 'forbidden', 'hidden']);

/** Every {@link AccessAction}, in a fixed order. */
export const ACCESS_ACTIONS: readonly AccessAction[] = Object.freeze(['read', 'modify']);

/** One question to {@link decideAccess}. */
export interface AccessRequest {
  /** Who is asking; `null` is anonymous. */
  readonly principal: Principal | null;
  readonly action: AccessAction;
  /** The entry's permissions and its author (`""` for an anonymous upload, which nobody owns). */
  readonly entry: EntryAccess & { readonly author: string };
}

/**
 * Overrides the built-in decision: returns an outcome, or `undefined` to keep `defaultOutcome`.
 * May be async. It runs for every request, admins included, so it can also restrict them.
 * A `StowageError` it throws propagates unchanged; any other failure becomes `STOWAGE_INTERNAL`
 * with the original as `cause`.
 */
export type AuthorizeHook = (
  request: AccessRequest,
  defaultOutcome: AccessOutcome,
) => AccessOutcome | undefined | Promise<AccessOutcome | undefined>;

/** How {@link decideAccess} decides. */
export interface PermissionPolicy {
  /**
   * Answer `hidden` (404) instead of `forbidden` (403) when the caller may not even read a private
   * entry, so its existence is not revealed. Public entries are never hidden: anyone can read
   * them, so their existence is known anyway.
   * @default false
   */
  readonly hideExistence?: boolean;
  /** Runs after the built-in decision and may override it. */
  readonly authorize?: AuthorizeHook;
}

/**
 * Decides whether `request.principal` may perform `request.action` on `request.entry`.
 *
 * A principal *may modify* an entry when it is the author or is matched by `writers`; it *may
 * read* it when it may modify it or is matched by `readers` (see {@link principalMatches} for
 * names and `group:<name>` items). The built-in decision, first matching row wins:
 *
 * | caller            | action   | visibility | may read | may modify | outcome                                     |
 * |-------------------|----------|------------|----------|------------|---------------------------------------------|
 * | admin             | any      | any        |          |            | `allow`                                     |
 * | anyone, anonymous | `read`   | public     |          |            | `allow`                                     |
 * | anonymous         | `read`   | private    |          |            | `unauthenticated`                           |
 * | principal         | `read`   | private    | yes      |            | `allow`                                     |
 * | principal         | `read`   | private    | no       |            | `hidden` if `hideExistence`, else `forbidden` |
 * | anonymous         | `modify` | any        |          |            | `unauthenticated`                           |
 * | principal         | `modify` | any        |          | yes        | `allow`                                     |
 * | principal         | `modify` | public     |          | no         | `forbidden`                                 |
 * | principal         | `modify` | private    | yes      | no         | `forbidden` (it knows the entry exists)     |
 * | principal         | `modify` | private    | no       | no         | `hidden` if `hideExistence`, else `forbidden` |
 *
 * Then `policy.authorize`, when given, sees the request and that outcome and may replace it.
 * Exactly one of the four outcomes is always the result.
 *
 * Errors (as rejections):
 * - `STOWAGE_INTERNAL` when the hook returns a value that is not an outcome or `undefined`, or
 *   throws something that is not a `StowageError` (the original is the `cause`); a
 *   `StowageError` thrown by the hook propagates unchanged.
 * - `STOWAGE_INVALID_CONFIG` when `policy.hideExistence` is not a boolean or `policy.authorize`
 *   is not a function.
 * - `TypeError` for a malformed request (an unknown action or visibility, a principal without a
 *   non-empty name, lists that are not arrays of strings): a programmer mistake.
 */
export async function decideAccess(request: AccessRequest, policy: PermissionPolicy = {}): Promise<AccessOutcome> {
  checkPolicy(policy);
  checkRequest(request);
  const defaultOutcome = builtInOutcome(request, policy.hideExistence === true);
  if (policy.authorize === undefined) return defaultOutcome;
  let override: unknown;
  try {
    override = await policy.authorize(request, defaultOutcome);
  } catch (error) {
    if (isStowageError(error)) throw error;
    throw new StowageError('STOWAGE_INTERNAL', 'The authorize hook failed', { cause: error });
  }
  if (override === undefined) return defaultOutcome;
  if (isAccessOutcome(override)) return override;
  throw new StowageError('STOWAGE_INTERNAL', 'The authorize hook returned a value that is not an access outcome');
}

/** Whether `value` is one of the four {@link AccessOutcome}s. */
export function isAccessOutcome(value: unknown): value is AccessOutcome {
  return typeof value === 'string' && (ACCESS_OUTCOMES as readonly string[]).includes(value);
}

function builtInOutcome(request: AccessRequest, hideExistence: boolean): AccessOutcome {
  const { principal, action, entry } = request;
  if (principal?.admin === true) return 'allow';
  if (action === 'read' && entry.visibility === 'public') return 'allow';
  if (principal === null) return 'unauthenticated';
  const mayModify = principal.name === entry.author || principalMatches(principal, entry.writers);
  const mayRead = mayModify || principalMatches(principal, entry.readers);
  if (action === 'read') {
    if (mayRead) return 'allow';
  } else {
    if (mayModify) return 'allow';
    if (entry.visibility === 'public' || mayRead) return 'forbidden';
  }
  return hideExistence ? 'hidden' : 'forbidden';
}

function checkPolicy(policy: PermissionPolicy): void {
  if (typeof policy !== 'object' || policy === null) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'The permission policy must be an object');
  }
  if (policy.hideExistence !== undefined && typeof policy.hideExistence !== 'boolean') {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'hideExistence must be a boolean');
  }
  if (policy.authorize !== undefined && typeof policy.authorize !== 'function') {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'authorize must be a function');
  }
}

function checkRequest(request: AccessRequest): void {
  if (typeof request !== 'object' || request === null) throw new TypeError('The access request must be an object');
  if (!(ACCESS_ACTIONS as readonly string[]).includes(request.action)) throw new TypeError('Unknown access action');
  const { principal, entry } = request;
  if (principal !== null) {
    if (typeof principal !== 'object' || typeof principal.name !== 'string' || principal.name === '') {
      throw new TypeError('A principal needs a non-empty name (use null for anonymous)');
    }
    if (principal.groups !== undefined && !isStringArray(principal.groups)) {
      throw new TypeError('principal.groups must be an array of strings');
    }
    if (principal.admin !== undefined && typeof principal.admin !== 'boolean') {
      throw new TypeError('principal.admin must be a boolean');
    }
  }
  if (typeof entry !== 'object' || entry === null) throw new TypeError('The access request needs an entry');
  if (entry.visibility !== 'public' && entry.visibility !== 'private') throw new TypeError('Unknown visibility');
  if (!isStringArray(entry.readers) || !isStringArray(entry.writers)) {
    throw new TypeError('entry.readers and entry.writers must be arrays of strings');
  }
  if (typeof entry.author !== 'string') throw new TypeError('entry.author must be a string');
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
