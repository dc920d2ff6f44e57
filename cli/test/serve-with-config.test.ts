import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { loadServeConfig } from '../src/config/load-config.js';
import { parseServeConfig } from '../src/config/serve-config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { runCli, spawnServe, stopServe } from './helpers/cli-process.js';

const ALICE = 'alice-token-0123456789';
const BOB = 'bob-token-0123456789ab';
const DAVE = 'dave-token-0123456789a';

async function folder(t: Test): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-serve-config-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

async function start(t: Test, directory: string, value: object): Promise<RunningServer> {
  const file = join(directory, 'stowage.json');
  await writeFile(file, JSON.stringify({ port: 0, ...value }));
  const server = await startServer(await loadServeConfig(file));
  t.teardown(() => server.close());
  return server;
}

async function put(server: RunningServer, headers: Record<string, string>, body = 'bytes', name = 'file.txt'): Promise<Response> {
  return fetch(`${server.url}${server.config.mediaPrefix}`, {
    method: 'POST',
    body,
    headers: { 'x-filename': name, 'content-type': 'application/octet-stream', ...headers },
  });
}

/** A CouchDB `_session` stand-in: the cookie `AuthSession=carol` is carol, anything else 401. */
async function sessionServer(t: Test): Promise<string> {
  const server = createServer((request, response) => {
    const carol = request.headers.cookie === 'AuthSession=carol';
    response.writeHead(carol ? 200 : 401, { 'content-type': 'application/json' });
    response.end(JSON.stringify(carol ? { ok: true, userCtx: { name: 'carol', roles: ['staff'] } } : { error: 'unauthorized' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/_session`;
}

t.test('auth from the configuration: tokens, a token file, htpasswd and forward-auth, in that order', async (t) => {
  const directory = await folder(t);
  await writeFile(join(directory, 'tokens.json'), JSON.stringify({ [BOB]: { name: 'bob', groups: ['staff'] } }));
  const sha = createHash('sha1').update('dave-password').digest('base64');
  await writeFile(join(directory, 'users.htpasswd'), `dave:{SHA}${sha}\n`);
  const server = await start(t, directory, {
    dataDir: 'data',
    auth: { tokens: { [ALICE]: 'alice' }, tokenFile: 'tokens.json', htpasswdFile: 'users.htpasswd', forwardAuth: { url: await sessionServer(t), timeoutMs: 5000 } },
    uploads: true,
  });
  t.equal(server.directory, join(directory, 'data'));
  const created = await put(server, { authorization: `Bearer ${ALICE}`, 'x-stowage-readers': 'group:staff' });
  t.equal(created.status, 201);
  const location = created.headers.get('location') as string;
  await created.arrayBuffer();
  const basic = `Basic ${Buffer.from('dave:dave-password').toString('base64')}`;
  for (const [label, headers, status] of [
    ['alice (token)', { authorization: `Bearer ${ALICE}` }, 200],
    ['bob (token file, group staff)', { authorization: `Bearer ${BOB}` }, 200],
    ['carol (forward-auth, role staff)', { cookie: 'AuthSession=carol' }, 200],
    ['dave (htpasswd, not a reader)', { authorization: basic }, 403],
    ['a wrong password', { authorization: `Basic ${Buffer.from('dave:nope').toString('base64')}` }, 401],
    ['an unknown session', { cookie: 'AuthSession=mallory' }, 401],
    ['anonymous', {}, 401],
  ] as const) {
    const response = await fetch(`${server.url}${location}`, { headers });
    t.equal(response.status, status, label);
    await response.arrayBuffer();
  }
  const anonymous = await put(server, {});
  t.equal(anonymous.status, 401, 'anonymous uploads are refused');
  await anonymous.arrayBuffer();
});

t.test('a custom token header, hideExistence, upload limits and a root mount', async (t) => {
  const directory = await folder(t);
  const server = await start(t, directory, {
    dataDir: 'data',
    mediaPrefix: '/',
    auth: { tokens: { [ALICE]: 'alice', [DAVE]: 'dave' }, tokenHeader: 'X-Charon-API-token' },
    uploads: { maxFileBytes: 10 },
    permissions: { hideExistence: true },
  });
  const created = await put(server, { 'x-charon-api-token': ALICE });
  t.equal(created.status, 201);
  const location = created.headers.get('location') as string;
  t.match(location, /^\/[0-9a-f]{64}\/file\.txt$/, 'mounted at the root');
  await created.arrayBuffer();
  const hidden = await fetch(`${server.url}${location}`, { headers: { 'x-charon-api-token': DAVE } });
  t.equal(hidden.status, 404, 'a principal that may not read sees nothing');
  await hidden.arrayBuffer();
  const tooLarge = await put(server, { 'x-charon-api-token': ALICE }, 'more than ten bytes');
  t.equal(tooLarge.status, 413);
  await tooLarge.arrayBuffer();
});

t.test('delivery per shard: x-accel and x-sendfile answers from Node, streamed otherwise', async (t) => {
  const directory = await folder(t);
  const server = await start(t, directory, {
    dataDir: 'data',
    shards: [
      { name: 'a', root: 'a', delivery: { mode: 'x-accel', internalPrefix: '/_a' } },
      { name: 'b', root: 'b', active: false },
    ],
    auth: { tokens: { [ALICE]: 'alice' } },
    uploads: true,
  });
  const created = await put(server, { authorization: `Bearer ${ALICE}`, 'x-stowage-visibility': 'public' });
  const location = created.headers.get('location') as string;
  await created.arrayBuffer();
  const accel = await fetch(`${server.url}${location}`);
  t.match(accel.headers.get('x-accel-redirect'), /^\/_a\/blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/, 'the only active shard took it');
  t.equal(await accel.text(), '');
  await server.close();
  const sendfile = await startServer({
    ...server.config,
    port: 0,
    storage: { single: false, shards: server.config.storage.shards.map((shard) => ({ ...shard, delivery: { mode: 'x-sendfile' as const } })) },
  });
  t.teardown(() => sendfile.close());
  const answer = await fetch(`${sendfile.url}${location}`);
  t.match(answer.headers.get('x-sendfile'), new RegExp(`^${join(directory, 'a')}/blobs/`));
  await answer.arrayBuffer();
});

t.test('startup failures are STOWAGE_INVALID_CONFIG or the listen error, and leave nothing open', async (t) => {
  const directory = await folder(t);
  const config = (value: object) => parseServeConfig({ port: 0, dataDir: 'data', ...value }, directory);
  await t.rejects(startServer(config({ root: '.' })), { code: 'STOWAGE_INVALID_CONFIG' }, 'data inside the root');
  await t.rejects(startServer(config({ auth: { tokenFile: 'missing.json' } })), { code: 'STOWAGE_INVALID_CONFIG' }, 'no token file');
  await writeFile(join(directory, 'bad.json'), '["x"]');
  await t.rejects(startServer(config({ auth: { tokenFile: 'bad.json' } })), { code: 'STOWAGE_INVALID_CONFIG' }, 'a token file of the wrong shape');
  await writeFile(join(directory, 'again.json'), JSON.stringify({ [ALICE]: 'bob' }));
  await t.rejects(startServer(config({ auth: { tokens: { [ALICE]: 'alice' }, tokenFile: 'again.json' } })), { code: 'STOWAGE_INVALID_CONFIG' }, 'a token twice');
  await t.rejects(startServer(config({ auth: { htpasswdFile: 'missing' } })), { code: 'STOWAGE_INVALID_CONFIG' }, 'no htpasswd file');
  await writeFile(join(directory, 'a-file'), 'not a directory');
  await t.rejects(startServer(config({ shards: [{ name: 'a', root: 'ok' }, { name: 'b', root: 'a-file/x' }] })), 'a root that cannot be created');
  const first = await startServer(config({}));
  t.teardown(() => first.close());
  await t.rejects(startServer({ ...config({ dataDir: 'other' }), port: first.config.port }), { code: 'EADDRINUSE' });
  await first.close();
  const again = await startServer({ ...config({}), port: first.config.port });
  t.pass('the catalog and the port were released');
  await again.close();
});

t.test('stowage serve --config: --port and --dir win over the file; data kept; no demo token', async (t) => {
  const directory = await folder(t);
  const file = join(directory, 'stowage.json');
  await writeFile(file, JSON.stringify({ port: 1, dataDir: 'ignored', shards: [{ name: 'a', root: 'a', weight: 3 }, { name: 'b', root: 'b', active: false }] }));
  const running = await spawnServe(['--config', file, '--port', '0', '--dir', join(directory, 'data')], /downloads: /);
  t.teardown(() => running.child.kill('SIGKILL'));
  t.equal(running.directory, join(directory, 'data'));
  t.match(running.output, /a -> .*\/a \(stream, weight 3\)/);
  t.match(running.output, /b -> .*\/b \(stream, inactive\)/);
  t.match(running.output, /auth: +none/);
  t.match(running.output, /uploads: +off/);
  t.notMatch(running.output, /token/);
  const upload = await fetch(`${running.url}/media`, { method: 'POST', body: 'x', headers: { 'x-filename': 'x.txt' } });
  t.equal(upload.status, 404, 'uploads are off unless configured');
  await upload.arrayBuffer();
  t.equal(await stopServe(running), 0);
  await access(join(directory, 'data', 'catalog.db'));
  await t.rejects(access(join(directory, 'ignored')), 'the file\'s dataDir was overridden');
  const busy = await startServer(parseServeConfig({ port: 0 }, directory));
  t.teardown(() => busy.close());
  const failed = await runCli(['serve', '--config', file, '--port', String(busy.config.port), '--dir', join(directory, 'data')]);
  t.equal(failed.code, 1, 'a runtime failure (the port is taken) exits 1');
  t.match(failed.stderr, /EADDRINUSE/);
});
