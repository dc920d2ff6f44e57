import { invalidField, objectAt, optionalBoolean, optionalPath, optionalPositiveNumber, optionalString } from './config-fields.js';
import { prefixesOverlap, urlPrefix } from './url-prefix.js';

/** How one shard's bytes reach clients (see `DeliveryMode` in `@stowage/core`). */
export type DeliveryConfig =
  | { readonly mode: 'stream' }
  | { readonly mode: 'x-accel'; readonly internalPrefix: string }
  | { readonly mode: 'x-sendfile' };

/** One storage root of the configuration: a local directory the sharding router places blobs on. */
export interface ShardConfig {
  /** Recorded in every entry stored on the shard; `default` for the single-root form. */
  readonly name: string;
  /** Absolute; `undefined` only in the single-root form without `root`: `<dataDir>/blobs`. */
  readonly root: string | undefined;
  readonly weight: number | undefined;
  readonly active: boolean | undefined;
  readonly delivery: DeliveryConfig;
}

/** Where blobs go: one root (`single`, named `default`) or several named shards. */
export interface StorageConfig {
  readonly single: boolean;
  readonly shards: readonly ShardConfig[];
}

const SHARD_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const STREAM: DeliveryConfig = Object.freeze({ mode: 'stream' });

/** Reads a `delivery` object: `{ "mode": "stream" | "x-sendfile" }` or `{ "mode": "x-accel", "internalPrefix": "/_x" }`. */
export function parseDelivery(value: unknown, field: string): DeliveryConfig {
  if (value === undefined) return STREAM;
  const object = objectAt(value, field, ['mode', 'internalPrefix']);
  const mode = object['mode'];
  if (mode === 'x-accel') {
    const internalPrefix = urlPrefix(object['internalPrefix'], `${field}.internalPrefix`);
    if (internalPrefix === '') throw invalidField(`${field}.internalPrefix`, 'must not be "/"');
    return Object.freeze({ mode, internalPrefix });
  }
  if (mode !== 'stream' && mode !== 'x-sendfile') throw invalidField(`${field}.mode`, 'must be "stream", "x-accel" or "x-sendfile"');
  if (object['internalPrefix'] !== undefined) throw invalidField(`${field}.internalPrefix`, 'is only for the "x-accel" mode');
  return Object.freeze({ mode });
}

function parseShard(value: unknown, field: string, base: string): ShardConfig {
  const object = objectAt(value, field, ['name', 'root', 'weight', 'active', 'delivery']);
  const name = optionalString(object['name'], `${field}.name`);
  if (name === undefined || !SHARD_NAME.test(name)) throw invalidField(`${field}.name`, 'must be 1 to 64 letters, digits, ".", "_" or "-"');
  const root = optionalPath(object['root'], `${field}.root`, base);
  if (root === undefined) throw invalidField(`${field}.root`, 'is required');
  return Object.freeze({
    name,
    root,
    weight: optionalPositiveNumber(object['weight'], `${field}.weight`),
    active: optionalBoolean(object['active'], `${field}.active`),
    delivery: parseDelivery(object['delivery'], `${field}.delivery`),
  });
}

/**
 * Reads the storage fields of the configuration object: `root` and `delivery` (one root, named
 * `default`), or `shards` (an array of `{ name, root, weight?, active?, delivery? }`), never both.
 * Relative roots resolve against `base`.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the field: both forms, an empty `shards`, a bad or
 * repeated shard name, a root used twice, an x-accel internal prefix repeated, nested in another
 * or overlapping the media prefix.
 */
export function parseStorage(config: Readonly<Record<string, unknown>>, mediaPrefix: string, base: string): StorageConfig {
  let storage: StorageConfig;
  if (config['shards'] === undefined) {
    const root = optionalPath(config['root'], 'config.root', base);
    const delivery = parseDelivery(config['delivery'], 'config.delivery');
    storage = { single: true, shards: [Object.freeze({ name: 'default', root, weight: undefined, active: undefined, delivery })] };
  } else {
    if (config['root'] !== undefined || config['delivery'] !== undefined) {
      throw invalidField('config.shards', 'cannot be combined with config.root or config.delivery (give each shard its own)');
    }
    const list = config['shards'];
    if (!Array.isArray(list) || list.length === 0) throw invalidField('config.shards', 'must be a non-empty array');
    storage = { single: false, shards: list.map((shard, index) => parseShard(shard, `config.shards[${index}]`, base)) };
  }
  checkDistinct(storage, mediaPrefix);
  return Object.freeze({ single: storage.single, shards: Object.freeze([...storage.shards]) });
}

function checkDistinct(storage: StorageConfig, mediaPrefix: string): void {
  const field = (index: number): string => (storage.single ? 'config' : `config.shards[${index}]`);
  storage.shards.forEach((shard, index) => {
    const earlier = storage.shards.slice(0, index);
    if (earlier.some((other) => other.name === shard.name)) throw invalidField(`${field(index)}.name`, 'is used by another shard');
    if (shard.root !== undefined && earlier.some((other) => other.root === shard.root)) {
      throw invalidField(`${field(index)}.root`, 'is the root of another shard');
    }
    if (shard.delivery.mode !== 'x-accel') return;
    const prefix = shard.delivery.internalPrefix;
    const where = `${field(index)}.delivery.internalPrefix`;
    if (mediaPrefix !== '' && prefixesOverlap(prefix, mediaPrefix)) throw invalidField(where, 'must not overlap config.mediaPrefix');
    for (const other of earlier) {
      if (other.delivery.mode === 'x-accel' && prefixesOverlap(prefix, other.delivery.internalPrefix)) {
        throw invalidField(where, 'must not equal or nest in the internal prefix of another shard');
      }
    }
  });
}

/**
 * Refuses a data directory (catalog and salt) equal to or inside a shard root: a root is served
 * to clients (by nginx in x-accel mode) and walked by fsck, so the catalog must live elsewhere.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming `config.dataDir`.
 */
export function checkDataOutsideRoots(dataDir: string, storage: StorageConfig): void {
  for (const shard of storage.shards) {
    if (shard.root !== undefined && (dataDir === shard.root || dataDir.startsWith(`${shard.root}/`) || shard.root === '/')) {
      throw invalidField('config.dataDir', `must not be inside the root of shard "${shard.name}"`);
    }
  }
}
