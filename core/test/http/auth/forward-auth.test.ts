import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { couchdbSessionPrincipal, forwardAuth, type AuthRequest } from '../../../src/http/auth/index.js';
import { startSessionServer, type SessionServer } from '../../helpers/couch-session-server.js';

const users = [
  { name: 'alice', roles: ['physicists', '_admin'], cookie: 'alice-session', password: 'a:pw' },
  { name: 'bob', roles: [], cookie: 'bob-session', password: 'b' },
];

let upstream: SessionServer;
t.before(async () => {
  upstream = await startSessionServer(users);
});
t.teardown(() => upstream.close());

function request(headers: AuthRequest['headers'], signal?: AbortSignal): AuthRequest {
  return { method: 'GET', headers, ...(signal === undefined ? {} : { signal }) };
}

function basic(credentials: string): string {
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

t.test('a CouchDB session cookie names the principal, roles as groups, _admin as admin', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/_session` });
  t.same(await auth(request({ cookie: 'AuthSession=alice-session; theme=dark' })), {
    name: 'alice',
    groups: ['physicists', '_admin'],
    admin: true,
  });
  t.same(await auth(request({ cookie: 'AuthSession=bob-session' })), { name: 'bob', groups: [] });
  t.same(await auth(request({ authorization: basic('alice:a:pw') })), { name: 'alice', groups: ['physicists', '_admin'], admin: true });
});

t.test('only Cookie and Authorization are forwarded', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/_session` });
  const before = upstream.received.length;
  await auth(request({ cookie: 'AuthSession=bob-session', authorization: basic('bob:b'), 'x-secret': 'no', host: 'evil' }));
  const seen = upstream.received[before];
  t.equal(seen?.cookie, 'AuthSession=bob-session');
  t.equal(seen?.authorization, basic('bob:b'));
  t.equal(seen?.['x-secret'], undefined);
  t.not(seen?.host, 'evil');
  await auth(request({ cookie: ['a=1', 'AuthSession=bob-session'] }));
  t.equal(upstream.received[before + 1]?.cookie, 'a=1; AuthSession=bob-session');
});

t.test('no credentials on the request is null without calling the upstream', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/_session` });
  const before = upstream.received.length;
  t.equal(await auth(request({})), null);
  t.equal(await auth(request({ cookie: '', authorization: '  ' })), null);
  t.equal(await auth(request({ 'x-charon-api-token': 'abc' })), null);
  t.equal(upstream.received.length, before);
});

t.test('an anonymous session is null', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/_session` });
  t.equal(await auth(request({ cookie: 'AuthSession=expired' })), null);
});

t.test('refused credentials are STOWAGE_UNAUTHENTICATED', async (t) => {
  await t.rejects(forwardAuth({ url: `${upstream.origin}/_session` })(request({ authorization: basic('bob:wrong') })), {
    code: 'STOWAGE_UNAUTHENTICATED',
  });
  await t.rejects(forwardAuth({ url: `${upstream.origin}/forbidden` })(request({ cookie: 'a=b' })), {
    code: 'STOWAGE_UNAUTHENTICATED',
  });
});

t.test('malformed credential headers are refused without calling the upstream', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/_session` });
  const before = upstream.received.length;
  for (const headers of [
    { cookie: 'a=b\r\nx-injected: 1' },
    { cookie: 'a=\u0000' },
    { cookie: 'a=\u2603' },
    { cookie: `a=${'b'.repeat(9000)}` },
    { authorization: [basic('bob:b'), basic('alice:a:pw')] },
  ]) {
    await t.rejects(auth(request(headers)), { code: 'STOWAGE_UNAUTHENTICATED' });
  }
  t.equal(upstream.received.length, before);
});

t.test('an upstream that fails or answers garbage is STOWAGE_UNAVAILABLE', async (t) => {
  for (const path of ['/status/500', '/status/502', '/status/404', '/status/400', '/redirect', '/not-json', '/huge', '/odd']) {
    const error = await forwardAuth({ url: `${upstream.origin}${path}` })(request({ cookie: 'a=b' })).catch((e: unknown) => e);
    t.match(error, { code: 'STOWAGE_UNAVAILABLE', retryable: true, status: 503 }, path);
  }
  await t.rejects(forwardAuth({ url: `${upstream.origin}/status/503` })(request({ cookie: 'a=b' })), {
    code: 'STOWAGE_UNAVAILABLE',
    retryAfterMs: 7000,
  });
});

t.test('a slow upstream times out as STOWAGE_UNAVAILABLE', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/slow`, timeoutMs: 200 });
  await t.rejects(auth(request({ cookie: 'a=b' })), { code: 'STOWAGE_UNAVAILABLE', retryable: true });
});

