/** The file answers' validators and races, and the multipart reader's edges. */
import { PassThrough } from 'node:stream';
import t from 'tap';
import { resolveUploadLimits } from '../../src/http/upload/limits.js';
import { isStowageError } from '../../src/stowage-error.js';
import { fileAnswer, readMultipartFiles, type FileAnswerOptions } from '../../src/recodex/index.js';
import { multipartBody } from '../http/upload/upload-server.js';
import { BOUNDARY, codeOf, startRecodexServer } from './helpers/recodex-server.js';
import { ShapedBackend } from './helpers/scripted-backends.js';

const GET: FileAnswerOptions = { method: 'GET', headers: {}, signal: undefined, contentType: 'application/zip', cacheControl: 'private, no-cache' };

async function codeOfRejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isStowageError(error) ? error.code : String(error);
  }
}

t.test('validators: the backend etag, else a weak tag from size and time, else none', async (t) => {
  const withEtag = new ShapedBackend(['etag', 'modifiedAt']);
  await withEtag.write('f', [Buffer.from('abc')]);
  const tagged = await fileAnswer(withEtag, 'f', GET);
  t.equal(tagged.headers['etag'], '"v3"', 'the backend etag, quoted');
  t.type(tagged.headers['last-modified'], 'string');
  const odd = new ShapedBackend(['etag'], () => 'has "quotes"');
  await odd.write('f', [Buffer.from('abc')]);
  t.equal((await fileAnswer(odd, 'f', GET)).headers['etag'], undefined, 'an etag that cannot be quoted is not sent');

  const timed = new ShapedBackend(['modifiedAt']);
  await timed.write('f', [Buffer.from('abc')]);
  const weak = await fileAnswer(timed, 'f', GET);
  t.match(weak.headers['etag'], /^W\/"3-[0-9a-f]+"$/);
  const revalidated = await fileAnswer(timed, 'f', { ...GET, headers: { 'if-none-match': weak.headers['etag'] } });
  t.equal(revalidated.status, 304);
  
  const bare = new ShapedBackend([]);
  await bare.write('f', [Buffer.from('abc')]);
  const plain = await fileAnswer(bare, 'f', { ...GET, headers: { 'if-modified-since': new Date().toUTCString(), range: 'bytes=1-' } });
  t.equal(plain.status, 206, 'without validators a Range always applies and nothing is "not modified"');
  t.equal(plain.headers['etag'], undefined);
  t.equal(plain.headers['last-modified'], undefined);
  t.equal((await fileAnswer(bare, 'f', { ...GET, headers: { 'if-none-match': '*' } })).status, 304, '* matches any stored file');
  const head = await fileAnswer(bare, 'f', { ...GET, method: 'HEAD' });
  t.equal(head.body, undefined);
  t.equal(head.headers['content-length'], '3');
});

t.test('a directory is not found; a file replaced between stat and read is a retryable 503', async (t) => {
  const backend = new ShapedBackend(['etag']);
  await backend.createDir('submission_archives/dir.zip');
  t.equal(await codeOfRejection(fileAnswer(backend, 'submission_archives/dir.zip', GET)), 'STOWAGE_NOT_FOUND');
  await backend.write('results/r.zip', [Buffer.from('first')]);
  backend.beforeRead = () => backend.write('results/r.zip', [Buffer.from('second, longer')]).then(() => undefined);
  t.equal(await codeOfRejection(fileAnswer(backend, 'results/r.zip', GET)), 'STOWAGE_BUSY');
  const server = await startRecodexServer(t, {}, backend);
  backend.beforeRead = undefined;
  const answer = await server.request('GET', '/submission_archives/dir.zip');
  t.equal(answer.status, 404);
  backend.beforeRead = () => backend.write('results/r.zip', [Buffer.from('third')]).then(() => undefined);
  const raced = await server.request('GET', '/results/r.zip');
  t.equal(raced.status, 503);
  t.equal(raced.headers['retry-after'], '1');
  t.equal(codeOf(raced), 'STOWAGE_BUSY');
});

t.test('the multipart reader: a handler that throws at once, and files after a refusal', async (t) => {
  const limits = resolveUploadLimits({ maxFields: 1 });
  const body = multipartBody(BOUNDARY, [{ name: 'a', filename: 'a', body: 'x' }]);
  const request = new PassThrough();
  request.end(body);
  const thrown = readMultipartFiles({ 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, request, limits, () => {
    throw new Error('not a promise');
  });
  t.equal(await codeOfRejection(thrown), 'Error: not a promise');

  // Two fields over the limit, then a file, in one chunk: the file arrives after the refusal.
  const mixed = multipartBody(BOUNDARY, [{ name: 'f1', body: '1' }, { name: 'f2', body: '2' }, { name: 'late', filename: 'late', body: 'late' }]);
  const second = new PassThrough();
  second.end(mixed);
  let called = 0;
  const refused = readMultipartFiles({ 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, second, limits, async (_name, source) => {
    called += 1;
    for await (const chunk of source) void chunk;
  });
  t.equal(await codeOfRejection(refused), 'STOWAGE_TOO_LARGE');
  t.equal(called, 0, 'the late file is never handed over');
});
