/**
 * Hostile requests (RELIABILITY U9-U11, Z16): malformed ids and names, multipart framing,
 * prototype-polluting field names and limits. Every refusal stores nothing and leaves no staging.
 */
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { multipartBody, multipartHeaders, partHead } from '../http/upload/upload-server.js';
import { BOUNDARY, codeOf, filesBelow, jsonOf, multipart, pathsBelow, startRecodexServer, type RecodexServer } from './helpers/recodex-server.js';
import { CountingBackend } from './helpers/scripted-backends.js';
import { zipMembers } from './helpers/zip-listing.js';

async function assertNothingStored(t: Test, server: RecodexServer): Promise<void> {
  t.same(await pathsBelow(server.backend), [], 'nothing stored, no staging left');
}

t.test('bad file names are refused with 400 and nothing of the upload is stored (U11)', async (t) => {
  const server = await startRecodexServer(t);
  const names = ['../x', 'a/../../b', '/etc/passwd', 'a\\b', 'C:\\x', 'C:x', 'a//b', 'dir/', '.', '..', 'a/./b', 'tab\tname'];
  for (const name of names) {
    const answer = await server.post('/submissions/s1', [['good.txt', 'fine'], [name, 'evil']]);
    t.equal(answer.status, 400, JSON.stringify(name));
    t.equal(codeOf(answer), 'STOWAGE_INVALID_PATH');
    t.equal(answer.headers['connection'], 'close');
  }
  const raw: [string, string][] = [
    ['form-data; filename="f"', 'STOWAGE_INVALID_PATH'],
    ['form-data; name=""; filename="f"', 'STOWAGE_INVALID_PATH'],
    [`form-data; name*=UTF-8''x; filename="f"`, 'STOWAGE_INVALID_PATH'],
    // busboy refuses NUL and DEL in a part header outright.
    [`form-data; name="a\u0000b"; filename="f"`, 'STOWAGE_INVALID_ARGUMENT'],
    [`form-data; name="del\u007f"; filename="f"`, 'STOWAGE_INVALID_ARGUMENT'],
  ];
  for (const [disposition, code] of raw) {
    const body = multipartBody(BOUNDARY, [{ name: 'good.txt', filename: 'g', body: 'fine' }, { name: 'x', disposition, body: 'evil' }]);
    const answer = await server.request('POST', '/submissions/s1', multipartHeaders(BOUNDARY, body.length), body);
    t.equal(answer.status, 400, JSON.stringify(disposition));
    t.equal(codeOf(answer), code);
  }
  await assertNothingStored(t, server);
  t.equal((await server.request('GET', '/submission_archives/s1.zip')).status, 404);
});

t.test('names clashing within an upload, or with what is stored, are refused whole', async (t) => {
  const server = await startRecodexServer(t);
  for (const files of [
    [['a.txt', '1'], ['a.txt', '2']],
    [['caf\u00e9', '1'], ['cafe\u0301', '2']],
    [['a', '1'], ['a/b', '2']],
    [['a/b', '1'], ['a', '2']],
  ] as [string, string][][]) {
    const answer = await server.post('/submissions/s2', files);
    t.equal(answer.status, 400, JSON.stringify(files));
    t.equal(codeOf(answer), 'STOWAGE_INVALID_ARGUMENT');
  }
  await assertNothingStored(t, server);
  t.equal((await server.post('/submissions/s2', [['dir/f', 'x'], ['file', 'y']])).status, 200);
  const before = await pathsBelow(server.backend);
  const overFolder = await server.post('/submissions/s2', [['new.txt', 'n'], ['dir', 'clash']]);
  t.equal(overFolder.status, 409);
  t.equal(codeOf(overFolder), 'STOWAGE_IS_A_DIRECTORY');
  const underFile = await server.post('/submissions/s2', [['file/sub', 'clash']]);
  t.equal(underFile.status, 409);
  t.equal(codeOf(underFile), 'STOWAGE_NOT_A_DIRECTORY');
  t.same(await pathsBelow(server.backend), before, 'the stored submission is unchanged');
});

