import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { Catalog } from '@stowage/core';
import { runCatalogConformance } from '@stowage/testkit';
import { createSqliteCatalog } from '../src/index.js';

const base = t.testdir();
const files = new WeakMap<Catalog, string>();
let next = 0;

function open(file: string, writerThread = true): Catalog {
  const catalog = createSqliteCatalog({ file, scanPageSize: 3, writerThread });
  files.set(catalog, file);
  return catalog;
}

await t.test('a catalog in a file, reopened for the durability cases', async (t) => {
  await runCatalogConformance(t, {
    factory: () => open(join(base, `catalog-${next++}.db`)),
    reopen: async (catalog) => {
      await catalog.close();
      return open(files.get(catalog) as string);
    },
    teardown: async (catalog) => {
      const file = files.get(catalog) as string;
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
    },
  });
});

await t.test('a catalog in a file, written on the calling thread (writerThread: false)', async (t) => {
  await runCatalogConformance(t, {
    factory: () => open(join(base, `inline-${next++}.db`), false),
    reopen: async (catalog) => {
      await catalog.close();
      return open(files.get(catalog) as string, false);
    },
    teardown: async (catalog) => {
      const file = files.get(catalog) as string;
      await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
    },
  });
});

await t.test('a catalog in memory', async (t) => {
  await runCatalogConformance(t, { factory: () => createSqliteCatalog({ file: ':memory:' }) });
});
