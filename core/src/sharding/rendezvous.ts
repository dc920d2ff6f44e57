import { createHash } from 'node:crypto';

const TWO_TO_THE_21 = 2 ** 21;
const TWO_TO_THE_53 = 2 ** 53;

/**
 * The rendezvous hash of a key on a shard, as a number uniform in the open interval (0, 1).
 *
 * It is the first 8 bytes (big-endian) of SHA-256 over the UTF-8 bytes of
 * `` `${shardName}\0${key}` ``, of which the top 53 bits (a double's precision) become
 * `(bits + 0.5) / 2^53`. The definition is fixed: changing it would move every stored key, and it
 * is easy to reproduce outside Node (a migration script, a config generator). A key with a lone
 * surrogate hashes as if it held U+FFFD there (UTF-8 encoding); normalized paths have none.
 */
export function rendezvousHash(shardName: string, key: string): number {
  const hex = createHash('sha256').update(`${shardName}\0${key}`, 'utf8').digest('hex');
  const high = Number.parseInt(hex.slice(0, 8), 16);
  const low = Number.parseInt(hex.slice(8, 16), 16);
  return (high * TWO_TO_THE_21 + (low >>> 11) + 0.5) / TWO_TO_THE_53;
}

/**
 * The weighted rendezvous score `-weight / ln(h)`: with `h` uniform in (0, 1), the shard with the
 * highest score wins a key with probability `weight / sum(weights)` (the logarithmic method of
 * weighted highest-random-weight hashing). A weight of 0 scores 0, below every positive weight.
 */
export function rendezvousScore(weight: number, hash: number): number {
  return weight > 0 ? -weight / Math.log(hash) : 0;
}

/** A shard as ranking sees it. */
export interface RankedShard {
  readonly name: string;
  /** The static weight: breaks ties between equal scores (shards whose weight is 0). */
  readonly weight: number;
}

/**
 * Orders `shards` for `key`, best first: by the score of `weightOf(shard)`, then by the score of
 * the static weight (so shards weighted 0, such as full ones, keep a deterministic order among
 * themselves), then by name. The same inputs always give the same order.
 */
export function rankShards<S extends RankedShard>(
  shards: readonly S[],
  key: string,
  weightOf: (shard: S) => number = (shard) => shard.weight,
): S[] {
  const scored = shards.map((shard) => {
    const hash = rendezvousHash(shard.name, key);
    return { shard, score: rendezvousScore(weightOf(shard), hash), fallback: rendezvousScore(shard.weight, hash) };
  });
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.fallback - a.fallback ||
      (a.shard.name < b.shard.name ? -1 : 1),
  );
  return scored.map((entry) => entry.shard);
}