t.test('malformed ids and hashes: 400 for writes, 404 for reads, before any backend I/O', async (t) => {
  const backend = new CountingBackend();
  const server = await startRecodexServer(t, {}, backend);
  const { headers, body } = multipart([['a.txt', 'a']]);
  const ids = ['..', '%2e%2e', '.hidden', 'a%2Fb', 'a%5Cb', 'a%20b', 'caf%C3%A9', 'x'.repeat(129), 'trail.'];
  for (const id of ids) {
    const posted = await server.request('POST', `/submissions/${id}`, headers, body);
    t.equal(posted.status, 400, `POST /submissions/${id}`);
    t.equal(codeOf(posted), 'STOWAGE_INVALID_PATH');
    t.equal(posted.headers['connection'], 'close', 'the unread body closes the connection');
    t.equal((await server.request('PUT', `/results/${id}.zip`, {}, 'r')).status, 400, `PUT /results/${id}.zip`);
    t.equal((await server.request('GET', `/results/${id}.zip`)).status, 404);
    t.equal((await server.request('GET', `/submission_archives/${id}.zip`)).status, 404);
  }
  for (const target of ['/tasks/DA39A3EE5E6B4B0D3255BFEF95601890AFD80709', '/tasks/abc', '/exercises/..', '/tasks/da39a3ee5e6b4b0d3255bfef95601890afd80709/x', '/submission_archives/x.tar', '/results/x']) {
    const answer = await server.request('GET', target);
    t.equal(answer.status, 404, target);
    t.equal(codeOf(answer), 'STOWAGE_NOT_FOUND');
  }
  for (const target of ['/submissions/%ZZ', '/submissions/a%00', '/tasks/%0d%0a']) {
    const answer = await server.request('GET', target);
    t.equal(answer.status, 400, target);
    t.equal(codeOf(answer), 'STOWAGE_INVALID_PATH');
  }
  t.equal((await server.request('GET', `/tasks/${'a'.repeat(9000)}`)).status, 414);
  t.equal(backend.calls, 0, 'no request reached the backend');
});

t.test('multipart framing (U9): 400 or 413, never a crash, nothing stored', async (t) => {
  const server = await startRecodexServer(t, { uploads: { maxFiles: 5, maxFields: 5 } });
  const post = (headers: Record<string, string>, body: string | Buffer) => server.request('POST', '/submissions/frame', headers, body);
  const CRLF = '\r\n';
  const cases: [string, Record<string, string>, string | Buffer, number][] = [
    ['no Content-Type', {}, 'x', 400],
    ['urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=b', 400],
    ['no boundary', { 'content-type': 'multipart/form-data' }, 'x', 400],
    ['empty boundary', { 'content-type': 'multipart/form-data; boundary=' }, 'x', 400],
    ['header line starting with a space (CVE-2022-24434)', multipartHeaders(BOUNDARY), `--${BOUNDARY}${CRLF} Content-Disposition: form-data; name="a"; filename="a"${CRLF}${CRLF}x${CRLF}--${BOUNDARY}--${CRLF}`, 400],
    ['unterminated last part', multipartHeaders(BOUNDARY), `${partHead(BOUNDARY, { name: 'a.txt', filename: 'a.txt' })}unterminated`, 400],
    ['80 KB header without a colon', multipartHeaders(BOUNDARY), `--${BOUNDARY}${CRLF}${'x'.repeat(80 * 1024)}${CRLF}${CRLF}x${CRLF}--${BOUNDARY}--${CRLF}`, 400],
    ['garbage', multipartHeaders(BOUNDARY), Buffer.from([0, 1, 2, 255, 13, 10]), 400],
    ['too many files', multipartHeaders(BOUNDARY), multipartBody(BOUNDARY, Array.from({ length: 6 }, (_, index) => ({ name: `f${index}`, filename: 'f', body: 'x' }))), 413],
    ['10k parts', multipartHeaders(BOUNDARY), multipartBody(BOUNDARY, Array.from({ length: 10_000 }, (_, index) => ({ name: `p${index}`, body: '' }))), 413],
  ];
  for (const [label, headers, body, status] of cases) {
    const answer = await post(headers, body);
    t.equal(answer.status, status, label);
    t.equal(answer.headers['connection'], 'close', `${label}: Connection: close`);
  }
  const boundaryInBody = multipartBody(BOUNDARY, [{ name: 'a.txt', filename: 'a.txt', body: `x--${BOUNDARY}--\r\n not a delimiter` }]);
  t.equal((await post(multipartHeaders(BOUNDARY), boundaryInBody)).status, 200, 'a near-boundary inside a body is data');
  const withFields = multipartBody(BOUNDARY, [
    { name: 'comment', body: 'a plain field is ignored, as request.form is' },
    { name: 'b.txt', filename: 'b.txt', body: 'b' },
  ]);
  t.equal((await post(multipartHeaders(BOUNDARY), withFields)).status, 200);
  t.same(await filesBelow(server.backend, 'submissions'), ['submissions/frame/a.txt', 'submissions/frame/b.txt']);
  t.same(await filesBelow(server.backend, 'incoming-submissions'), []);
});

