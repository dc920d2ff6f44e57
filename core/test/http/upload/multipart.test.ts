import t, { type Test } from 'tap';
import { bytesOf, mediaFixture, sha256Hex } from '../../helpers/media-fixture.js';
import { allEntries, errorCode, leftovers, multipartBody, multipartHeaders, resultOf, send, startUploadServer, type Part } from './upload-server.js';

const B = 'xXxBoundary42';
const alice = { name: 'alice' };

async function upload(t: Test, parts: readonly Part[], limits = {}) {
  const fixture = mediaFixture();
  const server = await startUploadServer(t, fixture.stowage, { principal: alice, limits });
  const body = multipartBody(B, parts);
  const answer = await send(server.port, multipartHeaders(B, body.length), [body]);
  return { ...fixture, server, answer, outcome: await server.nextOutcome() };
}

t.test('several files become one folder-like, in arrival order, with the options from fields', async (t) => {
  const big = Buffer.alloc(300 * 1024, 7); // spills to a temp file
  const { stowage, answer, outcome, server } = await upload(t, [
    { name: 'visibility', body: 'public' },
    { name: 'readers', body: ' bob , group:staff,,' },
    { name: 'keepDays', body: '7' },
    { name: 'file', filename: 'b.txt', contentType: 'text/plain', body: 'second name, first file' },
    { name: 'file', filename: 'big.bin', contentType: 'application/octet-stream', body: big },
    { name: 'file', filename: 'empty.txt', body: '' },
  ]);
  const result = resultOf(outcome);
  t.same(result.entries.map((entry) => entry.filename), ['b.txt', 'big.bin', 'empty.txt']);
  t.same(result.entries.map((entry) => entry.size), [23, big.length, 0]);
  t.equal(result.entries[2]?.sha256, sha256Hex(''));
  t.equal(result.entries[0]?.visibility, 'public');
  t.same(result.entries[0]?.readers, ['bob', 'group:staff']);
  t.not(result.entries[0]?.expiresAt, null);
  t.equal(result.entries[1]?.contentType, 'application/octet-stream');
  const opened = await stowage.open({ id: result.id, filename: 'big.bin' }, { principal: alice });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.ok((await bytesOf(opened.stream)).equals(big));
  if (!('status' in answer)) throw answer.failed;
  t.equal(answer.status, 201);
  t.equal(answer.headers.location, `/media/${result.id}/b.txt`);
  t.equal((JSON.parse(answer.body) as { files: unknown[] }).files.length, 3);
  t.same(await leftovers(server), [], 'the spool is gone');
});

t.test('a file of exactly maxFileBytes passes; one byte more is 413 and nothing is committed', async (t) => {
  const ok = await upload(t, [{ name: 'f', filename: 'ten.txt', body: '0123456789' }], { maxFileBytes: 10 });
  t.equal(resultOf(ok.outcome).entries[0]?.size, 10);
  const over = await upload(t, [{ name: 'f', filename: 'eleven.txt', body: '0123456789A' }], { maxFileBytes: 10 });
  t.equal(errorCode(t, over.outcome), 'STOWAGE_TOO_LARGE');
  t.same(await allEntries(over.catalog), []);
  if ('status' in over.answer) t.equal(over.answer.status, 413);
});

t.test('a truncated big file (spilled to disk) is 413, nothing committed, no temp left', async (t) => {
  const { outcome, catalog, server } = await upload(t, [{ name: 'f', filename: 'big.bin', body: Buffer.alloc(200 * 1024) }], { maxFileBytes: 150 * 1024 });
  t.equal(errorCode(t, outcome), 'STOWAGE_TOO_LARGE');
  t.same(await allEntries(catalog), []);
  t.same(await leftovers(server), []);
});

