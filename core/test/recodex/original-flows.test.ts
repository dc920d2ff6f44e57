/**
 * The request flows the original fileserver is tested with (its tests/test_store_submission.py
 * and tests/test_hash_file.py), plus the worker's and the API's flows, over real HTTP.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { bytesOf, codeOf, filesBelow, jsonOf, startRecodexServer } from './helpers/recodex-server.js';
import { zipMembers, zipNames } from './helpers/zip-listing.js';

const sha1 = (bytes: Buffer | string): string => createHash('sha1').update(bytes).digest('hex');

t.test('store a submission and download its archive (the original test)', async (t) => {
  const server = await startRecodexServer(t);
  const jobId = 'job-id-xxxx';
  const stored = await server.post(`/submissions/${jobId}`, [
    ['foo.txt', 'foocontent'],
    ['bar/baz/bah.txt', 'bahcontent'],
  ]);
  t.equal(stored.status, 200);
  t.equal(stored.headers['content-type'], 'application/json');
  // Byte for byte what Flask answers (Python's json.dumps separators).
  t.equal(stored.body.toString(), '{"archive_path": "/submission_archives/job-id-xxxx.zip", "result_path": "/results/job-id-xxxx.zip"}');
  t.same(await filesBelow(server.backend, 'submissions'), ['submissions/job-id-xxxx/bar/baz/bah.txt', 'submissions/job-id-xxxx/foo.txt']);
  t.same(await filesBelow(server.backend, 'submission_archives'), ['submission_archives/job-id-xxxx.zip']);

  const fetched = await server.request('GET', (jsonOf(stored) as { archive_path: string }).archive_path);
  t.equal(fetched.status, 200);
  t.equal(fetched.headers['content-type'], 'application/zip');
  t.equal(fetched.headers['content-length'], String(fetched.body.length));
  const members = await zipMembers(fetched.body);
  const original = ['job-id-xxxx/', 'job-id-xxxx/bar/', 'job-id-xxxx/foo.txt', 'job-id-xxxx/bar/baz/', 'job-id-xxxx/bar/baz/bah.txt'];
  t.same(
    members.map((member) => member.name).sort(),
    [...original].sort(),
    'the same members as shutil.make_archive writes',
  );
  t.same(members.map((member) => member.name), original, 'in the order shutil.make_archive walks the folders');
  t.same(
    members.map((member) => [member.name, member.bytes.toString(), member.method, member.mode.toString(8)]),
    [
      ['job-id-xxxx/', '', 0, '40755'],
      ['job-id-xxxx/bar/', '', 0, '40755'],
      ['job-id-xxxx/foo.txt', 'foocontent', 8, '100644'],
      ['job-id-xxxx/bar/baz/', '', 0, '40755'],
      ['job-id-xxxx/bar/baz/bah.txt', 'bahcontent', 8, '100644'],
    ],
    'deflated files and directory entries with the modes Python writes',
  );
});

t.test('an uncompressed profile stores the members', async (t) => {
  const server = await startRecodexServer(t, { compress: false });
  t.equal((await server.post('/submissions/s1', [['a.c', 'int main;']])).status, 200);
  const members = await zipMembers((await server.request('GET', '/submission_archives/s1.zip')).body);
  t.same(members.map((member) => [member.name, member.method]), [['s1/', 0], ['s1/a.c', 0]]);
});

t.test('a submission without files still gets its folder and an archive of the top folder', async (t) => {
  const server = await startRecodexServer(t);
  const stored = await server.post('/submissions/empty-one', []);
  t.equal(stored.status, 200);
  t.equal((await server.backend.stat('submissions/empty-one')).kind, 'directory');
  t.same(await zipNames((await server.request('GET', '/submission_archives/empty-one.zip')).body), ['empty-one/']);
});

t.test('a second upload for an id adds to the stored files and rebuilds the archive, as the original', async (t) => {
  const server = await startRecodexServer(t);
  await server.post('/submissions/again', [['foo.txt', 'one'], ['dir/keep.txt', 'kept']]);
  const second = await server.post('/submissions/again', [['foo.txt', 'two'], ['new/n.txt', 'new']]);
  t.equal(second.status, 200);
  const members = await zipMembers((await server.request('GET', '/submission_archives/again.zip')).body);
  t.same(
    members.filter((member) => !member.directory).map((member) => [member.name, member.bytes.toString()]),
    [['again/foo.txt', 'two'], ['again/dir/keep.txt', 'kept'], ['again/new/n.txt', 'new']],
  );
  t.same(await filesBelow(server.backend, 'incoming-submissions'), [], 'no staging left');
});

t.test('task files are stored by SHA-1 (the original hash_file cases: large, empty, small)', async (t) => {
  const server = await startRecodexServer(t);
  const large = Buffer.alloc(2 ** 20, 'a');
  const small = Buffer.alloc(100, 'a');
  const empty = Buffer.alloc(0);
  const stored = await server.post('/tasks', [
    ['large.in', large],
    ['empty.out', empty],
    ['small.in', small],
  ]);
  t.equal(stored.status, 200);
  t.equal(
    stored.body.toString(),
    `{"result": "OK", "files": {"large.in": "/tasks/${sha1(large)}", "empty.out": "/tasks/${sha1(empty)}", "small.in": "/tasks/${sha1(small)}"}}`,
  );
  t.equal(sha1(empty), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  for (const bytes of [large, small, empty]) {
    const hash = sha1(bytes);
    t.ok((await bytesOf(server.backend, `tasks/${hash[0] as string}/${hash}`)).equals(bytes));
    for (const root of ['tasks', 'exercises']) {
      const fetched = await server.request('GET', `/${root}/${hash}`);
      t.equal(fetched.status, 200, `/${root}/<sha1>`);
      t.ok(fetched.body.equals(bytes));
      t.equal(fetched.headers['etag'], `"${hash}"`);
      t.equal(fetched.headers['content-type'], 'application/octet-stream');
      t.equal(fetched.headers['cache-control'], 'private, max-age=31536000, immutable');
    }
  }
  t.same(await filesBelow(server.backend, 'incoming-tasks'), []);
});

t.test('/exercises takes task uploads too and answers /tasks paths', async (t) => {
  const server = await startRecodexServer(t);
  const stored = await server.post('/exercises', [['test.in', '1 2\n']]);
  t.equal(stored.status, 200);
  t.same(jsonOf(stored), { result: 'OK', files: { 'test.in': `/tasks/${sha1('1 2\n')}` } });
  t.same(jsonOf(await server.post('/tasks', [])), { result: 'OK', files: {} }, 'no files: an empty map, as the original');
});

t.test('an existing hash is never rewritten', async (t) => {
  const server = await startRecodexServer(t);
  const bytes = 'expected output\n';
  const hash = sha1(bytes);
  // A marker in place of the stored bytes proves the second upload does not write the file again.
  await server.backend.write(`tasks/${hash[0] as string}/${hash}`, [Buffer.from('marker')]);
  const stored = await server.post('/tasks', [['out', bytes]]);
  t.same(jsonOf(stored), { result: 'OK', files: { out: `/tasks/${hash}` } });
  t.equal((await bytesOf(server.backend, `tasks/${hash[0] as string}/${hash}`)).toString(), 'marker');
});

t.test('a worker uploads its result (curl: PUT, Expect: 100-continue) and the API downloads it', async (t) => {
  const server = await startRecodexServer(t);
  const result = Buffer.from('PK fake result zip');
  t.equal((await server.request('GET', '/results/job-1.zip')).status, 404, 'no result yet: the API polls');
  const put = await server.request('PUT', '/results/job-1.zip', { expect: '100-continue', 'content-length': String(result.length) }, result);
  t.equal(put.status, 200);
  t.equal(put.body.toString(), '{"result": "OK"}');
  const got = await server.request('GET', '/results/job-1.zip');
  t.equal(got.status, 200);
  t.ok(got.body.equals(result));
  t.equal(got.headers['content-type'], 'application/zip');
  t.equal(got.headers['cache-control'], 'private, no-cache');
  const chunked = await server.request('PUT', '/results/job-1.zip', { 'transfer-encoding': 'chunked', 'content-type': 'application/x-www-form-urlencoded' }, 'replaced');
  t.equal(chunked.status, 200, 'any content type, chunked: the raw body is the result');
  t.equal((await server.request('GET', '/results/job-1.zip')).body.toString(), 'replaced');
});

t.test('reads: HEAD, ranges, validators', async (t) => {
  const server = await startRecodexServer(t);
  await server.request('PUT', '/results/r.zip', {}, '0123456789');
  const head = await server.request('HEAD', '/results/r.zip');
  t.equal(head.status, 200);
  t.equal(head.headers['content-length'], '10');
  t.equal(head.body.length, 0);
  const ranged = await server.request('GET', '/results/r.zip', { range: 'bytes=2-4' });
  t.equal(ranged.status, 206);
  t.equal(ranged.headers['content-range'], 'bytes 2-4/10');
  t.equal(ranged.body.toString(), '234');
  const unsatisfiable = await server.request('GET', '/results/r.zip', { range: 'bytes=20-' });
  t.equal(unsatisfiable.status, 416);
  t.equal(unsatisfiable.headers['content-range'], 'bytes */10');
  const etag = head.headers['etag'];
  t.type(etag, 'string');
  const notModified = await server.request('GET', '/results/r.zip', { 'if-none-match': etag as string });
  t.equal(notModified.status, 304);
  t.equal(notModified.headers['etag'], etag);
  const since = await server.request('GET', '/results/r.zip', { 'if-modified-since': head.headers['last-modified'] as string });
  t.equal(since.status, 304);
  const staleIfRange = await server.request('GET', '/results/r.zip', { range: 'bytes=0-0', 'if-range': '"other"' });
  t.equal(staleIfRange.status, 200, 'a stale If-Range gets the whole file');
  t.equal(staleIfRange.body.toString(), '0123456789');
});

