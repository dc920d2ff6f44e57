import * as crypto from 'node:crypto';

const TWO_TO_THE_21 = 2 ** 21;
const TWO_TO_THE_53 = 2 ** 53;

/** SHA-256 of the UTF-8 bytes of `input`, in hex, with a hash object (every Node 20). */
export function sha256HexStreaming(input: string): string {
  return crypto.createHash('sha256').update(input, 'utf8').digest('hex');
}

/**
 * SHA-256 in hex, with the one-shot `crypto.hash` where Node has it (20.12 and later; about three
 * times faster for short keys, see the README), else {@link sha256HexStreaming}. Same output.
 * Read through the namespace: a named import would fail to link on older Node 20 releases.
 */
const sha256Hex: (input: string) => string =
  typeof crypto.hash === 'function' ? (input) => crypto.hash('sha256', input, 'hex') : sha256HexStreaming;

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
  const hex = sha256Hex(`${shardName}\0${key}`);
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

interface Scored<S> {
  readonly shard: S;
  readonly score: number;
  readonly fallback: number;
}

function scoreShards<S extends RankedShard>(shards: readonly S[], key: string, weightOf: (shard: S) => number): Scored<S>[] {
  return shards.map((shard) => {
    const hash = rendezvousHash(shard.name, key);
    return { shard, score: rendezvousScore(weightOf(shard), hash), fallback: rendezvousScore(shard.weight, hash) };
  });
}

/** Best first: by score, then by the static score, then by name. */
function compareScored<S extends RankedShard>(a: Scored<S>, b: Scored<S>): number {
  return b.score - a.score || b.fallback - a.fallback || (a.shard.name < b.shard.name ? -1 : 1);
}

const staticWeight = (shard: RankedShard): number => shard.weight;

/**
 * Orders `shards` for `key`, best first: by the score of `weightOf(shard)`, then by the score of
 * the static weight (so shards weighted 0, such as full ones, keep a deterministic order among
 * themselves), then by name. The same inputs always give the same order.
 */
export function rankShards<S extends RankedShard>(
  shards: readonly S[],
  key: string,
  weightOf: (shard: S) => number = staticWeight,
): S[] {
  return scoreShards(shards, key, weightOf)
    .sort(compareScored)
    .map((entry) => entry.shard);
}

/** The first of {@link rankShards} in one pass, without sorting; `undefined` for no shards. */
export function bestShard<S extends RankedShard>(
  shards: readonly S[],
  key: string,
  weightOf: (shard: S) => number = staticWeight,
): S | undefined {
  let best: Scored<S> | undefined;
  for (const entry of scoreShards(shards, key, weightOf)) {
    if (best === undefined || compareScored(entry, best) < 0) best = entry;
  }
  return best?.shard;
}
