import t from 'tap';
import { createMemoryBackend, createShardRouter } from '@stowage/core';
import { runBackendConformance } from '../src/index.js';

// The sharded backend over two memory shards must keep the whole Backend contract: files placed
// on either shard, directories spanning both, copies and renames across them.
await runBackendConformance(t, {
  factory: () =>
    createShardRouter({
      shards: [
        { name: 'one', backend: createMemoryBackend({ name: 'one' }) },
        { name: 'two', backend: createMemoryBackend({ name: 'two' }) },
      ],
    }).asBackend('sharded-memory'),
});
