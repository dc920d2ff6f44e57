import { createHash } from 'node:crypto';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { htpasswdAuth, type AuthRequest } from '../../../src/http/auth/index.js';
import { createHtpasswdFile } from '../../../src/http/auth/htpasswd-file.js';

function entry(user: string, password: string): string {
  return `${user}:{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}\n`;
}

function basic(credentials: string): AuthRequest {
  return { method: 'GET', headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}

/** Rewrites `file` and moves its mtime by `seconds`, so the change is seen whatever the mtime granularity. */
async function rewrite(file: string, contents: string, seconds: number): Promise<void> {
  await writeFile(file, contents);
  const when = new Date(Date.now() + seconds * 1000);
  await utimes(file, when, when);
}

t.test('the file is stat-ed at most once per interval and re-read when it changes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-htpasswd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'htpasswd');
  await writeFile(file, entry('alice', 'one'));
  let clock = 1_000_000;
  const watched = createHtpasswdFile({ file, now: () => clock });

  t.ok((await watched.current()).users.has('alice'));
  await rewrite(file, entry('bob', 'two'), 10);
  clock += 999;
  t.ok((await watched.current()).users.has('alice'), 'within the interval, no stat');
  clock += 1;
  const [first, second] = await Promise.all([watched.current(), watched.current()]);
  t.equal(first, second, 'concurrent callers share one reload');
  t.ok(first.users.has('bob'));
  t.notOk(first.users.has('alice'));

  clock += 1000;
  t.equal(await watched.current(), first, 'an unchanged file is not re-read');

  await rewrite(file, 'bob:plaintext\n', 20);
  clock += 1000;
  await t.rejects(watched.current(), { code: 'STOWAGE_UNAVAILABLE', cause: { code: 'STOWAGE_INVALID_CONFIG' } });
  await t.rejects(watched.current(), { code: 'STOWAGE_UNAVAILABLE' }, 'fails closed until the next check');

  await rewrite(file, entry('carol', 'three'), 30);
  clock += 1000;
  t.ok((await watched.current()).users.has('carol'), 'recovers once the file is valid again');

  await rm(file);
  clock += 1000;
  await t.rejects(watched.current(), { code: 'STOWAGE_UNAVAILABLE', cause: { code: 'STOWAGE_INVALID_CONFIG' } });
  await writeFile(file, entry('dave', 'four'));
  clock += 1000;
  t.ok((await watched.current()).users.has('dave'), 'recovers from a missing file even with the old mtime');
});

t.test('an invalid file is refused at load', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-htpasswd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'htpasswd');
  await writeFile(file, `${entry('alice', 'one')}alice:rqXexS6ZhobKA\n`);
  t.throws(() => createHtpasswdFile({ file }), { code: 'STOWAGE_INVALID_CONFIG', message: /line 2/ });
  t.throws(() => createHtpasswdFile({ file: dir }), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.test('htpasswdAuth picks up a changed file after a second', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'stowage-htpasswd-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'htpasswd');
  await writeFile(file, entry('alice', 'one'));
  const auth = htpasswdAuth({ file }, 'files');
  t.same(await auth(basic('alice:one')), { name: 'alice' });
  await rewrite(file, entry('alice', 'changed'), 10);
  await sleep(1100);
  t.same(await auth(basic('alice:changed')), { name: 'alice' });
  await t.rejects(auth(basic('alice:one')), { code: 'STOWAGE_UNAUTHENTICATED' });
});
