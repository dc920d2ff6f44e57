import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import { bytesOf, mediaFixture, sha256Hex } from '../../helpers/media-fixture.js';
import { allEntries, errorCode, resultOf, send, startUploadServer, type BodyPart } from './upload-server.js';

const alice = { name: 'alice' };

async function raw(t: Test, headers: Record<string, string | string[]>, body: Iterable<BodyPart> | AsyncIterable<BodyPart>, limits = {}, destroyAfter = false) {
  const fixture = mediaFixture();
  const server = await startUploadServer(t, fixture.stowage, { principal: alice, limits });
  const answer = await send(server.port, headers, body, { destroyAfter });
  return { ...fixture, answer, outcome: await server.nextOutcome() };
}

t.test('a raw body named by X-Filename is streamed into one entry with the header options', async (t) => {
  const { stowage, outcome, answer } = await raw(
    t,
    {
      'X-Filename': encodeURIComponent('rapport d’été.pdf'),
      'Content-Type': 'application/pdf',
      'X-Stowage-Visibility': 'public',
      'X-Stowage-Writers': 'bob',
      'X-Stowage-Keep-Days': '2.5',
    },
    ['%PDF-', '1.7'],
  );
  const entry = resultOf(outcome).entries[0];
  t.equal(entry?.filename, 'rapport d’été.pdf');
  t.equal(entry?.contentType, 'application/pdf');
  t.equal(entry?.visibility, 'public');
  t.same(entry?.writers, ['bob']);
  t.equal(entry?.sha256, sha256Hex('%PDF-1.7'));
  const opened = await stowage.open({ id: resultOf(outcome).id, filename: 'rapport d’été.pdf' });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.equal((await bytesOf(opened.stream)).toString(), '%PDF-1.7');
  if (!('status' in answer)) throw answer.failed;
  t.equal(answer.headers.location, `/media/${resultOf(outcome).id}/${encodeURIComponent('rapport d’été.pdf')}`);
});

