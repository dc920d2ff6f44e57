import { mkdir, readdir, readFile, utimes, writeFile as writeHost } from 'node:fs/promises';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { writeFile } from '@stowage/testkit';
import { createSmbBackend, parseSmbOptions, recordNameOf, storedNameOf } from '../src/index.js';
import { ShareSession } from '../src/share-session.js';
import { backendOptions, sambaRequirement, startSamba } from './helpers/samba.js';

await t.test('sweeping private leftovers, and free space', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  const backend = await createSmbBackend(backendOptions(server, 'sweep'));
  t.teardown(() => backend.close());
  const folder = join(server.sharePath, 'sweep');

  await t.test('old partial uploads, files moved aside and orphan records go; fresh ones and live records stay', async (t) => {
    const long = 'L'.repeat(100);
    await writeFile(backend, `sub/${long}`, 'long');
    await writeFile(backend, 'sub/kept.txt', 'kept');
    const old = new Date(Date.now() - 3 * 3_600_000);
    const plant = async (path: string, stale: boolean): Promise<void> => {
      await mkdir(join(folder, path, '..'), { recursive: true });
      await writeHost(join(folder, path), 'x');
      if (stale) await utimes(join(folder, path), old, old);
    };
    await plant('.%-partial-old', true);
    await plant('sub/.%-old-aside', true);
    await plant('sub/deeper/.%-deleted-gone', true);
    await plant(`sub/${recordNameOf('%-long-' + '0'.repeat(40))}`, true);
    await plant('.%-partial-fresh', false);
    await utimes(join(folder, 'sub', recordNameOf(storedNameOf(long).name)), old, old);
    t.equal(await backend.sweepPartials(3_600_000), 4);
    t.same((await readdir(folder)).filter((name) => name.startsWith('.%-')), ['.%-partial-fresh']);
    t.same((await readdir(join(folder, 'sub'))).filter((name) => name.startsWith('.%-')), [recordNameOf(storedNameOf(long).name)], 'the live record stays');
    t.equal(await backend.sweepPartials(0), 1, 'with no age limit, the fresh one goes too');
  });

  await t.test('cleanups owed after a broken connection run on the next one', async (t) => {
    const session = new ShareSession(parseSmbOptions(backendOptions(server, 'sweep')));
    t.teardown(() => session.close());
    await mkdir(join(folder, 'owed'), { recursive: true });
    await writeHost(join(folder, 'owed', '.%-old-a'), 'moved aside');
    await writeHost(join(folder, 'owed', '.%-old-b'), 'stale copy');
    await writeHost(join(folder, 'owed', 'taken'), 'newer');
    await writeHost(join(folder, 'owed', '.%-partial-c'), 'partial');
    session.defer({ kind: 'restore', from: 'sweep\\owed\\.%-old-a', to: 'sweep\\owed\\restored' });
    session.defer({ kind: 'restore', from: 'sweep\\owed\\.%-old-b', to: 'sweep\\owed\\taken' });
    session.defer({ kind: 'restore', from: 'sweep\\owed\\.%-old-gone', to: 'sweep\\owed\\nothing' });
    session.defer({ kind: 'delete', path: 'sweep\\owed\\.%-partial-c' });
    session.defer({ kind: 'delete', path: 'sweep\\owed\\.%-partial-gone' });
    t.equal(session.pendingCleanups, 5);
    await session.run(true, async () => undefined);
    t.equal(session.pendingCleanups, 0);
    t.same((await readdir(join(folder, 'owed'))).sort(), ['restored', 'taken'], 'put back where free, dropped where taken');
    t.equal(await readFile(join(folder, 'owed', 'restored'), 'utf8'), 'moved aside');
    t.equal(await readFile(join(folder, 'owed', 'taken'), 'utf8'), 'newer');
  });

  await t.test('freeBytes reports the space of the shared volume', async (t) => {
    const free = await backend.freeBytes();
    const host = await statfs(server.sharePath);
    t.ok(free > 0);
    t.ok(free <= host.blocks * host.bsize, 'no more than the volume holds');
  });
});