t.test('property: arbitrary multipart-ish bodies get 200, 400 or 413 and leave no staging', async (t) => {
  const server = await startRecodexServer(t, { uploads: { maxFiles: 3, maxFields: 3, maxFileBytes: 64 } });
  const piece = fc.oneof(
    fc.constantFrom(`--${BOUNDARY}\r\n`, `--${BOUNDARY}--\r\n`, '\r\n', 'Content-Disposition: form-data; name="a.txt"; filename="a"\r\n', 'Content-Type: text/plain\r\n', ' folded\r\n', 'name="../x"'),
    fc.string({ maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 12 }), async (pieces) => {
      const body = Buffer.from(pieces.join(''), 'latin1');
      const answer = await server.request('POST', '/submissions/fuzz', multipartHeaders(BOUNDARY, body.length), body);
      if (![200, 400, 413].includes(answer.status)) throw new Error(`status ${answer.status} for ${JSON.stringify(pieces)}`);
    }),
    { numRuns: 300 },
  );
  t.same(await filesBelow(server.backend, 'incoming-submissions'), []);
  t.equal((await server.post('/submissions/after', [['ok', 'ok']])).status, 200, 'the server still answers');
});

t.test('field names that pollute prototypes are plain keys (U10)', async (t) => {
  const server = await startRecodexServer(t);
  const names = ['__proto__', 'constructor', 'prototype', 'constructor[prototype][polluted]', 'a[b]'.repeat(250)];
  const answer = await server.post('/tasks', names.map((name, index) => [name, `content ${index}`] as const));
  t.equal(answer.status, 200);
  const text = answer.body.toString();
  for (const name of names) t.ok(text.includes(`"${name}": "/tasks/`), `${name.slice(0, 30)} is a key of the answer`);
  t.equal(({} as Record<string, unknown>)['polluted'], undefined);
  t.equal(Object.getPrototypeOf(jsonOf(answer)), Object.prototype);
  const twice = await server.post('/tasks', [['same', '1'], ['same', '2']]);
  t.equal(twice.status, 400);
  t.equal(codeOf(twice), 'STOWAGE_INVALID_ARGUMENT');
  for (const disposition of ['form-data; filename="f"', `form-data; name="a\u0001b"; filename="f"`]) {
    const body = multipartBody(BOUNDARY, [{ name: 'x', disposition, body: 'x' }]);
    const refused = await server.request('POST', '/tasks', multipartHeaders(BOUNDARY, body.length), body);
    t.equal(refused.status, 400, disposition);
  }
});

