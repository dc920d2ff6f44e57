import t from 'tap';
import { bearer, httpFixture } from './helpers/http-fixture.js';
import { rawRequest } from './helpers/media-server.js';
import { streamedPost } from './helpers/uploading-client.js';

t.test('POST <prefix> with uploads enabled stores the body and answers 201', async (t) => {
  const f = await httpFixture({ uploads: true });
  t.teardown(() => f.server.close());
  const res = await rawRequest(
    f.port,
    'POST',
    '/media',
    { ...bearer('alice'), 'content-type': 'text/plain', 'x-filename': encodeURIComponent('notes ✓.txt'), 'x-stowage-visibility': 'public' },
    'uploaded bytes',
  );
  t.equal(res.status, 201);
  const body = JSON.parse(res.body.toString()) as { id: string; files: { url: string; filename: string }[] };
  t.equal(body.files[0]?.filename, 'notes ✓.txt');
  t.equal(res.headers.location, body.files[0]?.url);
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(res.headers['content-length'], String(res.body.length));
  const fetched = await rawRequest(f.port, 'GET', String(res.headers.location));
  t.equal(fetched.status, 200);
  t.equal(fetched.body.toString(), 'uploaded bytes');
  const entry = await f.catalog.getEntry({ id: body.id, filename: 'notes ✓.txt' });
  t.equal(entry?.author, 'alice', 'the authenticated principal uploads');

  t.equal((await rawRequest(f.port, 'GET', '/media')).status, 405);
  t.equal((await rawRequest(f.port, 'GET', '/media')).headers.allow, 'POST');
  const refused = await rawRequest(f.port, 'POST', '/media', { authorization: 'Bearer nope-nope-nope-nope' }, 'x');
  t.equal(refused.status, 401);
  t.equal(refused.headers.connection, 'close', 'a refused body is not drained on a kept connection');
});

t.test('a failed upload answers its JSON error and closes the connection', async (t) => {
  const f = await httpFixture({ uploads: { maxFileBytes: 10 } });
  t.teardown(() => f.server.close());
  const tooLarge = await rawRequest(f.port, 'POST', '/media', { 'x-filename': 'big.bin' }, Buffer.alloc(1000));
  t.equal(tooLarge.status, 413);
  t.equal(JSON.parse(tooLarge.body.toString()).code, 'STOWAGE_TOO_LARGE');
  t.equal(tooLarge.headers.connection, 'close');
  const noName = await rawRequest(f.port, 'POST', '/media', {}, 'x');
  t.equal(noName.status, 400);
});

t.test('a client streaming a refused upload reads the refusal, not a reset', async (t) => {
  // 401 before the body is read, 413 in the middle of it: both close the connection, after
  // reading the rest of what the client sends (lingering-close.ts).
  const f = await httpFixture({ uploads: { maxFileBytes: 1024 * 1024 } });
  t.teardown(() => f.server.close());
  const outcomes: (number | string)[] = [];
  for (let i = 0; i < 3; i++) outcomes.push(await streamedPost(f.port, '/media', 8 * 1024 * 1024, { authorization: 'Bearer nope-nope-nope-nope' }));
  for (let i = 0; i < 3; i++) outcomes.push(await streamedPost(f.port, '/media', 8 * 1024 * 1024));
  t.same(outcomes, [401, 401, 401, 413, 413, 413]);
});

t.test('handleWeb uploads too', async (t) => {
  const f = await httpFixture({ uploads: true });
  t.teardown(() => f.server.close());
  const response = await f.server.handler.handleWeb(
    new Request('http://x/media', { method: 'POST', headers: { 'x-filename': 'web.txt', 'x-stowage-visibility': 'public' }, body: 'from fetch' }),
  );
  t.equal(response?.status, 201);
  const location = String(response?.headers.get('location'));
  const fetched = await rawRequest(f.port, 'GET', location);
  t.equal(fetched.body.toString(), 'from fetch');
});

t.test('a raw upload whose client leaves while a put stage is still awaiting commits nothing and crashes nothing', async (t) => {
  const f = await httpFixture({ uploads: true });
  t.teardown(() => f.server.close());
  let entered!: () => void;
  const stageEntered = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  f.stowage.pipeline('put').use(
    {
      name: 'slow-gate',
      async run(_context, next) {
        entered();
        await released;
        await next();
      },
    },
    { before: 'write' },
  );
  const { connect } = await import('node:net');
  const socket = connect(f.port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    `POST /media HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer('alice').authorization}\r\nX-Filename: early.bin\r\nContent-Length: 100000\r\n\r\n`,
  );
  socket.write(Buffer.alloc(1000));
  await stageEntered;
  socket.destroy(); // the body errors while nothing reads it yet
  await new Promise((resolve) => setTimeout(resolve, 50));
  release();
  const after = await rawRequest(f.port, 'POST', '/media', { ...bearer('alice'), 'x-filename': 'after.txt' }, 'still alive');
  t.equal(after.status, 201, 'the process survived and still takes uploads');
  const names: string[] = [];
  for await (const entry of f.catalog.scanEntries()) names.push(entry.filename);
  t.same(names, ['after.txt'], 'the abandoned upload committed nothing');
});
