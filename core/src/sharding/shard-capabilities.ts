import { defineCapabilities, type Capabilities } from '../capabilities.js';

/**
 * The capabilities of a backend over several shards: what every shard can do.
 *
 * - Flags hold when they hold on every shard; `modifiedAtPrecisionMs` is the coarsest and
 *   `nativeHashes` the hashes every shard reports.
 * - `copy` and `rename` are present when every shard has them: within a shard they are the
 *   shard's own, across shards they stream and (rename) delete.
 * - `link` and `localPath` are present when every shard has them, answered by the shard holding
 *   the file.
 * - `close` is never present: the router does not own its shards, so closing them is left to
 *   whoever created them (the media facade keeps using them through `router.shard(name)`).
 */
export function intersectCapabilities(all: readonly Capabilities[]): Capabilities {
  const every = (flag: keyof Omit<Capabilities, 'modifiedAtPrecisionMs' | 'nativeHashes'>): boolean =>
    all.every((capabilities) => capabilities[flag]);
  const [first, ...rest] = all;
  return defineCapabilities({
    readWithRange: every('readWithRange'),
    writeIsAtomic: every('writeIsAtomic'),
    listWithRecursive: every('listWithRecursive'),
    statHasEtag: every('statHasEtag'),
    statHasModifiedAt: every('statHasModifiedAt'),
    modifiedAtPrecisionMs: Math.max(0, ...all.map((capabilities) => capabilities.modifiedAtPrecisionMs)),
    nativeHashes: (first?.nativeHashes ?? []).filter((hash) => rest.every((capabilities) => capabilities.nativeHashes.includes(hash))),
    copy: every('copy'),
    rename: every('rename'),
    link: every('link'),
    localPath: every('localPath'),
    close: false,
  });
}
