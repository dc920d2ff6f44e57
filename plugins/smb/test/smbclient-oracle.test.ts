import { mkdtemp, readFile as readLocal, rm, writeFile as writeLocal } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { patternBytes, readFile, sha256 } from '@stowage/testkit';
import { createSmbBackend, recordNameOf, storedNameOf } from '../src/index.js';
import { backendOptions, sambaRequirement, startSamba } from './helpers/samba.js';
import { smbGet, smbList, smbMkdir, smbPut } from './helpers/smbclient.js';

/** Windows- and SMB-hostile names (RELIABILITY.md U12) and case/Unicode twins (U13). */
const HOSTILE = [
  'CON',
  'con',
  'nul.txt',
  'COM1',
  'LPT9.log',
  'com¹.txt',
  'trail.',
  'trail ',
  ' lead',
  '...',
  'a:b',
  'a?b',
  'a*b',
  'q"uote',
  '<angle>|pipe',
  'x::$DATA',
  'tilde~1.TXT',
  '%41 literal percent',
  '.%-partial-not-ours',
  'semi;colon',
  'Report.pdf',
  'report.pdf',
  'REPORT.PDF',
  'ß.txt',
  'ss.txt',
  'SS.txt',
  'K.txt',
  '\u212a.txt',
  'k.txt',
  'ſ.txt',
  's.txt',
  'İ.txt',
  'i̇.txt',
  'Ǆ-Ǆ-ǅ-ǆ',
  'emoji 😀 Ü.txt',
  '\u202eright-to-left',
  `${'É'.repeat(100)}.bin`,
  `${'x'.repeat(250)}.bin`,
];

/**
 * The keys of {@link HOSTILE}: core normalizes keys to NFC, which maps U+212A KELVIN SIGN to
 * `K`, so `\u212a.txt` and `K.txt` are one key (on every backend), while the case twins stay
 * distinct keys.
 */
const KEYS = [...new Set(HOSTILE.map((key) => key.normalize('NFC')))];

/** Sizes around the 64 KiB request size and a few larger ones. */
const SIZES = [0, 1, 65_535, 65_536, 65_537, 1024 * 1024 + 3, 10 * 1024 * 1024];

await t.test('smbclient is the independent oracle', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  const local = await mkdtemp(join(tmpdir(), 'stowage-oracle-'));
  t.teardown(() => rm(local, { recursive: true, force: true }));
  const backend = await createSmbBackend(backendOptions(server, 'oracle'));
  t.teardown(() => backend.close());

  await t.test('what Stowage writes, smbclient reads byte for byte under the documented names', async (t) => {
    const contents = new Map<string, Buffer>();
    for (const [index, key] of KEYS.entries()) {
      const bytes = patternBytes(100 + index, index);
      contents.set(key, bytes);
      await backend.write(`hostile/${key}`, [bytes]);
    }
    for (const [index, size] of SIZES.entries()) {
      const bytes = patternBytes(size, 50 + index);
      contents.set(`sizes/${String(size)}.bin`, bytes);
      await backend.write(`sizes/${String(size)}.bin`, [bytes]);
    }
    const downloads = [...contents.keys()].map((key, index) => {
      const path = key.startsWith('sizes/') ? key : `hostile/${key}`;
      const stored = path.split('/').map((segment) => storedNameOf(segment).name).join('/');
      return [`oracle/${stored}`, join(local, `got-${String(index)}`)] as const;
    });
    await smbGet(server, downloads);
    for (const [index, [key, bytes]] of [...contents].entries()) {
      t.equal(sha256(await readLocal(join(local, `got-${String(index)}`))), sha256(bytes), `smbclient reads ${JSON.stringify(key)}`);
    }
    const listed = await smbList(server, 'oracle/hostile');
    const expected = KEYS.map((key) => storedNameOf(key).name);
    for (const name of expected) t.ok(listed.includes(name), `smbclient lists ${name} as it is (not mangled)`);
    const names = listed.filter((name) => !name.startsWith('.%-'));
    t.equal(names.length, KEYS.length, 'one name per key: no two keys share a file');
    t.same(new Set(names.map((name) => name.toLowerCase())).size, names.length, 'no two names differ only in case');
  });

  await t.test('what smbclient writes under the documented names, Stowage reads byte for byte', async (t) => {
    await smbMkdir(server, 'oracle/from-smbclient');
    const written = new Map<string, Buffer>();
    const uploads: (readonly [string, string])[] = [];
    for (const [index, key] of KEYS.entries()) {
      const bytes = patternBytes(SIZES[index % SIZES.length]!, 90 + index);
      const file = join(local, `put-${String(index)}`);
      await writeLocal(file, bytes);
      const { name, long } = storedNameOf(key);
      if (long) {
        // The documented record of a long name: the key segment, in a file next to the alias.
        const record = join(local, `record-${String(index)}`);
        await writeLocal(record, key);
        uploads.push([record, `oracle/from-smbclient/${recordNameOf(name)}`]);
      }
      uploads.push([file, `oracle/from-smbclient/${name}`]);
      written.set(key, bytes);
    }
    await smbPut(server, uploads);
    for (const [key, bytes] of written) {
      t.equal(sha256(await readFile(backend, `from-smbclient/${key}`)), sha256(bytes), `Stowage reads ${JSON.stringify(key)}`);
    }
    const listed = [];
    for await (const entry of backend.list('from-smbclient')) listed.push(entry.path.slice('from-smbclient/'.length));
    t.same(listed.sort(), [...KEYS].sort(), 'Stowage lists exactly the keys smbclient stored');
  });

  await t.test('U+212A KELVIN SIGN and K are one key after NFC; the case twins k and K are not', async (t) => {
    await backend.write('kelvin/K', [Buffer.from('K')]);
    await backend.write('kelvin/k', [Buffer.from('k')]);
    await backend.write('kelvin/\u212a', [Buffer.from('kelvin')]);
    t.equal((await readFile(backend, 'kelvin/K')).toString(), 'kelvin');
    t.equal((await readFile(backend, 'kelvin/k')).toString(), 'k');
  });

  await t.test('a file smbclient puts under a name that is not a canonical encoding is not listed', async (t) => {
    const file = join(local, 'foreign');
    await writeLocal(file, 'foreign');
    await smbPut(server, [[file, 'oracle/from-smbclient/Foreign Name.TXT']]);
    const listed = [];
    for await (const entry of backend.list('from-smbclient')) listed.push(entry.path);
    t.notOk(listed.some((path) => path.toLowerCase().includes('foreign')), 'the foreign name is not shown as a key');
  });
});
