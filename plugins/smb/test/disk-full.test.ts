import { execFileSync } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { expectCode, patternBytes, readFile, sha256, writeFile } from '@stowage/testkit';
import { createSmbBackend } from '../src/index.js';
import { backendOptions, requiredByCi, sambaRequirement, startSamba } from './helpers/samba.js';

function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const requirement = sambaRequirement();
const options =
  requirement.skip !== undefined || canMount() || requiredByCi() ? requirement : { skip: 'mounting a tmpfs needs root (required when CI is set)' };

// RELIABILITY.md §2.4: a real full disk under the share (a 1 MiB tmpfs mounted in its folder).
await t.test('a full disk on the server', options, async (t) => {
  const server = await startSamba();
  t.teardown(() => server.stop());
  const full = join(server.sharePath, 'full');
  await mkdir(full);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
  t.teardown(() => execFileSync('umount', ['-l', full]));
  const backend = await createSmbBackend({ ...backendOptions(server, 'full'), createRoot: false });
  t.teardown(() => backend.close());
  const small = patternBytes(100_000, 1);
  await writeFile(backend, 'small.bin', small);

  const error = await expectCode(backend.write('large.bin', [patternBytes(2_000_000, 2)]), 'STOWAGE_INSUFFICIENT_STORAGE');
  t.notOk(error.retryable, 'not retryable');
  await expectCode(backend.stat('large.bin'), 'STOWAGE_NOT_FOUND', 'nothing is committed');
  t.same((await readdir(full)).filter((name) => name.startsWith('.%-')), [], 'the partial upload is gone');
  t.equal(sha256(await readFile(backend, 'small.bin')), sha256(small), 'reads keep working');
  await writeFile(backend, 'after.bin', patternBytes(10_000, 3));
  t.pass('writes that fit still succeed');
});
