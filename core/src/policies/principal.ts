/**
 * Who is asking: the authenticated caller of a media operation. Anonymous callers are `null`
 * wherever a principal is expected, never a principal with an empty name.
 */
export interface Principal {
  /** The principal's name, compared exactly (case-sensitive) with entry lists and authors. */
  readonly name: string;
  /** The groups the principal belongs to; `group:<name>` items of entry lists match them. */
  readonly groups?: readonly string[];
  /** An administrator may read and modify every entry. @default false */
  readonly admin?: boolean;
}

/** The prefix that makes an item of `readers` or `writers` name a group instead of a principal. */
export const GROUP_PREFIX = 'group:';

/**
 * Whether `principal` is named by an item of `list` (an entry's `readers` or `writers`).
 *
 * Behavior:
 * - An item `group:<name>` matches when `principal.groups` contains `<name>` exactly; `group:`
 *   with an empty name matches nobody.
 * - Any other item matches when it equals `principal.name` exactly (case-sensitive, no
 *   normalization). A principal literally named `group:x` is therefore never matched by the item
 *   `group:x`, which always denotes the group `x`.
 * - A principal with an empty name matches nothing (an empty name is not an identity).
 */
export function principalMatches(principal: Principal, list: readonly string[]): boolean {
  const groups = principal.groups ?? [];
  for (const item of list) {
    if (item.startsWith(GROUP_PREFIX)) {
      const group = item.slice(GROUP_PREFIX.length);
      if (group !== '' && groups.includes(group)) return true;
    } else if (principal.name !== '' && item === principal.name) {
      return true;
    }
  }
  return false;
}