t.test('limits on files, fields, parts, total bytes and part headers are 413', async (t) => {
  const file = (filename: string): Part => ({ name: 'f', filename, body: 'x' });
  const cases: [string, readonly Part[], object][] = [
    ['files', [file('a'), file('b'), file('c')], { maxFiles: 2 }],
    ['fields', [{ name: 'x', body: '1' }, { name: 'y', body: '2' }, file('a')], { maxFields: 1 }],
    ['field bytes', [{ name: 'readers', body: 'a'.repeat(9) }, file('a')], { maxFieldBytes: 8 }],
    ['parts', [{ name: 'n', disposition: 'inline', body: '' }, { name: 'n', disposition: 'inline', body: '' }, file('a')], { maxFiles: 1, maxFields: 0 }],
    ['total', [{ name: 'f', filename: 'a', body: '12345' }, { name: 'f', filename: 'b', body: '123456' }], { maxTotalBytes: 10 }],
    ['part header', [file('n'.repeat(40))], { maxPartHeaderBytes: 32 }],
    ['field header', [{ name: 'n'.repeat(40), body: '' }, file('a')], { maxPartHeaderBytes: 32 }],
  ];
  for (const [label, parts, limits] of cases) {
    const { outcome, catalog } = await upload(t, parts, limits);
    t.equal(errorCode(t, outcome), 'STOWAGE_TOO_LARGE', label);
    t.same(await allEntries(catalog), [], `${label}: nothing committed`);
  }
});

t.test('option fields: validated, once each, before the first file; other names are ignored', async (t) => {
  const file: Part = { name: 'f', filename: 'a.txt', body: 'x' };
  const bad: [string, readonly Part[]][] = [
    ['after a file', [file, { name: 'visibility', body: 'public' }]],
    ['twice', [{ name: 'visibility', body: 'public' }, { name: 'visibility', body: 'private' }, file]],
    ['bad visibility', [{ name: 'visibility', body: 'everyone' }, file]],
    ['bad keepDays', [{ name: 'keepDays', body: '-1' }, file]],
    ['no file', [{ name: 'visibility', body: 'public' }]],
  ];
  for (const [label, parts] of bad) {
    const { outcome, catalog } = await upload(t, parts);
    t.equal(errorCode(t, outcome), 'STOWAGE_INVALID_ARGUMENT', label);
    t.same(await allEntries(catalog), []);
  }
  const ignored = await upload(t, [
    { name: '__proto__', body: 'polluted' },
    { name: 'constructor[prototype][polluted]', body: 'yes' },
    { name: `${'a[b]'.repeat(1000)}`, body: 'deep' },
    { name: '', body: 'empty name' },
    { name: 'keepDays', body: 'forever' },
    file,
  ], { maxPartHeaderBytes: 16 * 1024 });
  t.equal(resultOf(ignored.outcome).entries[0]?.expiresAt, null);
  t.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

t.test('filenames: refused when empty, a path or a control; kept exactly otherwise (NFC)', async (t) => {
  const refused = ['.', '..', 'a/b', 'a\\b', '/etc/passwd', 'C:\\x', '..\\..\\x', 'nul\u0000byte', 'bell\u0007', 'del\u007f', 'c1\u0085'];
  for (const filename of refused) {
    const { outcome, catalog, server } = await upload(t, [{ name: 'f', disposition: `form-data; name="f"; filename*=UTF-8''${encodeURIComponent(filename)}`, body: 'x' }]);
    t.equal(errorCode(t, outcome), 'STOWAGE_INVALID_PATH', JSON.stringify(filename));
    t.same(await allEntries(catalog), []);
    t.same(await leftovers(server), []);
  }
  const missing = await upload(t, [{ name: 'f', contentType: 'application/octet-stream', body: 'no filename at all' }]);
  t.equal(errorCode(t, missing.outcome), 'STOWAGE_INVALID_PATH');
  // busboy reads an empty filename (an empty file input of a browser) as a field: ignored, so no file.
  const empty = await upload(t, [{ name: 'f', filename: '', body: '' }]);
  t.equal(errorCode(t, empty.outcome), 'STOWAGE_INVALID_ARGUMENT');
  const kept = await upload(t, [
    { name: 'f', disposition: `form-data; name="f"; filename*=UTF-8''${encodeURIComponent('cafe\u0301.txt')}`, body: 'x' },
    { name: 'f', filename: 'a%2Fb', body: 'y' },
    { name: 'f', filename: 'CON', body: 'z' },
  ]);
  t.same(resultOf(kept.outcome).entries.map((entry) => entry.filename), ['caf\u00e9.txt', 'a%2Fb', 'CON']);
});
