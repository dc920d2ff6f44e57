import t from 'tap';
import { bearer, httpFixture } from './helpers/http-fixture.js';
import { rawRequest } from './helpers/media-server.js';

const TEXT = 'hello, range world: 0123456789';

t.test('a public entry answers 200 with every header of DESIGN §3', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('hello.txt', TEXT, { visibility: 'public' });
  const res = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(res.status, 200);
  t.equal(res.body.toString(), TEXT);
  t.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  t.equal(res.headers['content-length'], String(TEXT.length));
  t.match(res.headers.etag, /^"[0-9a-f]{64}"$/);
  t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  t.equal(res.headers['accept-ranges'], 'bytes');
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.equal(res.headers['content-disposition'], 'inline; filename="hello.txt"');
  t.ok(res.headers['last-modified'] !== undefined && !Number.isNaN(Date.parse(res.headers['last-modified'])));
});

t.test('decision order: 404 unknown, 401 anonymous, 403 forbidden, 404 hidden', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('secret.txt', 'private bytes', { readers: ['bob'] });

  const unknown = await rawRequest(f.port, 'GET', `/media/${'0'.repeat(64)}/secret.txt`);
  t.equal(unknown.status, 404);
  t.same(JSON.parse(unknown.body.toString()), { error: JSON.parse(unknown.body.toString()).error, code: 'STOWAGE_NOT_FOUND' });
  const unknownAuthed = await rawRequest(f.port, 'GET', `/media/${'0'.repeat(64)}/secret.txt`, bearer('bob'));
  t.equal(unknownAuthed.status, 404, 'D7: same for an authenticated caller');
  t.equal(unknownAuthed.body.toString(), unknown.body.toString(), 'D7: same body');

  const anonymous = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(anonymous.status, 401);
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="stowage"');
  t.equal(anonymous.headers['cache-control'], 'no-store');
  t.equal(anonymous.headers['content-type'], 'application/json; charset=utf-8');
  t.equal(anonymous.headers['x-content-type-options'], 'nosniff');
  t.equal(JSON.parse(anonymous.body.toString()).code, 'STOWAGE_UNAUTHENTICATED');
  for (const name of ['content-disposition', 'etag', 'last-modified', 'content-range']) t.notOk(name in anonymous.headers, `D8: no ${name}`);

  const forbidden = await rawRequest(f.port, 'GET', f.url(key), bearer('mallory'));
  t.equal(forbidden.status, 403);
  t.equal(JSON.parse(forbidden.body.toString()).code, 'STOWAGE_FORBIDDEN');
  t.notOk('etag' in forbidden.headers, 'D9: no ETag');

  const reader = await rawRequest(f.port, 'GET', f.url(key), bearer('bob'));
  t.equal(reader.status, 200);
  t.equal(reader.body.toString(), 'private bytes');
  t.equal(reader.headers['cache-control'], 'private, no-store', 'D23: private stays private');

  const wrongToken = await rawRequest(f.port, 'GET', f.url(key), { authorization: 'Bearer wrong-token-0123456789' });
  t.equal(wrongToken.status, 401, 'refused credentials are 401');
  t.equal(wrongToken.headers['www-authenticate'], 'Bearer realm="stowage"');

  const hiding = await httpFixture({}, { permissions: { hideExistence: true } });
  t.teardown(() => hiding.server.close());
  const hidden = await hiding.put('secret.txt', 'x');
  const hiddenRes = await rawRequest(hiding.port, 'GET', hiding.url(hidden), bearer('mallory'));
  t.equal(hiddenRes.status, 404);
  const missing = await rawRequest(hiding.port, 'GET', `/media/${hidden.id}/other.txt`, bearer('mallory'));
  t.equal(hiddenRes.body.toString().replace('secret.txt', 'other.txt'), missing.body.toString(), 'hidden is a plain 404');
});

