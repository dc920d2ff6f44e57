import { createHash, timingSafeEqual } from 'node:crypto';
import apacheMd5 from 'apache-md5';
import bcrypt from 'bcryptjs';
import { secretsEqual } from './secret-compare.js';

/** A password hash of an htpasswd entry, in one of the formats Apache generates and we accept. */
export type PasswordHash =
  | { readonly kind: 'bcrypt'; readonly hash: string; readonly cost: number }
  | { readonly kind: 'sha1'; readonly digest: Buffer }
  | { readonly kind: 'apr1'; readonly hash: string };

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const APR1 = /^\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$/;
const SHA1 = /^\{SHA\}[A-Za-z0-9+/]{27}=$/;
const MIN_BCRYPT_COST = 4;
const MAX_BCRYPT_COST = 31;

/**
 * The {@link PasswordHash} of an htpasswd hash field, or `undefined` for any other format
 * (crypt(3) DES, MD5-crypt `$1$`, SHA-2 crypt, plain text, a bcrypt cost outside 4-31).
 * `$2y$` (Apache's name for bcrypt) is read as `$2b$`.
 */
export function parsePasswordHash(field: string): PasswordHash | undefined {
  if (field.length > 128) return undefined;
  const bcryptMatch = BCRYPT.exec(field);
  if (bcryptMatch !== null) {
    const cost = Number(bcryptMatch[1]);
    if (cost < MIN_BCRYPT_COST || cost > MAX_BCRYPT_COST) return undefined;
    return { kind: 'bcrypt', hash: `$2b$${field.slice(4)}`, cost };
  }
  if (APR1.test(field)) return { kind: 'apr1', hash: field };
  if (SHA1.test(field)) return { kind: 'sha1', digest: Buffer.from(field.slice(5), 'base64') };
  return undefined;
}

/**
 * A hash no password matches in practice, costing as much to check as the most expensive
 * entry of `hashes` (the highest bcrypt cost, else apr1, else SHA-1): unknown users are checked
 * against it, so the time of an answer does not tell whether the user exists.
 */
export function dummyHashLike(hashes: Iterable<PasswordHash>): PasswordHash {
  let bcryptCost = 0;
  let apr1 = false;
  for (const hash of hashes) {
    if (hash.kind === 'bcrypt') bcryptCost = Math.max(bcryptCost, hash.cost);
    if (hash.kind === 'apr1') apr1 = true;
  }
  if (bcryptCost > 0) {
    const cost = String(bcryptCost).padStart(2, '0');
    return { kind: 'bcrypt', hash: `$2b$${cost}$stowageDummySaltValue.dummyHashNeverMatchedByAnyPass.`, cost: bcryptCost };
  }
  if (apr1) return { kind: 'apr1', hash: '$apr1$stowage.$dummyHashNeverMatched0' };
  return { kind: 'sha1', digest: Buffer.alloc(20) };
}

/**
 * Whether `password` (as UTF-8 bytes, like Apache's `htpasswd`) matches `hash`.
 * Comparisons are constant-time; never throws.
 */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  switch (hash.kind) {
    case 'bcrypt':
      try {
        return await bcrypt.compare(password, hash.hash);
      } catch {
        return false;
      }
    case 'sha1':
      return timingSafeEqual(createHash('sha1').update(password, 'utf8').digest(), hash.digest);
    case 'apr1': {
      const utf8AsBytes = Buffer.from(password, 'utf8').toString('latin1');
      return secretsEqual(apacheMd5(utf8AsBytes, hash.hash), hash.hash);
    }
  }
}
