/** HTTP Basic from an htpasswd file, bounded concurrency, stalled and abandoned uploads, options. */
import { createHash } from 'node:crypto';
import t from 'tap';
import { htpasswdAuth } from '../../src/http/index.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { isStowageError } from '../../src/stowage-error.js';
import { createRecodexHandler, resolveRecodexOptions, type RecodexHandlerOptions } from '../../src/recodex/index.js';
import { partHead } from '../http/upload/upload-server.js';
import { WatchedBackend } from './helpers/scripted-backends.js';
import { BOUNDARY, codeOf, filesBelow, multipart, openRequest, pathsBelow, startRecodexServer } from './helpers/recodex-server.js';

const PASSWORD = 'codex';
const HTPASSWD = `re:{SHA}${createHash('sha1').update(PASSWORD).digest('base64')}\n`;
const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

t.test('HTTP Basic from an htpasswd file guards every route', async (t) => {
  const server = await startRecodexServer(t, { auth: [htpasswdAuth({ contents: HTPASSWD }, 'ReCodEx fileserver')] });
  const { headers, body } = multipart([['a.txt', 'a']]);
  const anonymous = await server.request('POST', '/submissions/guarded', headers, body);
  t.equal(anonymous.status, 401);
  t.equal(codeOf(anonymous), 'STOWAGE_UNAUTHENTICATED');
  t.equal(anonymous.headers['www-authenticate'], 'Basic realm="ReCodEx fileserver", charset="UTF-8"');
  t.equal(anonymous.headers['connection'], 'close');
  const wrong = await server.request('POST', '/submissions/guarded', { ...headers, ...basic('re', 'nope') }, body);
  t.equal(wrong.status, 401);
  for (const target of ['/submission_archives/guarded.zip', '/results/guarded.zip', '/tasks/da39a3ee5e6b4b0d3255bfef95601890afd80709']) {
    t.equal((await server.request('GET', target)).status, 401, target);
  }
  t.equal((await server.request('PUT', '/results/guarded.zip', {}, 'r')).status, 401);
  t.same(await pathsBelow(server.backend), [], 'nothing stored without credentials');
  const right = await server.request('POST', '/submissions/guarded', { ...headers, ...basic('re', PASSWORD) }, body);
  t.equal(right.status, 200);
  t.equal((await server.request('GET', '/submission_archives/guarded.zip', basic('re', PASSWORD))).status, 200);
});

t.test('an adapter principal is accepted as is', async (t) => {
  const server = await startRecodexServer(t, { auth: [htpasswdAuth({ contents: HTPASSWD })] }, createMemoryBackend(), (headers) =>
    headers['x-user'] === undefined ? {} : { principal: { name: String(headers['x-user']) } },
  );
  t.equal((await server.request('PUT', '/results/p.zip', { 'x-user': 'worker' }, 'r')).status, 200);
  t.equal((await server.request('GET', '/results/p.zip')).status, 401);
});

t.test('a full handler answers 503 with Retry-After before reading anything', async (t) => {
  const server = await startRecodexServer(t, { limits: { maxConcurrentRequests: 1, maxQueuedRequests: 0, retryAfterSeconds: 2 } });
  const holder = openRequest(server.port, 'POST', '/submissions/slow', { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, partHead(BOUNDARY, { name: 'a.txt', filename: 'a' }));
  // The holder's first byte reached the handler once the slot is taken; probe until it is.
  let busy = await server.request('GET', '/results/x.zip');
  while (busy.status !== 503) busy = await server.request('GET', '/results/x.zip');
  t.equal(busy.headers['retry-after'], '2');
  t.equal(busy.headers['connection'], 'close');
  t.equal(codeOf(busy), 'STOWAGE_BUSY');
  holder.end(`abc\r\n--${BOUNDARY}--\r\n`);
  const done = await holder.response;
  t.equal('status' in done ? done.status : 0, 200, 'the holder finishes normally');
  t.equal((await server.request('GET', '/submission_archives/slow.zip')).status, 200, 'the slot is free again');
});

t.test('a stalled upload is answered 408 and stores nothing (U17)', async (t) => {
  const server = await startRecodexServer(t, { uploads: { idleTimeoutMs: 50 } });
  const stalled = openRequest(server.port, 'POST', '/submissions/stall', { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, `${partHead(BOUNDARY, { name: 'a.txt', filename: 'a' })}partial`);
  const answer = await stalled.response;
  t.equal('status' in answer ? answer.status : 0, 408);
  t.equal('status' in answer ? (JSON.parse(answer.body) as { code: string }).code : '', 'STOWAGE_TIMEOUT');
  stalled.destroy();
  const result = openRequest(server.port, 'PUT', '/results/stall.zip', { 'content-length': '100' }, 'only a part');
  const resultAnswer = await result.response;
  t.equal('status' in resultAnswer ? resultAnswer.status : 0, 408);
  result.destroy();
  await server.settled();
  t.same(await filesBelow(server.backend), [], 'no file, no staging');
});

t.test('a client that goes away mid-upload leaves nothing (U4)', async (t) => {
  const backend = new WatchedBackend();
  const server = await startRecodexServer(t, {}, backend);
  for (const [method, target, headers, first] of [
    ['POST', '/submissions/gone', { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, `${partHead(BOUNDARY, { name: 'a.txt', filename: 'a' })}${'x'.repeat(100_000)}`],
    ['POST', '/tasks', { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, `${partHead(BOUNDARY, { name: 'a', filename: 'a' })}${'x'.repeat(100_000)}`],
    ['PUT', '/results/gone.zip', { 'content-length': '1000000' }, 'x'.repeat(100_000)],
  ] as const) {
    const writing = backend.writeStarts(/^(incoming-|results\/)/);
    const open = openRequest(server.port, method, target, headers, first);
    // Cut the connection once the bytes are streaming into the backend.
    await writing;
    open.destroy();
    await open.response;
    await server.settled();
  }
  t.same(await filesBelow(server.backend), [], 'nothing stored');
  t.equal((await server.post('/submissions/gone', [['a.txt', 'again']])).status, 200, 'a retry succeeds');
});

t.test('bad options are STOWAGE_INVALID_CONFIG naming the field', async (t) => {
  const bad: unknown[] = [null, { prefix: 'no-slash' }, { prefix: '/a/../b' }, { auth: 'basic' }, { auth: [1] }, { uploads: 5 }, { uploads: { maxFiles: 0 } }, { limits: { maxConcurrentRequests: 0 } }, { root: 5 }, { compress: 1 }];
  for (const options of bad) {
    try {
      createRecodexHandler(createMemoryBackend(), options as RecodexHandlerOptions);
      t.fail(`accepted ${JSON.stringify(options)}`);
    } catch (error) {
      t.ok(isStowageError(error, 'STOWAGE_INVALID_CONFIG'), JSON.stringify(options));
    }
  }
  const settings = resolveRecodexOptions();
  t.equal(settings.prefix, '');
  t.equal(settings.uploads.maxFiles, 1000);
  t.equal(resolveRecodexOptions({ uploads: { maxFiles: 7 } }).uploads.maxFiles, 7);
  t.equal(resolveRecodexOptions({ prefix: '/' }).prefix, '');
});