t.test('without strategies a 401 still carries a challenge; an adapter principal skips the strategies', async (t) => {
  const f = await httpFixture({ auth: [] });
  t.teardown(() => f.server.close());
  const key = await f.put('secret.txt', 'x');
  const res = await rawRequest(f.port, 'GET', f.url(key), bearer('alice'));
  t.equal(res.status, 401);
  t.equal(res.headers['www-authenticate'], 'Bearer realm="stowage"');

  const { startMediaServer } = await import('./helpers/media-server.js');
  const adapter = await startMediaServer(f.stowage, { auth: [async () => { throw new Error('strategies must not run'); }] }, (headers) =>
    headers['x-test-user'] === undefined ? {} : { principal: { name: String(headers['x-test-user']) } },
  );
  t.teardown(() => adapter.close());
  const asAlice = await rawRequest(adapter.port, 'GET', f.url(key), { 'x-test-user': 'alice' });
  t.equal(asAlice.status, 200);
  t.equal(asAlice.body.toString(), 'x');
  const broken = await rawRequest(adapter.port, 'GET', f.url(key));
  t.equal(broken.status, 500, 'a strategy failing with a plain Error is a 500');
  t.same(JSON.parse(broken.body.toString()), { error: 'The server failed to answer this request', code: 'STOWAGE_INTERNAL' });
});

t.test('a replaced entry answers 301 to the stored name, only after authorization', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const v1 = await f.put('report v1.txt', 'one', { visibility: 'public' });
  const v2 = await f.put('report ✓ #2?.txt', 'two', { visibility: 'public' });
  await f.stowage.replace(v1, v2, { principal: { name: 'alice' } });
  const res = await rawRequest(f.port, 'GET', f.url(v1));
  t.equal(res.status, 301);
  t.equal(res.headers.location, `/media/${v2.id}/${encodeURIComponent('report ✓ #2?.txt')}`);
  t.equal(res.body.length, 0, 'D6: empty body');
  const follow = await rawRequest(f.port, 'GET', String(res.headers.location));
  t.equal(follow.status, 200);
  t.equal(follow.body.toString(), 'two');

  const s1 = await f.put('s1.txt', 'one');
  const s2 = await f.put('s2.txt', 'two');
  await f.stowage.replace(s1, s2, { principal: { name: 'alice' } });
  t.equal((await rawRequest(f.port, 'GET', f.url(s1))).status, 401, 'D10: anonymous gets 401, not the 301');
  t.equal((await rawRequest(f.port, 'GET', f.url(s1), bearer('mallory'))).status, 403);
  const authorized = await rawRequest(f.port, 'GET', f.url(s1), bearer('alice'));
  t.equal(authorized.status, 301);
  t.equal(authorized.headers['cache-control'], 'private, no-store');
});

t.test('a name that only matches after NFC normalization redirects to the stored name', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('café.txt', 'x', { visibility: 'public' });
  const nfd = `/media/${key.id}/${encodeURIComponent('café.txt'.normalize('NFD'))}`;
  const res = await rawRequest(f.port, 'GET', nfd);
  t.equal(res.status, 301);
  t.equal(res.headers.location, `/media/${key.id}/caf%C3%A9.txt`);
  t.notOk(String(res.headers.location).startsWith('//'));
  const wrongName = await rawRequest(f.port, 'GET', `/media/${key.id}/CAFÉ.txt`.replace('É', '%C3%89'));
  t.equal(wrongName.status, 404, 'another name (case) is another entry: 404');
});

t.test('ranges: 206, 416, multiple ranges and malformed headers', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('r.txt', TEXT, { visibility: 'public' });
  const url = f.url(key);
  const single = await rawRequest(f.port, 'GET', url, { range: 'bytes=0-4' });
  t.equal(single.status, 206);
  t.equal(single.body.toString(), 'hello');
  t.equal(single.headers['content-range'], `bytes 0-4/${TEXT.length}`);
  t.equal(single.headers['content-length'], '5');
  const suffix = await rawRequest(f.port, 'GET', url, { range: 'bytes=-3' });
  t.equal(suffix.body.toString(), '789');
  t.equal(suffix.headers['content-range'], `bytes ${TEXT.length - 3}-${TEXT.length - 1}/${TEXT.length}`);
  for (const range of [`bytes=${TEXT.length}-`, 'bytes=99999999999-']) {
    const res = await rawRequest(f.port, 'GET', url, { range });
    t.equal(res.status, 416, range);
    t.equal(res.headers['content-range'], `bytes */${TEXT.length}`);
    t.equal(JSON.parse(res.body.toString()).code, 'STOWAGE_RANGE_NOT_SATISFIABLE');
  }
  const many = await rawRequest(f.port, 'GET', url, { range: 'bytes=0-1,5-6' });
  t.equal(many.status, 200, 'multiple ranges → whole body');
  t.equal(many.body.toString(), TEXT);
  const overlapping = await rawRequest(f.port, 'GET', url, { range: `bytes=${Array(200).fill('0-0').join(',')}` });
  t.equal(overlapping.status, 206, 'D14: overlapping ranges combine into one');
  t.equal(overlapping.body.toString(), 'h');
  for (const range of ['bytes=abc', 'items=0-1', `bytes=${'1'.repeat(2000)}-`]) {
    const res = await rawRequest(f.port, 'GET', url, { range });
    t.equal(res.status, 200, `D15: ${range.slice(0, 20)}`);
    t.equal(res.body.toString(), TEXT);
  }
});

