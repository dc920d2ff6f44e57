import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { patternBytes } from '@stowage/testkit';
import { commandWorks, requirement } from './helpers/environment.js';

const child = fileURLToPath(new URL('./helpers/write-child.js', import.meta.url));
const gate = requirement(commandWorks('strace', ['-V']), 'strace');

/** Runs the write child under `strace -e inject=...` and returns its JSON outcome. */
function writeUnder(root: string, inject: string, size = 300_000): { ok: boolean; code?: string; size?: number } {
  const result = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', `inject=${inject}`, process.execPath, child, root, String(size)], {
    encoding: 'utf8',
    timeout: 60_000,
    // strace counts `when=` per thread: one libuv worker makes the count follow the call order.
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || line === '') throw new Error(`child failed: ${result.stderr}`);
  return JSON.parse(line) as { ok: boolean; code?: string };
}

function staging(root: string): string[] {
  return readdirSync(join(root, '.stowage', 'staging'));
}

t.test('F3 with a real failing fsync(2): IO, no temp file, no committed file', gate, async (t) => {
  const root = t.testdir();
  t.same(writeUnder(root, 'fsync:error=EIO:when=1'), { ok: false, code: 'STOWAGE_IO' });
  t.same(staging(root), []);
  t.notOk(existsSync(join(root, 'file')));
});

t.test('F4 with a real failing directory fsync(2): IO, yet the file in place is whole', gate, async (t) => {
  const root = t.testdir();
  t.same(writeUnder(root, 'fsync:error=EIO:when=2'), { ok: false, code: 'STOWAGE_IO' });
  t.same(staging(root), []);
  t.ok(readFileSync(join(root, 'file')).equals(patternBytes(300_000)));
});

t.test('F1 with a real ENOSPC from write(2): INSUFFICIENT_STORAGE, no temp file', gate, async (t) => {
  const root = t.testdir();
  t.same(writeUnder(root, 'pwrite64,pwritev:error=ENOSPC:when=1+', 300_000).code, 'STOWAGE_INSUFFICIENT_STORAGE');
  t.same(staging(root), []);
  t.notOk(existsSync(join(root, 'file')));
});

t.test('EXDEV from a real rename(2): IO, no temp file', gate, async (t) => {
  const root = t.testdir();
  t.same(writeUnder(root, 'rename,renameat,renameat2:error=EXDEV'), { ok: false, code: 'STOWAGE_IO' });
  t.same(staging(root), []);
  t.notOk(existsSync(join(root, 'file')));
});

t.test('without faults the child commits the file', gate, async (t) => {
  const root = t.testdir();
  t.same(writeUnder(root, 'fsync:error=EIO:when=60000'), { ok: true, size: 300_000 });
});
