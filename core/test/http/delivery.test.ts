import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import t from 'tap';
import { throwIfAborted } from '../../src/abort.js';
import { internalUri } from '../../src/http/index.js';
import { bearer, httpFixture } from './helpers/http-fixture.js';
import { FaultyReadBackend } from './helpers/faulty-read-backend.js';
import { rawRequest, startMediaServer } from './helpers/media-server.js';
import { createHandler } from '../../src/http/index.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

t.test('X-Accel-Redirect: internal URI of the blob, empty body, headers kept, only after authorization', async (t) => {
  const f = await httpFixture({ delivery: { default: { mode: 'x-accel', internalPrefix: '/_blobs/default/' } } });
  t.teardown(() => f.server.close());
  const key = await f.put('my report ✓ 100%.pdf', 'pdf bytes');
  const entry = await f.catalog.getEntry(key);
  const anonymous = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(anonymous.status, 401);
  t.equal(anonymous.headers['x-accel-redirect'], undefined, 'X6: never before authorization');
  t.equal((await rawRequest(f.port, 'GET', f.url(key), bearer('mallory'))).headers['x-accel-redirect'], undefined);

  const res = await rawRequest(f.port, 'GET', f.url(key), bearer('alice'));
  t.equal(res.status, 200);
  t.equal(res.headers['x-accel-redirect'], `/_blobs/default/${entry?.path}`);
  t.match(String(res.headers['x-accel-redirect']), /^\/_blobs\/default\/blobs\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/, 'X2: content-addressed, no filename');
  t.equal(res.body.length, 0);
  t.equal(res.headers['content-length'], '0', 'an empty body of length 0, so nginx keeps the upstream connection alive');
  t.equal(res.headers['transfer-encoding'], undefined, 'never chunked: nginx closes an upstream that answered chunked');
  t.equal(res.headers['content-type'], 'application/pdf');
  t.match(String(res.headers['content-disposition']), /^inline; filename="my report _ 100_.pdf"; filename\*=/);
  t.equal(res.headers['cache-control'], 'private, no-store');
  t.match(res.headers.etag, /^"[0-9a-f]{64}"$/);
  const etag = String(res.headers.etag);
  const notModified = await rawRequest(f.port, 'GET', f.url(key), { ...bearer('alice'), 'if-none-match': etag });
  t.equal(notModified.status, 304, 'validators are still answered by the application');
  t.equal(notModified.headers['x-accel-redirect'], undefined);
  const head = await rawRequest(f.port, 'HEAD', f.url(key), bearer('alice'));
  t.equal(head.headers['x-accel-redirect'], res.headers['x-accel-redirect']);
  t.equal(head.headers['content-length'], '0');

  t.equal(internalUri('/_blobs', 'a b/c%d/é?#'), '/_blobs/a%20b/c%25d/%C3%A9%3F%23', 'each segment encoded once');
});

t.test('internalUri: the unencoded fast path answers exactly what encoding each segment would', async () => {
  const encoded = (prefix: string, path: string): string => `${prefix}/${path.split('/').map((segment) => encodeURIComponent(segment)).join('/')}`;
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'Z', '0', '-', '_', '.', '!', '~', '*', "'", '(', ')', '/', ' ', '%', 'é', '?', '#', '+')).map((parts) => parts.join('')), (path) => {
      return internalUri('/_blobs', path) === encoded('/_blobs', path);
    }),
  );
});

t.test('X-Sendfile: the backend local path; streams when no backend is named', async (t) => {
  const f = await httpFixture({
    delivery: { default: { mode: 'x-sendfile', backend: { localPath: async (path: string) => `/srv/stowage/${path}` } } },
  });
  t.teardown(() => f.server.close());
  const key = await f.put('a.txt', 'abc', { visibility: 'public' });
  const entry = await f.catalog.getEntry(key);
  const res = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(res.headers['x-sendfile'], `/srv/stowage/${entry?.path}`);
  t.equal(res.body.length, 0);
  t.equal(res.headers['content-length'], '0');
  t.equal(res.headers['transfer-encoding'], undefined);
  t.equal(res.headers['content-disposition'], 'inline; filename="a.txt"');

  const fallback = await httpFixture({ delivery: { default: { mode: 'x-sendfile' } } });
  t.teardown(() => fallback.server.close());
  const other = await fallback.put('a.txt', 'abc', { visibility: 'public' });
  const streamed = await rawRequest(fallback.port, 'GET', fallback.url(other));
  t.equal(streamed.headers['x-sendfile'], undefined);
  t.equal(streamed.body.toString(), 'abc');

  const failing = await httpFixture({
    delivery: { default: { mode: 'x-sendfile', backend: { localPath: async () => '/srv/\nbad' } } },
  });
  t.teardown(() => failing.server.close());
  const third = await failing.put('a.txt', 'abc', { visibility: 'public' });
  const refused = await rawRequest(failing.port, 'GET', failing.url(third));
  t.equal(refused.status, 500, 'a header value Node refuses becomes a 500, not a crash');
  t.equal(JSON.parse(refused.body.toString()).code, 'STOWAGE_INTERNAL');
  const web = await failing.server.handler.handleWeb(new Request(`http://x${failing.url(third)}`));
  t.equal(web?.status, 500, 'handleWeb answers the same 500');
  t.equal(((await web?.json()) as { code: string }).code, 'STOWAGE_INTERNAL');
});

