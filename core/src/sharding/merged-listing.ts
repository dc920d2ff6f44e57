import type { BackendEntry, ListOptions } from '../backend.js';
import { throwIfAborted } from '../abort.js';
import type { ErrorContext } from '../stowage-error.js';
import { fromShard } from './shard-errors.js';
import type { ShardLookup } from './shard-lookup.js';
import { shardEntry } from './shard-entry.js';

/**
 * Lists `key` on every shard, one after the other in the router's order, and yields the union
 * without repeating a path.
 *
 * Behavior:
 * - A directory is yielded the first time any shard lists it.
 * - A file is yielded from the shard `stat` and `read` would find it on (the first holder in
 *   `locate` order), so a listing agrees with `stat` even when an older copy survives on another
 *   shard: an entry from a shard that is not the file's first choice is held back until every
 *   shard has been listed (only misplaced files are held; each path seen is remembered).
 * - A failing shard fails the listing: a partial union would silently hide entries.
 */
export async function* mergedListing(
  lookup: ShardLookup,
  key: string,
  options: ListOptions,
  context: ErrorContext,
): AsyncGenerator<BackendEntry> {
  const yielded = new Set<string>();
  const heldBack = new Map<string, { readonly entry: BackendEntry; readonly position: number }>();
  for (const shard of lookup.shards) {
    const entries = shard.backend.list(key, options);
    try {
      for await (const entry of entries) {
        throwIfAborted(options.signal, context);
        if (yielded.has(entry.path)) continue;
        if (entry.kind === 'file') {
          const position = lookup.locate(entry.path).indexOf(shard);
          if (position > 0) {
            const held = heldBack.get(entry.path);
            if (held === undefined || position < held.position) heldBack.set(entry.path, { entry: shardEntry(entry, shard), position });
            continue;
          }
          heldBack.delete(entry.path);
        }
        yielded.add(entry.path);
        yield shardEntry(entry, shard);
      }
    } catch (error) {
      throw fromShard(error, shard.name);
    }
  }
  for (const [path, { entry }] of heldBack) {
    throwIfAborted(options.signal, context);
    if (!yielded.has(path)) yield entry;
  }
}
