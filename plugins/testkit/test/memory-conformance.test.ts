import t from 'tap';
import { applyLayers, concurrencyLimitLayer, createMemoryBackend, retryLayer, timeoutLayer } from '@stowage/core';
import { runBackendConformance } from '../src/index.js';

await runBackendConformance(t, { factory: () => createMemoryBackend() });

t.test('the suite also passes through the retry, timeout and concurrency layers', async (t) => {
  await runBackendConformance(t, {
    factory: () =>
      applyLayers(createMemoryBackend(), [
        retryLayer({ attempts: 3 }),
        timeoutLayer({ ms: 30_000 }),
        concurrencyLimitLayer({ max: 64 }),
      ]),
    largeBytes: 2 * 1024 * 1024,
  });
});