t.test('X3: X-Accel and X-Sendfile headers set before the handler are never forwarded', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('a.txt', 'abc', { visibility: 'public' });
  const handler = createHandler(f.stowage);
  const server = createServer((req, res) => {
    res.setHeader('X-Accel-Redirect', '/internal-admin/');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('X-Sendfile', '/etc/passwd');
    res.setHeader('X-Kept', 'yes');
    void handler.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const res = await rawRequest((server.address() as AddressInfo).port, 'GET', f.url(key));
  t.equal(res.status, 200);
  t.equal(res.headers['x-accel-redirect'], undefined);
  t.equal(res.headers['x-accel-buffering'], undefined);
  t.equal(res.headers['x-sendfile'], undefined);
  t.equal(res.headers['x-kept'], 'yes');
});

t.test('D29: a backend error mid-stream breaks the connection instead of ending cleanly', async (t) => {
  const backend = new FaultyReadBackend();
  const f = await httpFixture({}, { backends: backend, smallBlobCache: false });
  t.teardown(() => f.server.close());
  const key = await f.put('big.bin', Buffer.alloc(100_000, 7), { visibility: 'public' });
  backend.fault = { failAfter: 1000 };
  const res = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(res.status, 200);
  t.equal(res.headers['content-length'], '100000');
  t.equal(res.complete, false, 'the client sees an aborted body');
  t.ok(res.body.length < 100_000);
  backend.fault = undefined;
  const again = await rawRequest(f.port, 'GET', f.url(key));
  t.equal(again.body.length, 100_000, 'the server keeps serving');
});

t.test('D28: a client that goes away mid-download gets its stream destroyed', async (t) => {
  const backend = new FaultyReadBackend();
  const f = await httpFixture({}, { backends: backend, smallBlobCache: false });
  t.teardown(() => f.server.close());
  const key = await f.put('big.bin', Buffer.alloc(50_000, 1), { visibility: 'public' });
  backend.fault = { stallAfter: 10 };
  await new Promise<void>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port: f.port, path: f.url(key), agent: false }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => undefined);
    req.on('close', () => resolve());
    req.end();
  });
  const stream = backend.streams[0];
  t.ok(stream !== undefined);
  if (stream !== undefined && !stream.closed) await new Promise((resolve) => stream.once('close', resolve));
  t.equal(stream?.destroyed, true);
  backend.fault = undefined;
  t.equal((await rawRequest(f.port, 'GET', f.url(key))).status, 200);
});

t.test('a client gone before the answer is decided gets its socket destroyed, no error', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const key = await f.put('a.txt', 'abc', { visibility: 'public' });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let sawAbort = false;
  let entered: (signal: AbortSignal | undefined) => void = () => undefined;
  const reached = new Promise<AbortSignal | undefined>((resolve) => {
    entered = resolve;
  });
  let looked: () => void = () => undefined;
  const checked = new Promise<void>((resolve) => {
    looked = resolve;
  });
  // A plain GET decides with one `open`.
  f.stowage.pipeline('open').use(
    {
      name: 'wait',
      run: async (context, next) => {
        if (context.key.filename !== 'a.txt') return next();
        entered(context.signal);
        await gate;
        sawAbort = context.signal?.aborted === true;
        looked();
        throwIfAborted(context.signal);
        await next();
      },
    },
    { before: 'resolve' },
  );
  const server = await startMediaServer(f.stowage);
  t.teardown(() => server.close());
  const req = httpRequest({ host: '127.0.0.1', port: server.port, path: f.url(key), agent: false });
  req.on('error', () => undefined);
  req.end();
  const signal = await reached;
  req.destroy();
  // The server notices the close when it next polls its sockets: wait for that (bounded), not a fixed time.
  if (signal !== undefined && !signal.aborted) await Promise.race([once(signal, 'abort'), delay(10_000, undefined, { ref: false })]);
  release();
  await checked;
  t.equal(sawAbort, true, 'the request signal aborted when the client left');
  const other = await f.put('b.txt', 'b', { visibility: 'public' });
  t.equal((await rawRequest(server.port, 'GET', f.url(other))).status, 200, 'the server still answers');
});