t.test('the request signal aborting is STOWAGE_ABORTED', async (t) => {
  const auth = forwardAuth({ url: `${upstream.origin}/slow` });
  const controller = new AbortController();
  const pending = auth(request({ cookie: 'a=b' }, controller.signal));
  setImmediate(() => controller.abort());
  await t.rejects(pending, { code: 'STOWAGE_ABORTED' });
  await t.rejects(auth(request({ cookie: 'a=b' }, AbortSignal.abort())), { code: 'STOWAGE_ABORTED' });
});

t.test('a closed port is STOWAGE_UNAVAILABLE', async (t) => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await t.rejects(forwardAuth({ url: `http://127.0.0.1:${port}/_session` })(request({ cookie: 'a=b' })), {
    code: 'STOWAGE_UNAVAILABLE',
  });
});

t.test('a custom principalOf reads other answers', async (t) => {
  const fromOdd = forwardAuth({
    url: `${upstream.origin}/odd`,
    principalOf: (body, response) => {
      t.equal(response.status, 200);
      return { name: (body as { user: string }).user };
    },
  });
  t.same(await fromOdd(request({ cookie: 'a=b' })), { name: 'alice' });
  const anonymous = forwardAuth({ url: `${upstream.origin}/odd`, principalOf: () => null });
  t.equal(await anonymous(request({ cookie: 'a=b' })), null);
  const throwsPlain = forwardAuth({
    url: `${upstream.origin}/odd`,
    principalOf: () => {
      throw new TypeError('bug');
    },
  });
  await t.rejects(throwsPlain(request({ cookie: 'a=b' })), { code: 'STOWAGE_UNAVAILABLE' });
  const notAPrincipal = forwardAuth({ url: `${upstream.origin}/odd`, principalOf: () => ({ name: '' }) });
  await t.rejects(notAPrincipal(request({ cookie: 'a=b' })), { code: 'STOWAGE_UNAVAILABLE' });
});

t.test('the CouchDB reader refuses other shapes', async (t) => {
  t.same(couchdbSessionPrincipal({ ok: true, userCtx: { name: 'x' } }), { name: 'x', groups: [] });
  for (const body of [null, [], 'x', {}, { userCtx: [] }, { userCtx: { name: 7 } }, { userCtx: { name: '' } }, { userCtx: { name: 'x', roles: 'r' } }, { userCtx: { name: 'x', roles: [1] } }]) {
    t.throws(() => couchdbSessionPrincipal(body), { code: 'STOWAGE_UNAVAILABLE' }, JSON.stringify(body));
  }
});

t.test('invalid options are STOWAGE_INVALID_CONFIG', async (t) => {
  const invalid: unknown[] = [
    { url: 'not a url' },
    { url: 'ftp://127.0.0.1/_session' },
    { url: 7 },
    { url: 'http://127.0.0.1/', timeoutMs: 0 },
    { url: 'http://127.0.0.1/', timeoutMs: 1.5 },
    { url: 'http://127.0.0.1/', timeoutMs: 10_000_000 },
    { url: 'http://127.0.0.1/', principalOf: 'x' },
  ];
  for (const options of invalid) {
    t.throws(() => forwardAuth(options as Parameters<typeof forwardAuth>[0]), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});
