import { createHash } from 'node:crypto';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isStowageError } from '@stowage/core';
import { DEFAULT_PORT, parseFileserverArguments } from '../src/arguments.js';
import { describeFileserver, startFileserver } from '../src/fileserver.js';

t.test('arguments: the defaults, the original spelling, and refusals', async (t) => {
  t.same(parseFileserverArguments([]), { port: DEFAULT_PORT, host: '127.0.0.1', help: false });
  t.equal(DEFAULT_PORT, 9999);
  t.same(parseFileserverArguments(['runserver', '8080', '--directory', '/srv/fs']), { port: 8080, host: '127.0.0.1', dir: '/srv/fs', help: false });
  t.same(parseFileserverArguments(['--port', '0', '--host', '0.0.0.0', '--dir', 'd', '--htpasswd', 'h']), { port: 0, host: '0.0.0.0', dir: 'd', htpasswd: 'h', help: false });
  t.equal(parseFileserverArguments(['-h']).help, true);
  for (const args of [['--port', '65536'], ['--port', '-1'], ['--port'], ['x', 'y'], ['1', '--port', '2'], ['--dir', 'a', '--directory', 'b'], ['--nope'], ['runserver', '1', '2']]) {
    try {
      parseFileserverArguments(args);
      t.fail(`accepted ${args.join(' ')}`);
    } catch (error) {
      t.ok(isStowageError(error, 'STOWAGE_INVALID_CONFIG'), args.join(' '));
    }
  }
});

t.test('a fileserver in process: an IPv6 address, a port in use, the banner', async (t) => {
  const first = await startFileserver({ port: 0, host: '::1' });
  t.match(first.url, /^http:\/\/\[::1\]:\d+$/);
  t.match(describeFileserver(first, true), /curl -u USER:PASSWORD -F/);
  t.match(describeFileserver(first, false), /temporary, deleted on exit/);
  const port = Number(new URL(first.url).port);
  await t.rejects(startFileserver({ port, host: '::1' }), { code: 'EADDRINUSE' });
  await Promise.all([first.close(), first.close()]);
  await t.rejects(access(first.directory));
});

t.test('a fileserver in process with a kept directory and an htpasswd file', async (t) => {
  const scratch = await mkdtemp(join(tmpdir(), 'recodex-units-'));
  t.teardown(() => rm(scratch, { recursive: true, force: true }));
  const htpasswd = join(scratch, 'htpasswd');
  await writeFile(htpasswd, `re:{SHA}${createHash('sha1').update('codex').digest('base64')}\n`);
  const fileserver = await startFileserver({ port: 0, host: '127.0.0.1', dir: join(scratch, 'data'), htpasswd });
  t.equal(fileserver.temporary, false);
  t.notMatch(describeFileserver(fileserver, true), /temporary/);
  const anonymous = await fetch(`${fileserver.url}/results/x.zip`, { method: 'PUT', body: 'r' });
  t.equal(anonymous.status, 401);
  await anonymous.arrayBuffer();
  const stored = await fetch(`${fileserver.url}/results/x.zip`, { method: 'PUT', body: 'r', headers: { authorization: `Basic ${Buffer.from('re:codex').toString('base64')}` } });
  t.equal(stored.status, 200);
  await stored.arrayBuffer();
  await fileserver.close();
  await access(join(scratch, 'data', 'results', 'x.zip'));
});
