import t from 'tap';
import { createShardRouter, type Backend } from '@stowage/core';
import { runBackendConformance } from '@stowage/testkit';
import type { SmbBackend } from '../src/index.js';
import { freshBackend, removeRoot, settledHandles } from './helpers/fixture.js';
import { sambaRequirement, startSamba } from './helpers/samba.js';

// The sharding router of @stowage/core over two shares served by two separate smbd processes
// (two ports, two configurations, two state folders): the Backend contract holds across them.
await t.test('a router over shares of two smbd processes passes the conformance suite', sambaRequirement(), async (t) => {
  const [first, second] = await Promise.all([startSamba(), startSamba()]);
  t.teardown(async () => {
    await first.stop();
    await second.stop();
  });
  const shards = new WeakMap<Backend, readonly SmbBackend[]>();
  let current: readonly SmbBackend[] = [];
  await runBackendConformance(t, {
    factory: async () => {
      const backends = [await freshBackend(first, { name: 'smb-one' }), await freshBackend(second, { name: 'smb-two' })];
      const router = createShardRouter({
        shards: [
          { name: 'one', backend: backends[0]! },
          { name: 'two', backend: backends[1]! },
        ],
      }).asBackend('sharded-smb');
      shards.set(router, backends);
      current = backends;
      return router;
    },
    teardown: async (router) => {
      const [one, two] = shards.get(router)!;
      await one!.close();
      await two!.close();
      await removeRoot(first, one!);
      await removeRoot(second, two!);
    },
    openResources: async () => (await settledHandles(current[0])) + (await settledHandles(current[1])),
  });
});
