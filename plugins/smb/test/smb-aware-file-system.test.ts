import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { nodeFileSystem, type FileSystem } from '@stowage/local';
import { expectCode } from '@stowage/testkit';
import { createMountedShareBackend, smbAwareFileSystem } from '../src/index.js';

/** Node's file system, with renames refused the way a CIFS mount refuses them. */
function refusing(refuse: (from: string, to: string) => string | undefined): FileSystem & { renames: number } {
  const fs = {
    ...nodeFileSystem,
    renames: 0,
    rename: async (from: string, to: string) => {
      fs.renames += 1;
      const code = refuse(from, to);
      if (code !== undefined) throw Object.assign(new Error(code), { code, syscall: 'rename' });
      await rename(from, to);
    },
  };
  return fs;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const base = t.testdir();
let next = 0;
async function folder(): Promise<string> {
  const path = join(base, String(next++));
  await mkdir(path);
  return path;
}

t.test('a rename refused as busy a few times is retried until it passes', async (t) => {
  const dir = await folder();
  await writeFile(join(dir, 'from'), 'new');
  let refusals = 2;
  const inner = refusing(() => (refusals-- > 0 ? 'EBUSY' : undefined));
  await smbAwareFileSystem(inner, { renameRetryDelayMs: 1 }).rename(join(dir, 'from'), join(dir, 'to'));
  t.equal(inner.renames, 3);
  t.equal(await readFile(join(dir, 'to'), 'utf8'), 'new');
});

t.test('a target that stays in use is moved aside, the new file renamed in, the old one unlinked', async (t) => {
  const dir = await folder();
  await writeFile(join(dir, 'from'), 'new');
  await writeFile(join(dir, 'to'), 'old');
  // Like Samba over a mount: replacing an existing (open) file is refused, plain renames pass.
  const inner = refusing((_from, to) => (!to.includes('.%-') && existsSync(to) ? 'EACCES' : undefined));
  await smbAwareFileSystem(inner, { renameAttempts: 3, renameRetryDelayMs: 1 }).rename(join(dir, 'from'), join(dir, 'to'));
  t.equal(await readFile(join(dir, 'to'), 'utf8'), 'new');
  t.same(await readdir(dir), ['to'], 'nothing aside is left');
});

t.test('a refused rename without a target to move aside fails with the last refusal', async (t) => {
  const dir = await folder();
  await writeFile(join(dir, 'from'), 'new');
  const inner = refusing(() => 'EPERM');
  await t.rejects(smbAwareFileSystem(inner, { renameAttempts: 2, renameRetryDelayMs: 1 }).rename(join(dir, 'from'), join(dir, 'to')), { code: 'EPERM' });
  t.equal(inner.renames, 2);
});

t.test('other failures are not retried', async (t) => {
  const dir = await folder();
  const inner = refusing(() => 'ENOENT');
  await t.rejects(smbAwareFileSystem(inner).rename(join(dir, 'a'), join(dir, 'b')), { code: 'ENOENT' });
  t.equal(inner.renames, 1);
});

t.test('when renaming in fails after the old file moved aside, the old file is put back', async (t) => {
  const dir = await folder();
  await writeFile(join(dir, 'from'), 'new');
  await writeFile(join(dir, 'to'), 'old');
  const inner = refusing((from, to) => {
    if (from.endsWith('/from')) return existsSync(to) ? 'EBUSY' : 'EIO';
    return undefined;
  });
  await t.rejects(smbAwareFileSystem(inner, { renameAttempts: 2, renameRetryDelayMs: 1 }).rename(join(dir, 'from'), join(dir, 'to')), { code: 'EIO' });
  t.equal(await readFile(join(dir, 'to'), 'utf8'), 'old');
  t.same((await readdir(dir)).sort(), ['from', 'to']);
});

t.test('the mounted-share backend commits over a file the mount reports in use', async (t) => {
  const dir = await folder();
  const fs = refusing((_from, to) => (!to.includes('.%-') && existsSync(to) ? 'EACCES' : undefined));
  const backend = await createMountedShareBackend({ root: dir, fs, renameAttempts: 2, renameRetryDelayMs: 1 });
  await backend.write('file', [Buffer.from('one')]);
  await backend.write('file', [Buffer.from('two')]);
  const { stream } = await backend.read('file');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  t.equal(Buffer.concat(chunks).toString(), 'two');
  t.ok(await exists(join(dir, 'file')));
  t.same((await readdir(dir)).filter((name) => name.startsWith('.%-')), []);
  await expectCode(backend.read('missing'), 'STOWAGE_NOT_FOUND');
});

