import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { createStowage, type CatalogEntry, type Stowage } from '@stowage/core';
import { createLocalBackend } from '@stowage/local';
import { createSqliteCatalog } from '@stowage/sqlite';

/** The salt every test stack uses, so long ids are the same in both examples. */
export const TEST_SALT = 'example-app-test-salt-0123456789';

/** A real storage stack (local disk + SQLite catalog) in a temporary directory. */
export interface TestStack {
  readonly stowage: Stowage;
  readonly directory: string;
  /** Every catalog entry, whatever its state. */
  entries(): Promise<CatalogEntry[]>;
  /** Every file under the storage root (blobs and staging), relative paths. */
  storedFiles(): Promise<string[]>;
}

/**
 * Builds the stack the examples' `startServer` builds (uploads need a principal), with a fixed
 * salt and an optional fixed clock; closed and deleted in teardown.
 */
export async function createStack(t: Test, options: { readonly clock?: () => Date } = {}): Promise<TestStack> {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-example-test-'));
  const catalog = createSqliteCatalog({ file: join(directory, 'catalog.db') });
  const root = join(directory, 'blobs');
  const stowage = createStowage({
    backends: await createLocalBackend({ root, createRoot: true }),
    catalog,
    salt: TEST_SALT,
    permissions: { canUpload: (principal) => principal !== null },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  t.teardown(async () => {
    await stowage.close();
    await rm(directory, { recursive: true, force: true });
  });
  return {
    stowage,
    directory,
    async entries() {
      const found: CatalogEntry[] = [];
      for await (const entry of catalog.scanEntries()) found.push(entry);
      return found;
    },
    async storedFiles() {
      const listed = await readdir(root, { recursive: true, withFileTypes: true });
      return listed.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
    },
  };
}
