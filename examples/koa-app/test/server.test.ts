import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { describeServer, startServer, type RunningServer } from '../src/server.js';

async function uploadAs(server: RunningServer, token: string, text: string): Promise<Response> {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), 'hello.txt');
  return fetch(`${server.url}/api/reports`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
}

t.test('in a temporary directory: upload, read back, and the directory is gone after close', async (t) => {
  const errors: unknown[] = [];
  const server = await startServer({ port: 0, onError: (error) => errors.push(error) });
  t.teardown(() => server.close());
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const text = describeServer(server);
  for (const expected of [server.url, server.directory, server.tokens.alice, server.tokens.bob, 'curl']) t.ok(text.includes(expected), expected);

  const created = await uploadAs(server, server.tokens.alice, 'hello from the example');
  t.equal(created.status, 201);
  const location = created.headers.get('location') ?? '';
  t.match(location, /^\/media\/[0-9a-f]{64}\/hello\.txt$/);
  await created.arrayBuffer();
  const read = await fetch(`${server.url}${location}`, { headers: { authorization: `Bearer ${server.tokens.alice}` } });
  t.equal(await read.text(), 'hello from the example');
  const bob = await fetch(`${server.url}${location}`, { headers: { authorization: `Bearer ${server.tokens.bob}` } });
  t.equal(bob.status, 403, 'reports are private to their uploader');
  await bob.arrayBuffer();

  await server.close();
  await server.close();
  await t.rejects(access(server.directory), 'the temporary directory is deleted');
  t.same(errors, []);
});

t.test('with a directory: files, catalog and salt survive a restart', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-example-dir-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const first = await startServer({ port: 0, dir: directory });
  const created = await uploadAs(first, first.tokens.alice, 'kept');
  const location = created.headers.get('location') ?? '';
  await created.arrayBuffer();
  await first.close();

  const second = await startServer({ port: 0, dir: directory });
  t.teardown(() => second.close());
  t.not(second.tokens.alice, first.tokens.alice, 'tokens are new on every start');
  const read = await fetch(`${second.url}${location}`, { headers: { authorization: `Bearer ${second.tokens.alice}` } });
  t.equal(read.status, 200, 'the same user name reads what she uploaded before the restart');
  t.equal(await read.text(), 'kept');
  await second.close();
  await access(join(directory, 'catalog.db'));
  await access(join(directory, 'salt'));
});

t.test('a port in use rejects, after closing the store', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const directory = await mkdtemp(join(tmpdir(), 'stowage-example-dir-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const port = (blocker.address() as { port: number }).port;
  await t.rejects(startServer({ port, dir: directory }), { code: 'EADDRINUSE' });
});
