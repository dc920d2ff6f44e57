import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { runBackendConformance, patternBytes, readFile, sha256, expectCode } from '@stowage/testkit';
import { createMountedShareBackend, createSmbBackend, encodeKey } from '../src/index.js';
import { backendOptions, sambaRequirement, startSamba } from './helpers/samba.js';

// Mounted-share mode without a kernel mount: the local backend with SMB-aware renames and the
// SMB name encoding, over a plain folder (the contract), and over the very folder a private
// smbd shares (the layout both modes agree on).
const base = t.testdir();
let next = 0;

await t.test('the mounted-share backend passes the conformance suite over a folder', async (t) => {
  await runBackendConformance(t, {
    factory: async () => {
      const root = join(base, `conformance-${String(next++)}`);
      await mkdir(root);
      return createMountedShareBackend({ root });
    },
    teardown: (backend) => rm(backend.info.root, { recursive: true, force: true }),
  });
});

await t.test('localPath is the encoded host path inside the root, for X-Accel-Redirect', async (t) => {
  const root = join(base, 'local-path');
  await mkdir(root);
  const backend = await createMountedShareBackend({ root });
  await backend.write('Media/Report.PDF', [Buffer.from('pdf')]);
  const path = await backend.localPath!('Media/Report.PDF');
  t.equal(path, join(await import('node:fs/promises').then((fs) => fs.realpath(root)), encodeKey('Media/Report.PDF')));
  t.equal(encodeKey('Media/Report.PDF'), '%4Dedia/%52eport.%50%44%46');
  await expectCode(backend.localPath!('missing'), 'STOWAGE_NOT_FOUND');
});

await t.test('an unmounted share is refused rather than replaced by an empty folder', async () => {
  await expectCode(createMountedShareBackend({ root: join(base, 'not-mounted') }), 'STOWAGE_INVALID_CONFIG');
});

await t.test('the SMB backend and the mounted-share backend agree on the layout of one share', sambaRequirement(), async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  const smb = await createSmbBackend(backendOptions(server, 'both'));
  t.teardown(() => smb.close());
  const mounted = await createMountedShareBackend({ root: join(server.sharePath, 'both') });
  const keys = ['Report.pdf', 'report.pdf', 'CON', 'a:b?', `${'Ü'.repeat(90)}.bin`, 'deep/Dir/x.txt'];
  for (const [index, key] of keys.entries()) await smb.write(`from-smb/${key}`, [patternBytes(1000 + index, index)]);
  for (const [index, key] of keys.entries()) await mounted.write(`from-mount/${key}`, [patternBytes(2000 + index, index)]);
  for (const [index, key] of keys.entries()) {
    t.equal(sha256(await readFile(mounted, `from-smb/${key}`)), sha256(patternBytes(1000 + index, index)), `the mount reads ${key}`);
    t.equal(sha256(await readFile(smb, `from-mount/${key}`)), sha256(patternBytes(2000 + index, index)), `SMB reads ${key}`);
  }
  const listed = async (backend: typeof smb | typeof mounted, folder: string): Promise<string[]> => {
    const paths: string[] = [];
    for await (const entry of backend.list(folder, { recursive: true })) if (entry.kind === 'file') paths.push(entry.path);
    return paths.sort();
  };
  t.same(await listed(mounted, 'from-smb'), keys.map((key) => `from-smb/${key}`).sort(), 'the mount lists what SMB wrote');
  t.same(await listed(smb, 'from-mount'), keys.map((key) => `from-mount/${key}`).sort(), 'SMB lists what the mount wrote');
  t.same(await listed(smb, ''), [...(await listed(smb, 'from-mount')), ...(await listed(smb, 'from-smb'))].sort(), 'the staging folder is not listed');
  t.ok((await readdir(join(server.sharePath, 'both'))).includes('.stowage'), 'the mounted mode keeps its staging in the root');
});
