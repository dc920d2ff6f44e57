import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { isStowageError } from '@stowage/core';
import { closed, expectCode, patternBytes, writeFile } from '@stowage/testkit';
import { createLocalBackend } from '../src/index.js';

t.test('a file that shrinks under an open read fails the stream with IO, never a short clean end', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  await writeFile(backend, 'file', patternBytes(2 * 1024 * 1024));
  const { stream, length } = await backend.read('file');
  truncateSync(join(root, 'file'), 1000);
  let received = 0;
  stream.on('data', (chunk: Buffer) => {
    received += chunk.byteLength;
  });
  const error = await closed(stream);
  t.ok(isStowageError(error, 'STOWAGE_IO'), `got ${String(error)}`);
  t.ok(received < length);
});

t.test('localPath gives the host path of a stored file, for sendfile and X-Accel', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  await writeFile(backend, 'dir/file name é.txt', 'served by nginx');
  const host = await backend.localPath('dir/file name é.txt');
  t.equal(host, join(root, 'dir', 'file name é.txt'));
  t.equal(readFileSync(host, 'utf8'), 'served by nginx');
  await expectCode(backend.localPath('dir'), 'STOWAGE_IS_A_DIRECTORY');
  await expectCode(backend.localPath('missing'), 'STOWAGE_NOT_FOUND');
  await expectCode(backend.localPath('no/such/dir/file'), 'STOWAGE_NOT_FOUND');
});

t.test('a rename keeps the file identity, and rewriting in place changes the etag', async (t) => {
  const root = t.testdir();
  const backend = await createLocalBackend({ root });
  const written = await backend.write('a', [Buffer.from('same')]);
  t.equal((await backend.stat('a')).etag, written.etag, 'write returns the etag stat reports');
  const renamed = await backend.rename('a', 'sub/b');
  t.equal(renamed.etag, written.etag);
  t.equal((await backend.stat('sub/b')).etag, written.etag);
  const rewritten = await backend.write('sub/b', [Buffer.from('same')]);
  t.not(rewritten.etag, written.etag, 'a new inode, a new etag, even with the same bytes');
});