t.test('validators: If-None-Match, If-Modified-Since, If-Range', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('v.txt', TEXT, { visibility: 'public' });
  const url = f.url(key);
  const first = await rawRequest(f.port, 'GET', url);
  const etag = String(first.headers.etag);
  const lastModified = String(first.headers['last-modified']);

  for (const value of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const res = await rawRequest(f.port, 'GET', url, { 'if-none-match': value });
    t.equal(res.status, 304, `If-None-Match: ${value}`);
    t.equal(res.body.length, 0);
    t.equal(res.headers.etag, etag);
    t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  }
  t.equal((await rawRequest(f.port, 'GET', url, { 'if-none-match': '"other"' })).status, 200);
  t.equal((await rawRequest(f.port, 'GET', url, { 'if-modified-since': lastModified })).status, 304);
  const past = new Date(Date.parse(lastModified) - 1000).toUTCString();
  t.equal((await rawRequest(f.port, 'GET', url, { 'if-modified-since': past })).status, 200);
  t.equal((await rawRequest(f.port, 'GET', url, { 'if-modified-since': 'not a date' })).status, 200);
  t.equal(
    (await rawRequest(f.port, 'GET', url, { 'if-none-match': '"other"', 'if-modified-since': lastModified })).status,
    200,
    'If-Modified-Since is ignored when If-None-Match is present',
  );

  const ranged = (ifRange: string) => rawRequest(f.port, 'GET', url, { range: 'bytes=0-4', 'if-range': ifRange });
  t.equal((await ranged(etag)).status, 206, 'If-Range with the current ETag');
  t.equal((await ranged(lastModified)).status, 206, 'If-Range with Last-Modified');
  t.equal((await ranged('"0000"')).status, 200, 'D16: an old ETag → whole body');
  t.equal((await ranged(`W/${etag}`)).status, 200, 'a weak ETag never matches If-Range');
  t.equal((await ranged(past)).status, 200, 'another date → whole body');
  t.equal((await ranged('garbage')).status, 200);

  const secret = await f.put('p.txt', 'x');
  const secretEtag = String((await rawRequest(f.port, 'GET', f.url(secret), bearer('alice'))).headers.etag);
  const notModified = await rawRequest(f.port, 'GET', f.url(secret), { ...bearer('alice'), 'if-none-match': secretEtag });
  t.equal(notModified.status, 304);
  t.equal(notModified.headers['cache-control'], 'private, no-store', 'D17: private stays private');
  t.equal((await rawRequest(f.port, 'GET', f.url(secret), { 'if-none-match': secretEtag })).status, 401, 'authorization precedes 304');
});

t.test('HEAD answers the same status and headers as GET without a body', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('h.txt', TEXT, { visibility: 'public' });
  const secret = await f.put('s.txt', 'x');
  const cases: [string, Record<string, string>][] = [
    [f.url(key), {}],
    [f.url(key), { range: 'bytes=2-5' }],
    [f.url(key), { range: 'bytes=999-' }],
    [f.url(secret), {}],
    [`/media/${'0'.repeat(64)}/x`, {}],
    [`/media/${key.id}/%E0%A4%A`, {}],
  ];
  for (const [url, headers] of cases) {
    const get = await rawRequest(f.port, 'GET', url, headers);
    const head = await rawRequest(f.port, 'HEAD', url, headers);
    t.equal(head.status, get.status, `${url} ${JSON.stringify(headers)}`);
    const { date: _g, ...getHeaders } = get.headers;
    const { date: _h, ...headHeaders } = head.headers;
    t.same(headHeaders, getHeaders);
    t.equal(head.body.length, 0);
  }
});

t.test('an empty file is served, and any range of it is 416', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('empty.bin', '', { visibility: 'public' });
  const res = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(res.status, 200);
  t.equal(res.headers['content-length'], '0');
  t.equal((await rawRequest(f.port, 'GET', f.url(key), { range: 'bytes=0-' })).status, 416);
});