t.test('Content-Disposition names the file; application/octet-stream is guessed from the name', async (t) => {
  const { outcome } = await raw(t, { 'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent('naïve.png')}`, 'Content-Type': 'application/octet-stream' }, ['png']);
  t.equal(resultOf(outcome).entries[0]?.filename, 'naïve.png');
  t.equal(resultOf(outcome).entries[0]?.contentType, 'image/png');
  const chunked = await raw(t, { 'X-Filename': 'empty.txt', 'Transfer-Encoding': 'chunked' }, []);
  t.equal(resultOf(chunked.outcome).entries[0]?.size, 0);
  t.equal(resultOf(chunked.outcome).entries[0]?.contentType, 'text/plain');
});

t.test('bad names and headers are 400 before any byte is stored', async (t) => {
  const cases: [string, Record<string, string | string[]>, string][] = [
    ['no filename header', { 'Content-Type': 'text/plain' }, 'STOWAGE_INVALID_ARGUMENT'],
    ['bad percent-encoding', { 'X-Filename': '%E0%A4%A' }, 'STOWAGE_INVALID_ARGUMENT'],
    ['X-Filename twice', { 'X-Filename': ['a', 'b'] }, 'STOWAGE_INVALID_ARGUMENT'],
    ['a slash', { 'X-Filename': 'a%2Fb' }, 'STOWAGE_INVALID_PATH'],
    ['a backslash', { 'X-Filename': 'C%3A%5Cx' }, 'STOWAGE_INVALID_PATH'],
    ['dot dot', { 'X-Filename': '..' }, 'STOWAGE_INVALID_PATH'],
    ['NUL', { 'X-Filename': 'a%00b' }, 'STOWAGE_INVALID_PATH'],
    ['empty', { 'X-Filename': '' }, 'STOWAGE_INVALID_PATH'],
    ['malformed Content-Disposition', { 'Content-Disposition': 'attachment; filename*=' }, 'STOWAGE_INVALID_ARGUMENT'],
    ['Content-Disposition without filename', { 'Content-Disposition': 'attachment' }, 'STOWAGE_INVALID_PATH'],
    ['bad visibility', { 'X-Filename': 'a', 'X-Stowage-Visibility': 'all' }, 'STOWAGE_INVALID_ARGUMENT'],
    ['bad keep days', { 'X-Filename': 'a', 'X-Stowage-Keep-Days': '1e3' }, 'STOWAGE_INVALID_ARGUMENT'],
    ['readers with a control', { 'X-Filename': 'a', 'X-Stowage-Readers': 'bob,\u0085' }, 'STOWAGE_INVALID_ARGUMENT'],
    ['malformed content type', { 'X-Filename': 'a', 'Content-Type': 'not a type' }, 'STOWAGE_INVALID_ARGUMENT'],
  ];
  for (const [label, headers, code] of cases) {
    const { outcome, catalog } = await raw(t, headers, ['body']);
    t.equal(errorCode(t, outcome), code, label);
    t.same(await allEntries(catalog), []);
  }
});

t.test('sizes: Content-Length over the limit is refused before reading; a chunked overrun is 413', async (t) => {
  const declared = await raw(t, { 'X-Filename': 'big', 'Content-Length': '11' }, ['0123456789A'], { maxFileBytes: 10 });
  t.equal(errorCode(t, declared.outcome), 'STOWAGE_TOO_LARGE');
  const chunked = await raw(t, { 'X-Filename': 'big' }, ['01234', '56789', 'A'], { maxFileBytes: 10 });
  t.equal(errorCode(t, chunked.outcome), 'STOWAGE_TOO_LARGE');
  t.same(await allEntries(chunked.catalog), []);
  const exact = await raw(t, { 'X-Filename': 'ten', 'Content-Length': '10' }, ['0123456789'], { maxFileBytes: 10 });
  t.equal(resultOf(exact.outcome).entries[0]?.size, 10);
});

t.test('a body shorter than Content-Length, then a close, commits nothing', async (t) => {
  const { outcome, catalog } = await raw(t, { 'X-Filename': 'short', 'Content-Length': '1000' }, ['only a few bytes'], {}, true);
  t.equal(errorCode(t, outcome), 'STOWAGE_ABORTED');
  t.same(await allEntries(catalog), []);
});

t.test('a raw body that stalls is STOWAGE_TIMEOUT and commits nothing', async (t) => {
  const fixture = mediaFixture();
  const server = await startUploadServer(t, fixture.stowage, { principal: null, limits: { idleTimeoutMs: 50 } });
  const outcome = server.nextOutcome();
  async function* stalling(): AsyncGenerator<BodyPart> {
    yield 'a start';
    yield { wait: outcome };
  }
  const answer = send(server.port, { 'X-Filename': 'slow', 'Content-Length': '100' }, stalling(), { destroyAfter: true });
  t.equal(errorCode(t, await outcome), 'STOWAGE_TIMEOUT');
  await answer;
  t.same(await allEntries(fixture.catalog), []);
});

t.test('Content-Digest sha-256 is checked before anything is committed', async (t) => {
  const digest = (text: string) => `sha-256=:${createHash('sha256').update(text).digest('base64')}:`;
  const good = await raw(t, { 'X-Filename': 'ok.txt', 'Content-Digest': `md5=:x:, ${digest('hello')}` }, ['hel', 'lo']);
  t.equal(resultOf(good.outcome).entries[0]?.sha256, sha256Hex('hello'));
  const bad = await raw(t, { 'X-Filename': 'bad.txt', 'Content-Digest': digest('hello') }, ['jello']);
  t.equal(errorCode(t, bad.outcome), 'STOWAGE_DIGEST_MISMATCH');
  t.same(await allEntries(bad.catalog), []);
  const other = await raw(t, { 'X-Filename': 'other.txt', 'Content-Digest': 'sha-512=:abc=:' }, ['jello']);
  t.equal(resultOf(other.outcome).entries[0]?.size, 5, 'unsupported algorithms are not checked');
});
