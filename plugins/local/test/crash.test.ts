import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { listing, patternBytes, readFile, sha256, writeFile } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';

const child = fileURLToPath(new URL('./helpers/crash-child.js', import.meta.url));
const OLD = patternBytes(2 * 1024 * 1024, 1);
const NEW = patternBytes(4 * 1024 * 1024, 2);

/** Runs the child until it dies; for `mid-write`, kills it with SIGKILL after `killAfter` bytes. */
function runChild(root: string, point: string, killAfter = 0): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const process = spawn(globalThis.process.execPath, [child, root, point], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    process.stdout.setEncoding('utf8');
    process.stdout.on('data', (text: string) => {
      buffered += text;
      const sent = [...buffered.matchAll(/progress (\d+)/g)].map((match) => Number(match[1]));
      if (point === 'mid-write' && sent.some((bytes) => bytes >= killAfter)) process.kill('SIGKILL');
    });
    process.once('error', reject);
    process.once('exit', (_code, signal) => resolve(signal));
  });
}

const CASES: ReadonlyArray<{ point: string; killAfter?: number; survivor: Buffer; tempLeft: boolean }> = [
  { point: 'mid-write', killAfter: 8 * 1024 * 1024, survivor: OLD, tempLeft: true },
  { point: 'mid-write', killAfter: 64 * 1024 * 1024, survivor: OLD, tempLeft: true },
  { point: 'after-file-sync', survivor: OLD, tempLeft: true },
  { point: 'before-rename', survivor: OLD, tempLeft: true },
  { point: 'after-rename', survivor: NEW, tempLeft: false },
  { point: 'after-dir-sync', survivor: NEW, tempLeft: false },
];

for (const { point, killAfter, survivor, tempLeft } of CASES) {
  const label = killAfter === undefined ? point : `${point} after ${String(killAfter / 1024 / 1024)} MiB`;
  t.test(`kill -9 ${label}: the file is old or new entirely, nothing partial is visible`, async (t) => {
    const root = t.testdir();
    const before = await createLocalBackend({ root });
    await writeFile(before, 'big.bin', OLD);
    await writeFile(before, 'other', 'untouched');

    t.equal(await runChild(root, point, killAfter), 'SIGKILL', 'the child died by SIGKILL');

    const staging = join(root, '.stowage', 'staging');
    t.equal(readdirSync(staging).length, tempLeft ? 1 : 0, tempLeft ? 'the interrupted write left its temp file' : 'no temp file');
    const after = await createLocalBackend({ root, staleTempAfterMs: 3_600_000 });
    t.same(await listing(after, '', true), ['big.bin', 'other'], 'no temp or partial file is listed');
    t.equal(sha256(await readFile(after, 'big.bin')), sha256(survivor), 'big.bin holds one whole version');
    t.equal((await readFile(after, 'other')).toString(), 'untouched');
    await after.sweepStaging(0);
    t.same(readdirSync(staging), [], 'the sweep leaves staging empty');
  });
}
