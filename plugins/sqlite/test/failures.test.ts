import { closeSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { expectCode } from '@stowage/testkit';
import type { Catalog } from '@stowage/core';
import { createSqliteCatalog } from '../src/index.js';
import { at, candidate, contents, entry, idOf, present, T0 } from './helpers/fixtures.js';

t.test('a file that is not a database fails to open with IO and is left as it was', async (t) => {
  const file = join(t.testdir({ 'catalog.db': 'these bytes are not an SQLite database '.repeat(200) }), 'catalog.db');
  const before = readFileSync(file);
  t.throws(() => createSqliteCatalog({ file }), { code: 'STOWAGE_IO' });
  t.throws(() => createSqliteCatalog({ file, readonly: true }), { code: 'STOWAGE_IO' });
  t.same(readFileSync(file), before);
});

t.test('a catalog whose pages were overwritten answers IO when it reads them', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const catalog = createSqliteCatalog({ file });
  const sha = await present(catalog, 'blob');
  const id = idOf('corrupt');
  await catalog.insertEntries(Array.from({ length: 300 }, (_, position) => entry(id, `file-${position}.txt`, sha, { position })));
  await catalog.close();
  // Keep page 1 (the header and the schema), overwrite every page of the tables and indexes.
  const pageSize = readFileSync(file).readUInt16BE(16);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(statSync(file).size - pageSize, 0xa5), 0, undefined, pageSize);
  closeSync(fd);
  const damaged = createSqliteCatalog({ file });
  t.teardown(() => damaged.close());
  await expectCode(damaged.getEntry({ id, filename: 'file-7.txt' }), 'STOWAGE_IO');
  await expectCode(damaged.listEntries(id), 'STOWAGE_IO');
  await expectCode(damaged.getBlob(sha), 'STOWAGE_IO');
  await expectCode(damaged.claimBlob(candidate('other'), T0), 'STOWAGE_IO');
  await expectCode(async () => {
    for await (const _ of damaged.scanEntries()) void _;
  }, 'STOWAGE_IO');
});

t.test('a read-only catalog reads, and every write fails with PERMISSION_DENIED changing nothing', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const writer = createSqliteCatalog({ file });
  const sha = await present(writer, 'blob');
  const doomed = await present(writer, 'doomed');
  await writer.claimBlobForDeletion(doomed, at(1));
  await writer.claimBlob(candidate('writing'), T0);
  const key = { id: idOf('ro'), filename: 'a.txt' };
  await writer.insertEntries([entry(key.id, key.filename, sha)]);
  await writer.close();

  const reader = createSqliteCatalog({ file, readonly: true });
  t.teardown(() => reader.close());
  const before = await contents(reader);
  t.equal(before.entries.length, 1);
  t.equal((await reader.getEntry(key))?.filename, 'a.txt');
  t.equal((await reader.listEntries(key.id)).length, 1);
  const writes: Array<[string, (catalog: Catalog) => Promise<unknown>]> = [
    ['claimBlob', (c) => c.claimBlob(candidate('new'), T0)],
    ['markBlobPresent', (c) => c.markBlobPresent(candidate('writing').sha256, T0)],
    ['releaseBlob', (c) => c.releaseBlob(candidate('writing').sha256)],
    ['claimBlobForDeletion', (c) => c.claimBlobForDeletion(sha, at(1_000_000))],
    ['forgetBlob', (c) => c.forgetBlob(doomed)],
    ['markBlobLost', (c) => c.markBlobLost(sha)],
    ['insertEntries', (c) => c.insertEntries([entry(key.id, 'b.txt', sha)])],
    ['transitionEntries', (c) => c.transitionEntries([key], 'pending', 'committed')],
    ['deleteEntries', (c) => c.deleteEntries([key])],
    ['setReplacement', (c) => c.setReplacement(key, null)],
    ['updateAccess', (c) => c.updateAccess(key, { visibility: 'public', readers: [], writers: [], expiresAt: null })],
  ];
  for (const [name, write] of writes) await expectCode(write(reader), 'STOWAGE_PERMISSION_DENIED', name);
  t.same(await contents(reader), before);
});

t.test('read-only needs an existing catalog: a missing file is IO, an empty database INVALID_CONFIG', async (t) => {
  const dir = t.testdir({ 'empty.db': '' });
  t.throws(() => createSqliteCatalog({ file: join(dir, 'missing.db'), readonly: true }), { code: 'STOWAGE_IO' });
  t.throws(() => createSqliteCatalog({ file: join(dir, 'empty.db'), readonly: true }), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.test('close is idempotent; afterwards every method, a started scan included, rejects with UNAVAILABLE', async (t) => {
  const catalog = createSqliteCatalog({ file: join(t.testdir(), 'catalog.db'), scanPageSize: 2 });
  const sha = await present(catalog, 'blob');
  const id = idOf('close');
  await catalog.insertEntries(Array.from({ length: 5 }, (_, position) => entry(id, `f${position}`, sha, { position })));
  const scan = catalog.scanEntries()[Symbol.asyncIterator]();
  t.equal((await scan.next()).done, false);
  await catalog.close();
  await catalog.close();
  const error = await expectCode(scan.next(), 'STOWAGE_UNAVAILABLE');
  t.equal(error.retryable, false, 'retrying a closed catalog cannot succeed');
  await expectCode(catalog.getBlob(sha), 'STOWAGE_UNAVAILABLE');
  await expectCode(catalog.insertEntries([entry(id, 'late', sha)]), 'STOWAGE_UNAVAILABLE');
  await expectCode(async () => {
    for await (const _ of catalog.scanBlobs()) void _;
  }, 'STOWAGE_UNAVAILABLE');
});
