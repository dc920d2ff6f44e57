import t from 'tap';
import { createMemoryCatalog } from '@stowage/core';
import { runCatalogConformance } from '../src/index.js';

await runCatalogConformance(t, { factory: () => createMemoryCatalog() });
