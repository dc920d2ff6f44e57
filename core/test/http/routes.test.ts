import { connect } from 'node:net';
import t from 'tap';
import { createHandler } from '../../src/http/index.js';
import { bearer, httpFixture } from './helpers/http-fixture.js';
import { rawRequest } from './helpers/media-server.js';

/** Sends bytes on a raw socket and returns everything the server wrote before closing. */
function rawSocket(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

t.test('encoded-path attacks are 400 or 404 before any I/O, and never leak', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('a.txt', 'root-secret', { visibility: 'public' });
  const before = f.facadeCalls();
  const cases: [string, number][] = [
    [`/media/${key.id}/..%2F..%2Fetc%2Fpasswd`, 404],
    ['/media/..%2F..%2Fetc/passwd', 404],
    ['/media/%2e%2e/x', 404],
    ['/media/.%2e/x', 404],
    [`/media/${key.id}/../${key.id}/a.txt`, 404],
    [`/media/${key.id}/%2e%2e`, 404],
    [`/media/${key.id}%00/x`, 400],
    [`/media/${key.id}/a%00.txt`, 400],
    [`/media/${key.id}/%E0%A4%A`, 400],
    [`/media/${key.id}//evil.com`, 404],
    [`/media/${key.id}/%2F%2Fevil.com`, 404],
    [`/media/${key.id}/a%5C..%5Ca.txt`, 404],
    [`/media//${key.id}/a.txt`, 404],
    [`/media/${key.id}/a.txt/`, 404],
    [`/media/${key.id.toUpperCase()}/a.txt`, 404],
    [`/media/${key.id}`, 404],
  ];
  for (const [target, status] of cases) {
    const res = await rawRequest(f.port, 'GET', target);
    t.equal(res.status, status, target);
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    t.equal(res.headers['cache-control'], 'no-store');
    t.equal(res.headers.location, undefined, 'D5: no redirect from a malformed path');
    const body = JSON.parse(res.body.toString()) as { code: string };
    t.equal(body.code, status === 400 ? 'STOWAGE_INVALID_PATH' : 'STOWAGE_NOT_FOUND');
    t.notMatch(res.body.toString(), /root-secret|\/etc|passwd/);
  }
  t.equal(f.facadeCalls(), before, 'no request reached the facade');
  const slashes = await rawSocket(f.port, `GET //evil.com/%2e%2e HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  t.match(slashes, /^HTTP\/1\.1 418/, 'D5: //evil.com is not under the prefix');
  t.notMatch(slashes, /location:/i);
});

t.test('methods: 405 with Allow, uploads off 404', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('a.txt', 'x', { visibility: 'public' });
  for (const method of ['POST', 'PUT', 'PATCH', 'OPTIONS']) {
    const res = await rawRequest(f.port, method, f.url(key), {}, method === 'OPTIONS' ? undefined : 'body');
    t.equal(res.status, 405, method);
    t.equal(res.headers.allow, 'GET, HEAD, DELETE');
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
  }
  t.equal((await rawRequest(f.port, 'GET', `/media/${'f'.repeat(64)}.zip`)).status, 404, 'the zip of an unknown id');
  t.equal((await rawRequest(f.port, 'POST', '/media', { 'x-filename': 'a.txt' }, 'x')).status, 404, 'uploads are off by default');
  t.equal((await rawRequest(f.port, 'GET', '/media')).status, 404);
});

t.test('DELETE: modify permission, 204 once, then 404; the blob stays for the sweep', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('doomed ü.txt', 'delete me', { visibility: 'public' });
  const anonymous = await rawRequest(f.port, 'DELETE', f.url(key));
  t.equal(anonymous.status, 401);
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="stowage"');
  t.equal((await rawRequest(f.port, 'DELETE', f.url(key), bearer('bob'))).status, 403, 'reading is not modifying');
  t.equal((await rawRequest(f.port, 'GET', f.url(key))).status, 200, 'refused deletes removed nothing');
  const nfd = `/media/${key.id}/${encodeURIComponent(key.filename.normalize('NFD'))}`;
  const deleted = await rawRequest(f.port, 'DELETE', nfd, bearer('alice'));
  t.equal(deleted.status, 204);
  t.equal(deleted.body.length, 0);
  t.equal(deleted.headers['cache-control'], 'no-store');
  t.equal((await rawRequest(f.port, 'GET', f.url(key))).status, 404);
  const again = await rawRequest(f.port, 'DELETE', f.url(key), bearer('alice'));
  t.equal(again.status, 404, 'a repeated DELETE is a 404');
  t.equal(JSON.parse(again.body.toString()).code, 'STOWAGE_NOT_FOUND');
  t.equal((await rawRequest(f.port, 'DELETE', `/media/${'0'.repeat(64)}/x`, bearer('alice'))).status, 404);
  const report = await f.stowage.fsck();
  t.ok(report.clean, 'the catalog is consistent after the delete');
});

t.test('requests outside the prefix are left to the application', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  for (const target of ['/', '/mediax', '/other/media/x', '/%6Dedia/x', `/elsewhere/${'a'.repeat(10_000)}`]) {
    const res = await rawRequest(f.port, 'GET', target);
    t.equal(res.status, 418, target.slice(0, 30));
  }
  t.equal(f.server.passedThrough(), 5);
});

t.test('a request target over 8 KiB under the prefix is 414', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const res = await rawRequest(f.port, 'GET', `/media/${'a'.repeat(64)}/${'a'.repeat(9000)}`);
  t.equal(res.status, 414);
  t.equal(JSON.parse(res.body.toString()).code, 'STOWAGE_INVALID_PATH');
  const encoded = await rawRequest(f.port, 'GET', `/media/${'a'.repeat(64)}/${'%61'.repeat(2800)}!`);
  t.equal(encoded.status, 414, 'the raw length counts, not the decoded one');
  const justUnder = await rawRequest(f.port, 'GET', `/media/${'a'.repeat(64)}/${'a'.repeat(8192 - 72)}`);
  t.equal(justUnder.status, 404, 'at the limit the target is parsed (and unknown)');
});

t.test('a custom prefix moves every route, and Location follows it', async (t) => {
  const f = await httpFixture({ prefix: '/files/v1/' });
  t.teardown(() => f.server.close());
  const v1 = await f.put('a.txt', 'one', { visibility: 'public' });
  const v2 = await f.put('b.txt', 'two', { visibility: 'public' });
  await f.stowage.replace(v1, v2, { principal: { name: 'alice' } });
  t.equal((await rawRequest(f.port, 'GET', f.url(v2, '/files/v1'))).status, 200);
  t.equal((await rawRequest(f.port, 'GET', f.url(v2))).status, 418, 'the default prefix is not served');
  t.equal((await rawRequest(f.port, 'GET', f.url(v1, '/files/v1'))).headers.location, f.url(v2, '/files/v1'));

  const root = await httpFixture({ prefix: '/' });
  t.teardown(() => root.server.close());
  const r1 = await root.put('a.txt', 'one', { visibility: 'public' });
  const r2 = await root.put('b.txt', 'two', { visibility: 'public' });
  await root.stowage.replace(r1, r2, { principal: { name: 'alice' } });
  const redirect = await rawRequest(root.port, 'GET', root.url(r1, ''));
  t.equal(redirect.headers.location, root.url(r2, ''));
  t.notOk(String(redirect.headers.location).startsWith('//'));
});

t.test('invalid options are STOWAGE_INVALID_CONFIG at creation', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const bad: unknown[] = [
    null,
    { prefix: 5 },
    { prefix: 'media' },
    { prefix: '//media' },
    { prefix: '/a/../b' },
    { prefix: '/a b' },
    { prefix: '/%6D' },
    { auth: 'token' },
    { auth: [1] },
    { uploads: 'yes' },
    { delivery: 5 },
    { delivery: { default: { mode: 'magic' } } },
    { delivery: { default: null } },
    { delivery: { default: { mode: 'x-accel' } } },
    { delivery: { default: { mode: 'x-accel', internalPrefix: '/' } } },
    { delivery: { default: { mode: 'x-sendfile', backend: 'disk' } } },
  ];
  for (const options of bad) {
    t.throws(() => createHandler(f.stowage, options as never), { code: 'STOWAGE_INVALID_CONFIG' }, JSON.stringify(options));
  }
  t.doesNotThrow(() => createHandler(f.stowage, { delivery: { default: { mode: 'stream' } }, uploads: { maxFiles: 2 }, hideExistence: true }));
});
