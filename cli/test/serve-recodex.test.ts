import { createHash } from 'node:crypto';
import t from 'tap';
import { startDemoServer } from '../src/demo-server.js';

t.test('stowage serve --profile recodex mounts the ReCodEx routes next to the media profile', async (t) => {
  const server = await startDemoServer({ port: 0, recodex: true });
  t.teardown(() => server.close());
  const form = new FormData();
  form.append('foo.txt', new Blob(['foocontent']), 'foo.txt');
  form.append('bar/baz/bah.txt', new Blob(['bahcontent']), 'bah.txt');
  const stored = await fetch(`${server.url}/submissions/job-1`, { method: 'POST', body: form });
  t.equal(stored.status, 200);
  t.same(await stored.json(), { archive_path: '/submission_archives/job-1.zip', result_path: '/results/job-1.zip' });
  const archive = await fetch(`${server.url}/submission_archives/job-1.zip`);
  t.equal(archive.status, 200);
  t.equal(archive.headers.get('content-type'), 'application/zip');
  await archive.arrayBuffer();
  const tasks = new FormData();
  tasks.append('input', new Blob(['task bytes']), 'input');
  const sha1 = createHash('sha1').update('task bytes').digest('hex');
  const taskAnswer = await fetch(`${server.url}/tasks`, { method: 'POST', body: tasks });
  t.same(await taskAnswer.json(), { result: 'OK', files: { input: `/tasks/${sha1}` } });
  t.equal(await (await fetch(`${server.url}/exercises/${sha1}`)).text(), 'task bytes');
  const upload = await fetch(`${server.url}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'x-filename': 'a.txt' },
    body: 'media bytes',
  });
  t.equal(upload.status, 201, 'the media profile still answers');
  const missing = await fetch(`${server.url}/elsewhere`);
  t.equal(missing.status, 404);
  await missing.arrayBuffer();
});
