import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { assertContent, expectCode, patternBytes, writeFile } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';
import { canMountTmpfs, requirement } from './helpers/environment.js';

const scratch = mkdtempSync(join(tmpdir(), 'stowage-tmpfs-'));
const gate = requirement(canMountTmpfs(scratch), 'mounting a tmpfs (root)');

function mountTmpfs(t: Test, directory: string, size: string): void {
  mkdirSync(directory, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', directory]);
  t.teardown(() => {
    execFileSync('umount', ['-l', directory]);
  });
}

t.test('F1 on a real full disk: a 1 MiB tmpfs refuses a 2 MB write with INSUFFICIENT_STORAGE', gate, async (t) => {
  const root = join(scratch, 'full');
  mountTmpfs(t, root, '1m');
  const backend = await createLocalBackend({ root });
  await writeFile(backend, 'small', 'committed before the disk filled');
  await expectCode(backend.write('big', [patternBytes(2_000_000)]), 'STOWAGE_INSUFFICIENT_STORAGE');
  t.same(readdirSync(join(root, '.stowage', 'staging')), [], 'the temp file is gone');
  await expectCode(backend.stat('big'), 'STOWAGE_NOT_FOUND');
  await assertContent(backend, 'small', 'committed before the disk filled');
  await writeFile(backend, 'small-after', 'space was released');
  await assertContent(backend, 'small-after', 'space was released');
  await expectCode(backend.write('big', [patternBytes(600_000), patternBytes(600_000)], { size: 1_200_000 }), 'STOWAGE_INSUFFICIENT_STORAGE');
  t.same(readdirSync(join(root, '.stowage', 'staging')), []);
});

t.test('U15: a staging folder on another file system is refused at startup', gate, async (t) => {
  const root = join(scratch, 'split');
  mountTmpfs(t, join(root, '.stowage', 'staging'), '1m');
  await t.rejects(createLocalBackend({ root }), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.teardown(() => {
  execFileSync('rm', ['-rf', scratch]);
});

