import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isStowageError, type CatalogEntry } from '@stowage/core';
import { createSqliteCatalog } from '../src/index.js';
import { canMountTmpfs, requirement } from './helpers/environment.js';
import { entry, idOf, present } from './helpers/fixtures.js';

const mountPoint = mkdtempSync(join(tmpdir(), 'stowage-sqlite-tmpfs-'));
const gate = requirement(canMountTmpfs(mountPoint), 'mounting a tmpfs (root)');

t.test('on a real full disk, a batch that does not fit fails with INSUFFICIENT_STORAGE and inserts nothing', gate, async (t) => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mountPoint]);
  t.teardown(() => {
    execFileSync('umount', ['-l', mountPoint]);
    execFileSync('rm', ['-rf', mountPoint]);
  });
  const file = join(mountPoint, 'catalog.db');
  const catalog = createSqliteCatalog({ file });
  const sha = await present(catalog, 'blob');
  const stored: CatalogEntry[] = [];
  let failure: unknown;
  for (let batch = 0; batch < 1000 && failure === undefined; batch++) {
    const id = idOf(`batch-${batch}`);
    const entries = Array.from({ length: 20 }, (_, position) => entry(id, `${'n'.repeat(200)}-${position}`, sha, { position }));
    try {
      stored.push(...(await catalog.insertEntries(entries)));
    } catch (error) {
      failure = error;
      t.same(await catalog.listEntries(id), [], 'the failed batch left no entry');
    }
  }
  t.ok(isStowageError(failure, 'STOWAGE_INSUFFICIENT_STORAGE'), `the disk filled up with ${stored.length} entries stored`);
  t.equal((await catalog.getBlob(sha))?.refs, stored.length, 'references count exactly the stored entries');
  await catalog.close();
  const reopened = createSqliteCatalog({ file, readonly: true });
  t.teardown(() => reopened.close());
  let count = 0;
  for await (const _ of reopened.scanEntries()) count++;
  t.equal(count, stored.length, 'every acknowledged entry is there after reopening');
});
