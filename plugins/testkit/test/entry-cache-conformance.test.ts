import t from 'tap';
import { createMemoryCatalog, withEntryCache } from '@stowage/core';
import { runCatalogConformance } from '../src/index.js';

// The entry cache sits in front of every catalog a Stowage uses: wrapped, a catalog must still
// pass the whole conformance suite (every change through the wrapper is seen by the next read).
await runCatalogConformance(t, { factory: () => withEntryCache(createMemoryCatalog(), { maxEntries: 10_000, ttlMs: 60_000 }) });
