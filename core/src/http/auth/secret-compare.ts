import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The per-process key of the comparison digests; never leaves this module. */
const COMPARISON_KEY = randomBytes(32);

/**
 * The HMAC-SHA256 digest of `value` under a per-process random key: 32 bytes whatever the length
 * of `value`, so comparing digests reveals neither the length nor a common prefix of the secret.
 */
export function comparisonDigest(value: string | Uint8Array): Buffer {
  return createHmac('sha256', COMPARISON_KEY).update(value).digest();
}

/**
 * Whether two secrets are equal, in time that depends on neither: both are reduced to
 * {@link comparisonDigest}s of equal length and compared with `crypto.timingSafeEqual`.
 */
export function secretsEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(comparisonDigest(a), comparisonDigest(b));
}

/**
 * The index of the digest in `known` equal to `candidate`, or -1. Every digest is compared (no
 * early exit), so the time does not tell at which position, or whether, a match was found.
 */
export function findDigest(known: readonly Buffer[], candidate: Buffer): number {
  let found = -1;
  for (let index = 0; index < known.length; index += 1) {
    const equal = timingSafeEqual(known[index] as Buffer, candidate);
    found = equal && found === -1 ? index : found;
  }
  return found;
}
