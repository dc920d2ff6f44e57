import t from 'tap';
import { createMemoryBackend, createStowage } from '@stowage/core';
import { CONTRACT_TOKENS, runHttpContract } from '@stowage/testkit';
import { startApp } from './helpers/start-app.js';

// The shared HTTP contract, with the contract's media handler mounted the application's way: the
// application's own bearer check puts the user on the request and the adapter hands it to
// Stowage as the principal; anything outside /media reaches the application's own 404
// (`X-Fallback: app`).
await runHttpContract(t, {
  async start(handler) {
    // The contract serves its own store through `handler`; the application's uploads get another.
    const stowage = createStowage({ backends: createMemoryBackend(), salt: 'contract-app-salt-0123456789' });
    const app = await startApp(undefined, {
      stowage,
      media: handler,
      users: { [CONTRACT_TOKENS.alice]: { name: 'alice' }, [CONTRACT_TOKENS.bob]: { name: 'bob' } },
    });
    return {
      url: app.url,
      async close() {
        await app.close();
        await stowage.close();
      },
    };
  },
});