t.test('sizes over the limits are 413 with Connection: close and store nothing (U1, U2)', async (t) => {
  const server = await startRecodexServer(t, { uploads: { maxFileBytes: 100, maxTotalBytes: 150 } });
  const big = Buffer.alloc(101, 1);
  const cases: [string, () => Promise<{ status: number; headers: Record<string, unknown> }>][] = [
    ['one file over maxFileBytes', () => server.post('/submissions/big', [['a', big]])],
    ['all files over maxTotalBytes', () => server.post('/submissions/big', [['a', big.subarray(0, 80)], ['b', big.subarray(0, 80)]])],
    ['a task file over maxFileBytes', () => server.post('/tasks', [['a', big]])],
    ['a declared result over the limit', () => server.request('PUT', '/results/big.zip', { 'content-length': '101' }, big)],
    ['a chunked result over the limit', () => server.request('PUT', '/results/big.zip', { 'transfer-encoding': 'chunked' }, big)],
  ];
  for (const [label, send] of cases) {
    const answer = await send();
    t.equal(answer.status, 413, label);
    t.equal(answer.headers['connection'], 'close', label);
  }
  t.same(await filesBelow(server.backend), []);
  t.equal((await server.post('/submissions/big', [['a', big.subarray(0, 100)]])).status, 200, 'exactly maxFileBytes is fine');
  const short = await server.request('PUT', '/results/short.zip', { 'content-length': 'abc' }, 'x');
  t.equal(short.status, 400, 'a malformed Content-Length');
});

t.test('property: accepted names round-trip to the backend and to the zip members (yauzl)', async (t) => {
  const server = await startRecodexServer(t);
  const segment = fc.oneof(
    fc.constantFrom('CON', 'nul.txt', 'trail.', 'trail ', 'ab:c', 'a?b', '日本語', 'Main.java', '%2F', 'e\u0301'),
    fc.stringMatching(/^[A-Za-z0-9 ._-]{1,12}$/).filter((name) => name !== '.' && name !== '..'),
  );
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/')), { minLength: 1, maxLength: 4 }), async (names) => {
      const nfc = names.map((name) => name.normalize('NFC'));
      const clash = nfc.some((name, index) => nfc.indexOf(name) !== index || nfc.some((other) => other.startsWith(`${name}/`)));
      const id = `prop-${run++}`;
      const answer = await server.post(`/submissions/${id}`, names.map((name, index) => [name, `#${index}`] as const));
      if (clash) {
        if (answer.status !== 400) throw new Error(`clashing ${JSON.stringify(names)} got ${answer.status}`);
        return;
      }
      if (answer.status !== 200) throw new Error(`${JSON.stringify(names)} got ${answer.status}: ${answer.body.toString()}`);
      const members = await zipMembers((await server.request('GET', `/submission_archives/${id}.zip`)).body);
      // Member order is the walk order, tested elsewhere; here the set and the bytes matter.
      const files = members
        .filter((member) => !member.directory)
        .map((member) => [member.name, member.bytes.toString()])
        .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
      const expected = nfc.map((name, index) => [`${id}/${name}`, `#${index}`]).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
      if (JSON.stringify(files) !== JSON.stringify(expected)) throw new Error(`${JSON.stringify(files)} != ${JSON.stringify(expected)}`);
      const stored = await filesBelow(server.backend, `submissions/${id}`);
      if (JSON.stringify(stored) !== JSON.stringify(nfc.map((name) => `submissions/${id}/${name}`).sort())) throw new Error(`stored ${JSON.stringify(stored)}`);
      for (const member of members) {
        if (member.directory && !files.some(([name]) => (name as string).startsWith(member.name))) throw new Error(`empty folder ${member.name}`);
      }
    }),
    { numRuns: 60 },
  );
  t.pass('every accepted name is its own backend path and zip member');
});