t.test('wrong methods answer 405 with Allow; GET of a submission is not a store', async (t) => {
  const server = await startRecodexServer(t);
  const cases: [string, string, string][] = [
    ['GET', '/submissions/x', 'POST'],
    ['PUT', '/submissions/x', 'POST'],
    ['GET', '/tasks', 'POST'],
    ['DELETE', '/exercises', 'POST'],
    ['POST', '/submission_archives/x.zip', 'GET, HEAD'],
    ['DELETE', '/results/x.zip', 'GET, HEAD, PUT'],
    ['PUT', `/tasks/${sha1('x')}`, 'GET, HEAD'],
  ];
  for (const [method, target, allow] of cases) {
    const answer = await server.request(method, target);
    t.equal(answer.status, 405, `${method} ${target}`);
    t.equal(answer.headers['allow'], allow);
    t.equal(codeOf(answer), 'STOWAGE_INVALID_ARGUMENT');
  }
  t.same(await filesBelow(server.backend), [], 'nothing was created');
});

t.test('mounted at a prefix, paths in answers carry it and other URLs pass through', async (t) => {
  const server = await startRecodexServer(t, { prefix: '/fs/' });
  const stored = await server.post('/fs/submissions/p1', [['a.txt', 'a']]);
  t.same(jsonOf(stored), { archive_path: '/fs/submission_archives/p1.zip', result_path: '/fs/results/p1.zip' });
  t.equal((await server.request('GET', '/fs/submission_archives/p1.zip')).status, 200);
  const tasks = await server.post('/fs/tasks', [['f', 'x']]);
  t.same(jsonOf(tasks), { result: 'OK', files: { f: `/fs/tasks/${sha1('x')}` } });
  for (const target of ['/submissions/p1', '/fs', '/fs/', '/fs/media/x', '/other', 'http://host', '/fsx/tasks']) {
    t.equal((await server.request('GET', target)).status, 418, `${target} is not the profile's`);
  }
  t.equal((await server.request('GET', 'http://files.example/fs/submission_archives/p1.zip')).status, 200, 'absolute-form targets work');
  t.equal(server.passedThrough(), 7);
});
