/** The Fetch API entry point answers like the node:http one. */
import { createHash } from 'node:crypto';
import t from 'tap';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { createRecodexHandler } from '../../src/recodex/index.js';
import { multipart } from './helpers/recodex-server.js';
import { zipNames } from './helpers/zip-listing.js';

const BASE = 'http://fileserver.test';

t.test('submissions, archives, results and tasks through handleWeb', async (t) => {
  const handler = createRecodexHandler(createMemoryBackend(), { prefix: '/fs' });
  const { headers, body } = multipart([['foo.txt', 'foocontent'], ['bar/baz/bah.txt', 'bahcontent']]);
  const stored = await handler.handleWeb(new Request(`${BASE}/fs/submissions/web-1`, { method: 'POST', headers, body }));
  t.equal(stored?.status, 200);
  t.equal(await stored?.text(), '{"archive_path": "/fs/submission_archives/web-1.zip", "result_path": "/fs/results/web-1.zip"}');
  const archive = await handler.handleWeb(new Request(`${BASE}/fs/submission_archives/web-1.zip`));
  t.equal(archive?.status, 200);
  t.equal(archive?.headers.get('content-type'), 'application/zip');
  t.same(await zipNames(Buffer.from(await (archive as Response).arrayBuffer())), ['web-1/', 'web-1/bar/', 'web-1/foo.txt', 'web-1/bar/baz/', 'web-1/bar/baz/bah.txt']);
  const head = await handler.handleWeb(new Request(`${BASE}/fs/submission_archives/web-1.zip`, { method: 'HEAD' }));
  t.equal(head?.status, 200);
  t.equal(head?.body, null);

  const put = await handler.handleWeb(new Request(`${BASE}/fs/results/web-1.zip`, { method: 'PUT', body: 'result bytes' }));
  t.equal(await put?.text(), '{"result": "OK"}');
  t.equal(await (await handler.handleWeb(new Request(`${BASE}/fs/results/web-1.zip`)))?.text(), 'result bytes');
  const empty = await handler.handleWeb(new Request(`${BASE}/fs/results/empty.zip`, { method: 'PUT' }));
  t.equal(empty?.status, 200, 'a PUT without a body stores an empty result');

  const task = multipart([['t', 'task']]);
  const tasks = await handler.handleWeb(new Request(`${BASE}/fs/exercises`, { method: 'POST', headers: task.headers, body: task.body }));
  const hash = createHash('sha1').update('task').digest('hex');
  t.equal(await tasks?.text(), `{"result": "OK", "files": {"t": "/fs/tasks/${hash}"}}`);
  t.equal(await (await handler.handleWeb(new Request(`${BASE}/fs/tasks/${hash}`)))?.text(), 'task');

  const missing = await handler.handleWeb(new Request(`${BASE}/fs/results/none.zip`));
  t.equal(missing?.status, 404);
  t.same(await missing?.json(), { error: 'No such entry', code: 'STOWAGE_NOT_FOUND' });
  const refused = await handler.handleWeb(new Request(`${BASE}/fs/submissions/..x`, { method: 'POST', body: 'x' }));
  t.equal(refused?.status, 400);
  t.equal(refused?.headers.get('connection'), 'close');
  t.equal(await handler.handleWeb(new Request(`${BASE}/elsewhere`)), null);
  t.equal(await handler.handleWeb(new Request(`${BASE}/submissions/x`)), null, 'outside the prefix');
});

t.test('a full handler answers 503; a request that leaves while queued gets nothing useful', async (t) => {
  const handler = createRecodexHandler(createMemoryBackend(), { limits: { maxConcurrentRequests: 1, maxQueuedRequests: 1 } });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // A body that waits keeps the only slot taken.
  const held = handler.handleWeb(
    new Request(`${BASE}/results/held.zip`, {
      method: 'PUT',
      body: new ReadableStream<Uint8Array>({
        async pull(controller) {
          await gate;
          controller.enqueue(new TextEncoder().encode('late'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit),
  );
  const controller = new AbortController();
  const queued = handler.handleWeb(new Request(`${BASE}/results/held.zip`, { signal: controller.signal }));
  const busy = await handler.handleWeb(new Request(`${BASE}/results/held.zip`));
  t.equal(busy?.status, 503);
  t.equal(busy?.headers.get('retry-after'), '1');
  controller.abort();
  t.equal((await queued)?.status, 499, 'the abandoned request never reaches the backend');
  release();
  t.equal((await held)?.status, 200);
  t.equal(await (await handler.handleWeb(new Request(`${BASE}/results/held.zip`)))?.text(), 'late');
});

t.test('a malformed URL answers a 500 instead of rejecting', async (t) => {
  const handler = createRecodexHandler(createMemoryBackend());
  const fake = { url: 'not a url', method: 'GET', headers: new Headers(), signal: new AbortController().signal } as unknown as Request;
  t.equal((await handler.handleWeb(fake))?.status, 500);
});
