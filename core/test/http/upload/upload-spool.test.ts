import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { ByteSource } from '../../../src/backend.js';
import { UploadSpool } from '../../../src/http/upload/upload-spool.js';

async function text(source: ByteSource): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of source) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

t.test('small files stay in memory within the budgets; the rest spill to a private temp directory', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'spool-test-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  const spool = new UploadSpool(parent, { perFileBytes: 4, totalBytes: 6 });
  const counted: number[] = [];
  const small = await spool.store(chunks('ab', 'c'), (bytes) => counted.push(bytes));
  const overBudget = await spool.store(chunks('de', 'fg'), () => undefined);
  const large = await spool.store(chunks('hij', 'klm'), () => undefined);
  t.same(counted, [2, 1]);
  t.same([small.size, overBudget.size, large.size], [3, 4, 6]);
  t.same([await text(small.open()), await text(overBudget.open()), await text(large.open())], ['abc', 'defg', 'hijklm']);
  const [directory] = await readdir(parent);
  if (directory === undefined) throw new Error('no spool directory');
  t.match(directory, /^stowage-upload-/);
  t.equal((await stat(join(parent, directory))).mode & 0o777, 0o700);
  const files = await readdir(join(parent, directory));
  t.equal(files.length, 2, 'two files spilled');
  for (const file of files) {
    t.match(file, /^[0-9a-f]{32}$/);
    t.equal((await stat(join(parent, directory, file))).mode & 0o777, 0o600);
  }
  await spool.dispose();
  t.same(await readdir(parent), []);
});

t.test('a limit thrown by onBytes stops the transfer; the spool file is closed and disposable', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'spool-test-'));
  t.teardown(() => rm(parent, { recursive: true, force: true }));
  const spool = new UploadSpool(parent, { perFileBytes: 1, totalBytes: 1 });
  let seen = 0;
  await t.rejects(
    spool.store(chunks('12', '34', '56'), (bytes) => {
      seen += bytes;
      if (seen > 4) throw new Error('over');
    }),
    { message: 'over' },
  );
  await spool.dispose();
  t.same(await readdir(parent), []);
});

t.test('a spool directory that cannot be made is STOWAGE_IO', async (t) => {
  const spool = new UploadSpool(join(tmpdir(), 'no-such-parent-' + String(process.pid), 'deeper'), { perFileBytes: 0, totalBytes: 0 });
  await t.rejects(spool.store(chunks('x'), () => undefined), { code: 'STOWAGE_IO' });
  await spool.dispose();
  const empty = await new UploadSpool().store(chunks(), () => undefined);
  t.equal(empty.size, 0);
});
