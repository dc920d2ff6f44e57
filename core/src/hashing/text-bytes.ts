import { StowageError } from '../stowage-error.js';

/**
 * Whether `value` holds a lone UTF-16 surrogate. UTF-8 cannot encode one: `TextEncoder` and
 * `Buffer` silently write U+FFFD instead, so two different strings would hash alike.
 */
function hasLoneSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}

/**
 * The UTF-8 bytes of a string that goes into the long id, exactly as given (no normalization).
 *
 * Behavior:
 * - A non-string is a programmer error (`TypeError`).
 * - A string with a lone surrogate is `STOWAGE_INVALID_ARGUMENT` naming `name`: it has no UTF-8
 *   form, and the replacement character would make distinct inputs collide.
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`
 */
export function utf8Of(value: string, name: string): Buffer {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  if (hasLoneSurrogate(value)) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', `${name} is not well-formed Unicode (lone surrogate)`);
  }
  return Buffer.from(value, 'utf8');
}

/**
 * The bytes of a salt: a `Uint8Array` as is (not copied), a string as UTF-8 (see {@link utf8Of}).
 * Anything else is a `TypeError`.
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`
 */
export function saltBytesOf(salt: Uint8Array | string): Uint8Array {
  if (salt instanceof Uint8Array) return salt;
  if (typeof salt === 'string') return utf8Of(salt, 'salt');
  throw new TypeError('salt must be a Uint8Array or a string');
}

/** Throws a `TypeError` unless `chunk` is a `Uint8Array` (a `Buffer` is one). */
export function assertChunk(chunk: unknown): asserts chunk is Uint8Array {
  if (!(chunk instanceof Uint8Array)) throw new TypeError('A chunk must be a Uint8Array');
}
