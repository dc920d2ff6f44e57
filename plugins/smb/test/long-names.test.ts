import { readdir, readFile as readHost, writeFile as writeHost } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { collect, expectCode, readFile, writeFile } from '@stowage/testkit';
import { createSmbBackend, recordNameOf, storedNameOf } from '../src/index.js';
import { backendOptions, sambaRequirement, startSamba } from './helpers/samba.js';

const LONG = 'Q'.repeat(120); // 360 bytes once encoded: stored under an alias
const LONG_DIR = `Dir ${'É'.repeat(60)}`;

await t.test('segments too long once encoded', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  const backend = await createSmbBackend(backendOptions(server, 'long'));
  t.teardown(() => backend.close());
  const folder = join(server.sharePath, 'long');
  const alias = storedNameOf(LONG).name;

  await t.test('a long segment is stored under its alias with a record, and round-trips', async (t) => {
    await writeFile(backend, LONG, 'long content');
    t.equal((await readFile(backend, LONG)).toString(), 'long content');
    t.equal((await backend.stat(LONG)).path, LONG);
    const names = await readdir(folder);
    t.ok(names.includes(alias), 'the alias is on the share');
    t.equal(await readHost(join(folder, recordNameOf(alias)), 'utf8'), LONG, 'the record holds the segment');
    t.same((await collect(backend.list(''))).map((entry) => entry.path), [LONG]);
  });

  await t.test('long directory names work at every depth', async (t) => {
    await writeFile(backend, `${LONG_DIR}/${LONG}/leaf.txt`, 'deep');
    await backend.createDir(`${LONG_DIR}/made ${'Ж'.repeat(60)}`);
    const paths = (await collect(backend.list(LONG_DIR, { recursive: true }))).map((entry) => entry.path).sort();
    t.same(paths, [`${LONG_DIR}/${LONG}`, `${LONG_DIR}/${LONG}/leaf.txt`, `${LONG_DIR}/made ${'Ж'.repeat(60)}`].sort());
  });

  await t.test('rename and copy keep records in step; delete removes them', async (t) => {
    await backend.rename(LONG, 'short.txt');
    t.notOk((await readdir(folder)).includes(recordNameOf(alias)), 'renamed away, the record goes');
    await backend.rename('short.txt', LONG);
    t.ok((await readdir(folder)).includes(recordNameOf(alias)), 'renamed back, it returns');
    const other = 'R'.repeat(130);
    await backend.copy!(LONG, other);
    t.equal((await readFile(backend, other)).toString(), 'long content');
    await backend.delete(other);
    t.notOk((await readdir(folder)).includes(recordNameOf(storedNameOf(other).name)), 'deleted, the record goes');
    await expectCode(backend.stat(other), 'STOWAGE_NOT_FOUND');
  });

  await t.test('an alias whose record is missing or tampered with is not listed, but still found by key', async (t) => {
    await writeHost(join(folder, recordNameOf(alias)), 'tampered');
    t.notOk((await collect(backend.list(''))).some((entry) => entry.path === LONG), 'not listed');
    t.equal((await readFile(backend, LONG)).toString(), 'long content', 'read by key');
    await backend.write(LONG, [Buffer.from('rewritten')]);
    t.ok((await collect(backend.list(''))).some((entry) => entry.path === LONG), 'a write repairs the record');
  });

  await t.test('a directory holding only private files counts as empty', async (t) => {
    await writeFile(backend, 'box/item', 'x');
    await writeHost(join(folder, 'box', '.%-partial-stale'), 'leftover');
    await backend.delete('box/item');
    t.same(await collect(backend.list('box')), []);
    await backend.delete('box');
    await expectCode(backend.stat('box'), 'STOWAGE_NOT_FOUND');
  });

  await t.test('the reserved first segment is refused', async () => {
    await expectCode(backend.write('.stowage/x', [Buffer.from('x')]), 'STOWAGE_INVALID_PATH');
    await expectCode(backend.stat('.stowage'), 'STOWAGE_INVALID_PATH');
  });
});
