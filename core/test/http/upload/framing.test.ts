import t, { type Test } from 'tap';
import { mediaFixture } from '../../helpers/media-fixture.js';
import { allEntries, errorCode, leftovers, multipartBody, multipartHeaders, partHead, resultOf, send, startUploadServer, type BodyPart } from './upload-server.js';

const B = 'frameBoundary';

async function post(t: Test, headers: Record<string, string>, body: Iterable<BodyPart> | AsyncIterable<BodyPart>, limits = {}) {
  const fixture = mediaFixture();
  const server = await startUploadServer(t, fixture.stowage, { principal: null, limits });
  const answer = send(server.port, headers, body);
  const outcome = await server.nextOutcome();
  await answer;
  return { outcome, catalog: fixture.catalog, server, answer: await answer };
}

t.test('malformed multipart framing is a 400, never a crash, nothing committed, no temp left', async (t) => {
  const head = partHead(B, { name: 'f', filename: 'a.txt' });
  const cases: [string, Record<string, string>, string | Buffer][] = [
    ['no boundary parameter', { 'Content-Type': 'multipart/form-data' }, multipartBody(B, [{ name: 'f', filename: 'a', body: 'x' }])],
    ['boundary never appears', multipartHeaders(B), 'just some bytes'],
    ['a header line starting with a space', multipartHeaders(B), `--${B}\r\n Content-Disposition: form-data; name="f"; filename="a"\r\n\r\nx\r\n--${B}--\r\n`],
    ['a header line starting with a tab', multipartHeaders(B), `--${B}\r\n\tContent-Disposition: form-data; name="f"; filename="a"\r\n\r\nx\r\n--${B}--\r\n`],
    ['an 80 KB header without a colon', multipartHeaders(B), `--${B}\r\n${'h'.repeat(80 * 1024)}\r\n\r\nx\r\n--${B}--\r\n`],
    ['an unterminated last part', multipartHeaders(B), `${head}${'y'.repeat(100 * 1024)}`],
    ['a part header that never ends', multipartHeaders(B), `--${B}\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n`],
  ];
  for (const [label, headers, body] of cases) {
    const { outcome, catalog, server, answer } = await post(t, headers, [body]);
    t.equal(errorCode(t, outcome), 'STOWAGE_INVALID_ARGUMENT', label);
    if ('status' in answer) t.equal(answer.status, 400, `${label}: the client sees 400`);
    t.same(await allEntries(catalog), [], `${label}: nothing committed`);
    t.same(await leftovers(server), [], `${label}: no temp left`);
  }
});

t.test('10k parts are refused with 413', async (t) => {
  const parts = Array.from({ length: 10_000 }, (_, index) => ({ name: `p${index}`, body: '' }));
  const { outcome, catalog } = await post(t, multipartHeaders(B), [multipartBody(B, [...parts, { name: 'f', filename: 'a', body: 'x' }])]);
  t.equal(errorCode(t, outcome), 'STOWAGE_TOO_LARGE');
  t.same(await allEntries(catalog), []);
});

t.test('the boundary text inside content that is not a delimiter is content', async (t) => {
  const content = `x--${B}y\r\n-${B}\n--${B}`;
  const { outcome } = await post(t, multipartHeaders(B), [multipartBody(B, [{ name: 'f', filename: 'tricky.txt', body: content }])]);
  t.equal(resultOf(outcome).entries[0]?.size, Buffer.byteLength(content));
});

t.test('a body that stalls past idleTimeoutMs is STOWAGE_TIMEOUT, nothing committed, spool removed', async (t) => {
  const fixture = mediaFixture();
  const server = await startUploadServer(t, fixture.stowage, { principal: null, limits: { idleTimeoutMs: 50 } });
  const outcome = server.nextOutcome();
  async function* stalling(): AsyncGenerator<BodyPart> {
    yield partHead(B, { name: 'f', filename: 'slow.bin' });
    yield Buffer.alloc(200 * 1024, 1); // spilled to disk before the stall
    yield { wait: outcome };
  }
  const answer = send(server.port, multipartHeaders(B), stalling(), { destroyAfter: true });
  t.equal(errorCode(t, await outcome), 'STOWAGE_TIMEOUT');
  await answer;
  t.same(await allEntries(fixture.catalog), []);
  t.same(await leftovers(server), []);
});

t.test('a client that goes away mid-body is STOWAGE_ABORTED, nothing committed, spool removed', async (t) => {
  for (const sent of [0, 1, 150 * 1024, 300 * 1024 - 1]) {
    const fixture = mediaFixture();
    const server = await startUploadServer(t, fixture.stowage, { principal: null });
    const parts: BodyPart[] = [partHead(B, { name: 'f', filename: 'cut.bin' }), Buffer.alloc(sent, 2)];
    const total = 300 * 1024;
    await send(server.port, multipartHeaders(B, total + 200), parts, { destroyAfter: true });
    t.equal(errorCode(t, await server.nextOutcome()), 'STOWAGE_ABORTED', `after ${sent} bytes`);
    t.same(await allEntries(fixture.catalog), []);
    t.same(await leftovers(server), []);
    // A retry of the same upload succeeds.
    const retry = multipartBody(B, [{ name: 'f', filename: 'cut.bin', body: Buffer.alloc(total, 2) }]);
    await send(server.port, multipartHeaders(B, retry.length), [retry]);
    t.equal(resultOf(await server.nextOutcome()).entries[0]?.size, total);
  }
});

t.test('the caller aborting its signal stops the upload with STOWAGE_ABORTED', async (t) => {
  const fixture = mediaFixture();
  const controller = new AbortController();
  const server = await startUploadServer(t, fixture.stowage, { principal: null, signal: controller.signal });
  const outcome = server.nextOutcome();
  async function* aborting(): AsyncGenerator<BodyPart> {
    yield partHead(B, { name: 'f', filename: 'a.bin' });
    yield Buffer.alloc(100 * 1024, 3);
    controller.abort();
    yield { wait: outcome };
  }
  const answer = send(server.port, multipartHeaders(B), aborting(), { destroyAfter: true });
  t.equal(errorCode(t, await outcome), 'STOWAGE_ABORTED');
  await answer;
  t.same(await allEntries(fixture.catalog), []);
  t.same(await leftovers(server), []);
});
