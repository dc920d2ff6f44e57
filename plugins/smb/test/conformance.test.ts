import t from 'tap';
import { runBackendConformance } from '@stowage/testkit';
import type { SmbBackend } from '../src/index.js';
import { freshBackend, removeRoot, settledHandles } from './helpers/fixture.js';
import { sambaRequirement, startSamba } from './helpers/samba.js';

// The shared suite against one share of a private smbd; the resource probe counts the SMB
// handles of read streams (pooled connections legitimately stay open between cases).
await t.test('the SMB backend passes the conformance suite', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  let current: SmbBackend | undefined;
  await runBackendConformance(t, {
    factory: async () => (current = await freshBackend(server)),
    teardown: (backend) => removeRoot(server, backend),
    openResources: () => settledHandles(current),
  });
});
