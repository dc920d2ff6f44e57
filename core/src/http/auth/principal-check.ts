import type { Principal } from '../../policies/index.js';
import { invalidAuthConfig } from './unauthenticated.js';

/**
 * A frozen copy of `value` when it is a principal (an object with a non-empty string `name`,
 * optional string `groups`, optional boolean `admin`), or `undefined`.
 */
export function asPrincipal(value: unknown): Principal | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, groups, admin } = value as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') return undefined;
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((group) => typeof group === 'string'))) {
    return undefined;
  }
  if (admin !== undefined && typeof admin !== 'boolean') return undefined;
  return Object.freeze({
    name,
    ...(groups === undefined ? {} : { groups: Object.freeze([...(groups as string[])]) }),
    ...(admin === undefined ? {} : { admin }),
  });
}

/**
 * The principal named by a configuration value: a principal, or a non-empty string naming one.
 * Throws `STOWAGE_INVALID_CONFIG` naming `field` otherwise.
 */
export function principalFromConfig(value: unknown, field: string): Principal {
  const principal = typeof value === 'string' ? asPrincipal({ name: value }) : asPrincipal(value);
  if (principal === undefined) throw invalidAuthConfig(field, 'must be a principal or a non-empty name');
  return principal;
}
