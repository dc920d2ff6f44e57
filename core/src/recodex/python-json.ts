/** A JSON value made of strings and objects only: what the ReCodEx fileserver answers. */
export type FlatJson = string | ReadonlyMap<string, FlatJson> | { readonly [key: string]: FlatJson };

function escapeNonAscii(json: string): string {
  // Outside strings JSON text is ASCII, so this only touches string contents.
  return json.replace(/[\u007f-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function entriesOf(value: Exclude<FlatJson, string>): Iterable<readonly [string, FlatJson]> {
  return value instanceof Map ? value.entries() : Object.entries(value);
}

/**
 * Serializes `value` byte for byte as Python's `json.dumps` does with its defaults, which the
 * original fileserver answers with: `", "` between members, `": "` after keys, and every
 * character outside ASCII (and DEL) as a lowercase `\uXXXX` escape (`ensure_ascii`), surrogate
 * pairs as two escapes. Keys come in insertion order; a `Map` keeps keys such as `__proto__`.
 */
export function pythonJson(value: FlatJson): string {
  if (typeof value === 'string') return escapeNonAscii(JSON.stringify(value));
  const members: string[] = [];
  for (const [key, member] of entriesOf(value)) members.push(`${escapeNonAscii(JSON.stringify(key))}: ${pythonJson(member)}`);
  return `{${members.join(', ')}}`;
}
