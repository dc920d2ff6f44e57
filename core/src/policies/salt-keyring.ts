import { inspect, type InspectOptions } from 'node:util';
import { StowageError } from '../stowage-error.js';

/** Options of {@link createSaltKeyring}. */
export interface SaltKeyringOptions {
  /** The key id whose salt new long ids use; must be a key of `salts`. */
  readonly current: string;
  /**
   * Every salt that may have gone into a stored long id, by key id. Keep retired salts here after
   * a rotation: entries record the key id they were hashed with (`saltKeyId`), and verifying an
   * old long id needs its salt. Key ids match `[A-Za-z0-9._-]{1,64}`; salts are at least 16 bytes
   * (strings count their UTF-8 bytes and are used as UTF-8).
   */
  readonly salts: Readonly<Record<string, string | Uint8Array>>;
}

/** What a keyring shows of itself to `JSON.stringify`, `util.inspect` and `String()`. */
export interface RedactedSaltKeyring {
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
  readonly salts: '[redacted]';
}

/**
 * The secret salts of long ids, by key id, with one current salt for new ids.
 *
 * Behavior:
 * - Salts are copied in at creation and copied out on every call, so nobody can change them.
 * - The salts never leave the keyring except through {@link saltFor} and {@link current}: they
 *   live in a private field, so `Object.keys`, `JSON.stringify`, `structuredClone` and
 *   `util.inspect` (even with `showHidden`) do not see them; `toJSON()`, `String()` and
 *   `util.inspect` show `{ currentKeyId, keyIds, salts: '[redacted]' }`. No error message or
 *   context ever contains a salt.
 */
export interface SaltKeyring {
  /** The key id of the salt new long ids use. */
  readonly currentKeyId: string;
  /**
   * A copy of the salt recorded under `keyId`.
   * @throws StowageError `STOWAGE_NOT_FOUND` when no salt has that key id (the message names the
   * key id when it is well-formed and contains no salt). `TypeError` for a non-string.
   */
  saltFor(keyId: string): Uint8Array;
  /** The current key id with a copy of its salt. */
  current(): { readonly keyId: string; readonly salt: Uint8Array };
  /** Every key id, in the order of the `salts` option; frozen. */
  keyIds(): readonly string[];
  /** `{ currentKeyId, keyIds, salts: '[redacted]' }`. */
  toJSON(): RedactedSaltKeyring;
  /** A one-line description without the salts. */
  toString(): string;
}

/** The key id a single salt given as a string is recorded under. */
export const DEFAULT_SALT_KEY_ID = 'default';

/** The fewest bytes a salt may have. */
export const MIN_SALT_BYTES = 16;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Creates a {@link SaltKeyring}. A single string is one salt under the key id `"default"`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the field, never its value, when the options are not an
 * object, `salts` is empty or not an object, a key id is malformed, a salt is not a string or
 * `Uint8Array` or is shorter than 16 bytes, or `current` is not a key of `salts`.
 */
export function createSaltKeyring(options: SaltKeyringOptions | string): SaltKeyring {
  if (typeof options === 'string') {
    return new SecretSaltKeyring(DEFAULT_SALT_KEY_ID, new Map([[DEFAULT_SALT_KEY_ID, saltBytes(options, 'salt')]]));
  }
  if (typeof options !== 'object' || options === null) {
    throw invalidConfig('The salt keyring options must be an object or a salt string');
  }
  const { current, salts } = options;
  if (typeof salts !== 'object' || salts === null || Array.isArray(salts)) {
    throw invalidConfig('salts must be an object mapping key ids to salts');
  }
  const keyIds = Object.keys(salts);
  if (keyIds.length === 0) throw invalidConfig('salts must hold at least one salt');
  const bytes = new Map<string, Uint8Array>();
  keyIds.forEach((keyId, index) => {
    if (!KEY_ID.test(keyId)) throw invalidConfig(`salts: key id #${index + 1} must match [A-Za-z0-9._-]{1,64}`);
    bytes.set(keyId, saltBytes(salts[keyId], `salts.${keyId}`));
  });
  if (typeof current !== 'string' || !bytes.has(current)) {
    throw invalidConfig('current must be one of the key ids of salts');
  }
  return new SecretSaltKeyring(current, bytes);
}

class SecretSaltKeyring implements SaltKeyring {
  readonly currentKeyId: string;
  readonly #salts: ReadonlyMap<string, Uint8Array>;
  readonly #keyIds: readonly string[];

  constructor(currentKeyId: string, salts: ReadonlyMap<string, Uint8Array>) {
    this.currentKeyId = currentKeyId;
    this.#salts = salts;
    this.#keyIds = Object.freeze([...salts.keys()]);
    Object.freeze(this);
  }

  saltFor(keyId: string): Uint8Array {
    if (typeof keyId !== 'string') throw new TypeError('keyId must be a string');
    const salt = this.#salts.get(keyId);
    if (salt === undefined) {
      const named = KEY_ID.test(keyId) && !this.#containsSalt(keyId) ? ` "${keyId}"` : '';
      throw new StowageError('STOWAGE_NOT_FOUND', `No salt with key id${named}`);
    }
    return salt.slice();
  }

  current(): { readonly keyId: string; readonly salt: Uint8Array } {
    return { keyId: this.currentKeyId, salt: this.saltFor(this.currentKeyId) };
  }

  keyIds(): readonly string[] {
    return this.#keyIds;
  }

  toJSON(): RedactedSaltKeyring {
    return { currentKeyId: this.currentKeyId, keyIds: this.#keyIds, salts: '[redacted]' };
  }

  toString(): string {
    return `SaltKeyring(current: ${this.currentKeyId}, keys: ${this.#keyIds.join(', ')}, salts: [redacted])`;
  }

  [inspect.custom](_depth: number, options: InspectOptions, inspectValue: typeof inspect = inspect): string {
    return `SaltKeyring ${inspectValue(this.toJSON(), options)}`;
  }

  /** Whether `text`, as UTF-8, contains one of the salts (so an error must not echo it). */
  #containsSalt(text: string): boolean {
    const haystack = new TextEncoder().encode(text);
    for (const salt of this.#salts.values()) {
      for (let start = 0; start + salt.length <= haystack.length; start++) {
        if (salt.every((byte, index) => byte === haystack[start + index])) return true;
      }
    }
    return false;
  }
}

function saltBytes(value: unknown, field: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'string') bytes = new TextEncoder().encode(value);
  else if (value instanceof Uint8Array) bytes = new Uint8Array(value);
  else throw invalidConfig(`${field} must be a string or a Uint8Array`);
  if (bytes.length < MIN_SALT_BYTES) throw invalidConfig(`${field} must be at least ${MIN_SALT_BYTES} bytes`);
  return bytes;
}

function invalidConfig(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', message);
}
