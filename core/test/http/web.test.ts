import t, { type Test } from 'tap';
import { bearer, httpFixture, type HttpFixture } from './helpers/http-fixture.js';
import { FaultyReadBackend } from './helpers/faulty-read-backend.js';
import { rawRequest } from './helpers/media-server.js';

const IGNORED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

async function compare(t: Test, f: HttpFixture, method: string, target: string, headers: Record<string, string> = {}): Promise<void> {
  const node = await rawRequest(f.port, method, target, headers);
  const response = await f.server.handler.handleWeb(new Request(`http://127.0.0.1${target}`, { method, headers }));
  if (response === null) {
    t.fail(`handleWeb answered null for ${target}`);
    return;
  }
  const label = `${method} ${target.slice(0, 40)} ${JSON.stringify(headers)}`;
  t.equal(response.status, node.status, label);
  const webHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!IGNORED.has(name)) webHeaders[name] = value;
  });
  const nodeHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(node.headers)) if (!IGNORED.has(name)) nodeHeaders[name] = String(value);
  t.same(webHeaders, nodeHeaders, label);
  t.same(Buffer.from(await response.arrayBuffer()), node.body, label);
}

t.test('handleWeb answers exactly what handle answers', async (t) => {
  const f = await httpFixture({ delivery: { accel: { mode: 'x-accel', internalPrefix: '/_blobs' } } });
  t.teardown(() => f.server.close());
  const key = await f.put('hello ✓.txt', 'hello web world', { visibility: 'public' });
  const secret = await f.put('secret.html', '<p>x</p>', { readers: ['bob'] });
  const v2 = await f.put('v2.txt', 'two', { visibility: 'public' });
  const v1 = await f.put('v1.txt', 'one', { visibility: 'public' });
  await f.stowage.replace(v1, v2, { principal: { name: 'alice' } });
  const etag = String((await rawRequest(f.port, 'GET', f.url(key))).headers.etag);
  const url = f.url(key);
  await compare(t, f, 'GET', url);
  await compare(t, f, 'HEAD', url);
  await compare(t, f, 'GET', url, { range: 'bytes=2-6' });
  await compare(t, f, 'HEAD', url, { range: 'bytes=2-6' });
  await compare(t, f, 'GET', url, { range: 'bytes=999-' });
  await compare(t, f, 'GET', url, { range: 'bytes=0-1,4-5' });
  await compare(t, f, 'GET', url, { 'if-none-match': etag });
  await compare(t, f, 'GET', f.url(secret));
  await compare(t, f, 'GET', f.url(secret), bearer('mallory'));
  await compare(t, f, 'GET', f.url(secret), bearer('bob'));
  await compare(t, f, 'GET', f.url(v1));
  await compare(t, f, 'GET', `/media/${'0'.repeat(64)}/nothing`);
  await compare(t, f, 'GET', `/media/${key.id}/%E0%A4%A`);
  await compare(t, f, 'GET', `/media/${key.id}/a%2Fb`);
  await compare(t, f, 'PUT', url);
  await compare(t, f, 'DELETE', url);
  await compare(t, f, 'POST', '/media');
  await compare(t, f, 'GET', `/media/${key.id}/${'a'.repeat(9000)}`);
  t.equal(await f.server.handler.handleWeb(new Request('http://127.0.0.1/elsewhere')), null, 'outside the prefix: null');
});

t.test('handleWeb: a principal from the adapter, and a body that fails mid-stream errors', async (t) => {
  const backend = new FaultyReadBackend();
  const f = await httpFixture({}, { backends: backend, smallBlobCache: false });
  t.teardown(() => f.server.close());
  const key = await f.put('big.bin', Buffer.alloc(100_000, 3));
  const handler = f.server.handler;
  const asAlice = await handler.handleWeb(new Request(`http://x${f.url(key)}`), { principal: { name: 'alice' } });
  t.equal(asAlice?.status, 200);
  t.equal((await asAlice?.arrayBuffer())?.byteLength, 100_000);
  backend.fault = { failAfter: 100 };
  const broken = await handler.handleWeb(new Request(`http://x${f.url(key)}`), { principal: { name: 'alice' } });
  t.equal(broken?.status, 200);
  await t.rejects(async () => {
    await broken?.arrayBuffer();
  }, 'the body errors instead of ending short');
  const head = await handler.handleWeb(new Request(`http://x${f.url(key)}`, { method: 'HEAD' }), { principal: { name: 'alice' } });
  t.equal(head?.headers.get('content-length'), '100000');
  t.equal(head?.body, null);
});

t.test('handleWeb: a client that aborted gets a 499 nobody reads', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('a.txt', 'x', { visibility: 'public' });
  const controller = new AbortController();
  controller.abort();
  const response = await f.server.handler.handleWeb(new Request(`http://x${f.url(key)}`, { signal: controller.signal }));
  t.equal(response?.status, 499);
  t.equal(((await response?.json()) as { code: string }).code, 'STOWAGE_ABORTED');
});
