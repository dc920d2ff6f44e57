import { Writable } from 'node:stream';
import t from 'tap';
import yauzl from 'yauzl';
import { bearer, httpFixture } from './helpers/http-fixture.js';
import { rawRequest } from './helpers/media-server.js';
import { FaultyReadBackend } from './helpers/faulty-read-backend.js';

/** The member names and contents of a zip, read with yauzl. */
function unzip(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error !== null || zip === undefined) return reject(error ?? new Error('no zip'));
      const members = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError !== null || stream === undefined) return reject(openError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.pipe(
            new Writable({
              write(chunk: Buffer, _encoding, done) {
                chunks.push(chunk);
                done();
              },
              final(done) {
                members.set(entry.fileName, Buffer.concat(chunks).toString());
                done();
                zip.readEntry();
              },
            }),
          );
        });
      });
      zip.on('end', () => resolve(members));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

t.test('GET <prefix>/<id>.zip streams the readable members with an exact length', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const put = await f.stowage.put(
    [
      { filename: 'b.txt', source: [Buffer.from('bee')] },
      { filename: 'a ü.txt', source: [Buffer.from('ay')] },
    ],
    { principal: { name: 'alice' }, visibility: 'public' },
  );
  const url = `/media/${put.id}.zip`;
  const response = await rawRequest(f.port, 'GET', url);
  t.equal(response.status, 200);
  t.equal(response.headers['content-type'], 'application/zip');
  t.equal(response.headers['content-length'], String(response.body.length), 'Content-Length is exact');
  t.equal(response.headers['cache-control'], 'no-cache');
  t.equal(response.headers['accept-ranges'], 'none');
  t.match(String(response.headers['content-disposition']), new RegExp(`^attachment; filename="${put.id}\\.zip"`));
  t.same([...(await unzip(response.body)).entries()], [['a ü.txt', 'ay'], ['b.txt', 'bee']], 'members in a deterministic order');
  const again = await rawRequest(f.port, 'GET', url);
  t.same(again.body, response.body, 'the same set gives the same bytes');
  const head = await rawRequest(f.port, 'HEAD', url);
  t.equal(head.status, 200);
  t.equal(head.body.length, 0);
  t.equal(head.headers['content-length'], response.headers['content-length']);
  const post = await rawRequest(f.port, 'POST', url, {}, 'x');
  t.equal(post.status, 405);
  t.equal(post.headers.allow, 'GET, HEAD');
});

t.test('a private folder-like: 401 anonymous, 403 for others, private no-store for the owner; unknown 404', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const put = await f.stowage.put([{ filename: 'secret.txt', source: [Buffer.from('s')] }], { principal: { name: 'alice' } });
  const url = `/media/${put.id}.zip`;
  t.equal((await rawRequest(f.port, 'GET', url)).status, 401);
  t.equal((await rawRequest(f.port, 'GET', url, bearer('bob'))).status, 403);
  const owner = await rawRequest(f.port, 'GET', url, bearer('alice'));
  t.equal(owner.status, 200);
  t.equal(owner.headers['cache-control'], 'private, no-store');
  t.same([...(await unzip(owner.body)).keys()], ['secret.txt']);
  const unknown = await rawRequest(f.port, 'GET', `/media/${'0'.repeat(64)}.zip`);
  t.equal(unknown.status, 404);
  t.equal(JSON.parse(unknown.body.toString()).code, 'STOWAGE_NOT_FOUND');
});

t.test('a member that fails mid-stream breaks the zip response instead of ending it', async (t) => {
  const backend = new FaultyReadBackend();
  const f = await httpFixture({}, { backends: backend, smallBlobCache: false });
  t.teardown(() => f.server.close());
  const put = await f.stowage.put([{ filename: 'big.bin', source: [Buffer.alloc(200_000, 1)] }], { principal: { name: 'alice' }, visibility: 'public' });
  backend.fault = { failAfter: 1000 };
  const response = await rawRequest(f.port, 'GET', `/media/${put.id}.zip`);
  t.equal(response.status, 200);
  t.notOk(response.complete, 'the client sees a broken body');
  t.ok(response.body.length < Number(response.headers['content-length']));
});
