import type { BackendEntry } from '../backend.js';
import type { ResolvedShardDescriptor } from './shard-options.js';

/**
 * A shard's entry as the sharded backend reports it: the etag is prefixed with the shard's name,
 * so a file that moves to another shard always gets a new etag (two shards may well number
 * their versions alike). Everything else is the shard's.
 */
export function shardEntry(entry: BackendEntry, shard: ResolvedShardDescriptor): BackendEntry {
  return entry.etag === undefined ? entry : { ...entry, etag: `${shard.name}:${entry.etag}` };
}
