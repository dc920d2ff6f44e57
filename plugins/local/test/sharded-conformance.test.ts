import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createShardRouter, type Backend } from '@stowage/core';
import { runBackendConformance } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';

// The sharded backend of @stowage/core over two local backends, each in its own temp directory:
// the Backend contract holds across real disks too (cross-shard copies stream between roots).
const base = t.testdir();
const directories = new WeakMap<Backend, string>();
let next = 0;
await runBackendConformance(t, {
  factory: async () => {
    const directory = join(base, String(next++));
    const backend = createShardRouter({
      shards: [
        { name: 'one', backend: await createLocalBackend({ root: join(directory, 'one'), name: 'local-one' }) },
        { name: 'two', backend: await createLocalBackend({ root: join(directory, 'two'), name: 'local-two' }) },
      ],
    }).asBackend('sharded-local');
    directories.set(backend, directory);
    return backend;
  },
  teardown: (backend) => rm(directories.get(backend)!, { recursive: true, force: true }),
});
