import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertJsonError, bearer, CONTRACT_LIMITS, eventually, header, type ContractFixture, type HttpContractCase } from '../contract-fixture.js';
import { rawRequest, type RawResponse } from '../raw-request.js';
import { socketExchange } from '../socket-client.js';

const BOUNDARY = 'contract-upload-boundary';

/** A multipart body of `parts` (a part is a field when `filename` is absent). */
function multipart(parts: readonly { name: string; filename?: string; type?: string; data: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`;
    const type = part.type === undefined ? '' : `\r\nContent-Type: ${part.type}`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

function postMultipart(url: string, body: Buffer, headers: Record<string, string> = bearer('alice')): Promise<RawResponse> {
  return rawRequest(url, '/media', { method: 'POST', headers: { ...headers, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, body });
}

function postRaw(url: string, filename: string, body: Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(url, '/media', {
    method: 'POST',
    headers: { ...bearer('alice'), 'content-type': 'application/octet-stream', 'x-filename': encodeURIComponent(filename), ...headers },
    body,
  });
}

interface CreatedFile {
  readonly filename: string;
  readonly url: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
}

function createdFiles(response: RawResponse): readonly CreatedFile[] {
  assert.equal(response.status, 201, response.body.toString());
  return (JSON.parse(response.body.toString()) as { files: CreatedFile[] }).files;
}

/** Asserts the catalog lists exactly what it listed before (nothing committed, nothing lost). */
async function assertUnchanged(fixture: ContractFixture, before: readonly string[]): Promise<void> {
  assert.deepEqual(await fixture.keys(), before, 'nothing committed and nothing lost');
}

const ONE_MIB = 1024 * 1024;

/** RELIABILITY.md 3.3: uploads (U1-U6, U9-U13, U16, U17). */
export const UPLOAD_CASES: readonly HttpContractCase[] = Object.freeze([
  {
    name: 'U1, U2: a body over the limit is 413 with Connection: close, declared or chunked, and nothing is committed',
    async run(fixture) {
      const before = await fixture.keys();
      const declared = await socketExchange(fixture.subject.url, [
        `POST /media HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer('alice').authorization ?? ''}\r\nContent-Type: application/octet-stream\r\nX-Filename: big.bin\r\nContent-Length: ${CONTRACT_LIMITS.uploads.maxFileBytes + 1}\r\n\r\n`,
        Buffer.alloc(64 * 1024),
      ]);
      assert.equal(declared.status, 413, 'refused on the declared length');
      assert.match(declared.text, /\r\nconnection: close\r\n/i);
      const chunked = await postRaw(fixture.subject.url, 'chunked.bin', Buffer.alloc(CONTRACT_LIMITS.uploads.maxFileBytes + 10), { 'transfer-encoding': 'chunked' });
      assertJsonError(chunked, 413, 'STOWAGE_TOO_LARGE');
      const multi = await postMultipart(fixture.subject.url, multipart([{ name: 'file', filename: 'big.bin', data: Buffer.alloc(CONTRACT_LIMITS.uploads.maxFileBytes + 1) }]));
      assertJsonError(multi, 413, 'STOWAGE_TOO_LARGE');
      await assertUnchanged(fixture, before);
    },
  },
  {
    name: 'U3, U4: a body that ends early or a client that leaves commits nothing, and a retry succeeds',
    async run(fixture) {
      const before = await fixture.keys();
      const head = (length: number): string =>
        `POST /media HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer('alice').authorization ?? ''}\r\nContent-Type: application/octet-stream\r\nX-Filename: partial.bin\r\nContent-Length: ${length}\r\n\r\n`;
      const short = await socketExchange(fixture.subject.url, [head(1000), Buffer.alloc(10)], { end: true, timeoutMs: 3000 });
      assert.ok(short.status === undefined || short.status === 400 || short.status === 499, `answered ${short.status}`);
      await socketExchange(fixture.subject.url, [head(ONE_MIB), Buffer.alloc(ONE_MIB / 2), 50], { timeoutMs: 1 });
      await assertUnchanged(fixture, before);
      const retry = await postRaw(fixture.subject.url, 'partial.bin', Buffer.alloc(ONE_MIB, 9));
      const [file] = createdFiles(retry);
      assert.equal(file?.size, ONE_MIB);
      assert.equal((await fixture.keys()).length, before.length + 1);
    },
  },
  {
    name: 'U5: a Content-Digest that does not match the body is 400 and commits nothing',
    async run(fixture) {
      const before = await fixture.keys();
      const body = Buffer.from('the real bytes');
      const wrong = createHash('sha256').update('other bytes').digest('base64');
      assertJsonError(await postRaw(fixture.subject.url, 'digest.txt', body, { 'content-digest': `sha-256=:${wrong}:` }), 400, 'STOWAGE_DIGEST_MISMATCH');
      await assertUnchanged(fixture, before);
      const right = createHash('sha256').update(body).digest('base64');
      const [file] = createdFiles(await postRaw(fixture.subject.url, 'digest.txt', body, { 'content-digest': `sha-256=:${right}:` }));
      assert.equal(file?.sha256, createHash('sha256').update(body).digest('hex'));
    },
  },
  {
    name: 'U6: concurrent uploads of identical bytes all succeed with the same content',
    async run({ subject }) {
      const body = Buffer.alloc(200 * 1024, 'same bytes ');
      const responses = await Promise.all(Array.from({ length: 8 }, () => postRaw(subject.url, 'same.txt', body)));
      const files = responses.map((response) => createdFiles(response)[0]);
      assert.equal(new Set(files.map((file) => file?.sha256)).size, 1);
      assert.equal(new Set(files.map((file) => file?.url)).size, 8, 'every upload is its own entry');
      for (const file of files) {
        const read = await rawRequest(subject.url, file?.url ?? '', { headers: bearer('alice') });
        assert.deepEqual(read.body, body);
      }
    },
  },
  {
    name: 'U9: broken multipart framing is 400 or 413, commits nothing and the server stays up',
    async run(fixture) {
      const before = await fixture.keys();
      const url = fixture.subject.url;
      const post = (type: string, body: Buffer | string): Promise<RawResponse> =>
        rawRequest(url, '/media', { method: 'POST', headers: { ...bearer('alice'), 'content-type': type }, body: Buffer.from(body) });
      const framed = `multipart/form-data; boundary=${BOUNDARY}`;
      const bodies: [string, Buffer | string][] = [
        ['multipart/form-data', multipart([{ name: 'file', filename: 'a.txt', data: 'x' }])],
        [framed, 'no boundary anywhere in this body'],
        [framed, `--${BOUNDARY}\r\n Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nx\r\n--${BOUNDARY}--\r\n`],
        [framed, `--${BOUNDARY}\r\n${'A'.repeat(80 * 1024)}\r\n\r\nx\r\n--${BOUNDARY}--\r\n`],
        [framed, `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nunterminated`],
        [framed, Buffer.concat(Array.from({ length: 10_000 }, () => Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n`)))],
        [framed, multipart(Array.from({ length: 20 }, (_, index) => ({ name: 'file', filename: `f${index}.txt`, data: 'x' })))],
        [framed, multipart([{ name: 'file', filename: '', data: 'x' }])],
        [framed, `--${BOUNDARY}--\r\n`],
      ];
      for (const [type, body] of bodies) {
        const response = await post(type, body);
        assert.ok(response.status === 400 || response.status === 413, `${String(body).slice(0, 60)} answered ${response.status}`);
        assertJsonError(response, response.status);
      }
      await assertUnchanged(fixture, before);
      createdFiles(await postMultipart(url, multipart([{ name: 'file', filename: 'after.txt', data: 'still up' }])));
    },
  },
  {
    name: 'U10: prototype-polluting field names are ignored or refused and pollute nothing',
    async run({ subject }) {
      for (const name of ['__proto__', 'constructor[prototype][polluted]', '__proto__[polluted]', `${'a['.repeat(1000)}x`]) {
        const body = multipart([
          { name, data: 'yes' },
          { name: 'file', filename: 'proto.txt', data: 'x' },
        ]);
        const response = await postMultipart(subject.url, body);
        assert.ok(response.status === 201 || response.status === 400, `${name.slice(0, 30)} answered ${response.status}`);
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
        assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      }
    },
  },
  {
    name: 'U11: filenames that are paths or hold controls are refused with 400; others round-trip exactly',
    async run(fixture) {
      const before = await fixture.keys();
      for (const filename of ['', '.', '..', 'a/b', 'a\\b', '/etc/passwd', 'C:\\x', 'nul\u0000.txt', 'bell\u0007', 'del\u007f', 'c1\u0085']) {
        const response = await postRaw(fixture.subject.url, filename, Buffer.from('x'));
        assertJsonError(response, 400);
      }
      await assertUnchanged(fixture, before);
      const [file] = createdFiles(await postRaw(fixture.subject.url, 'a%2Fb', Buffer.from('literal percent')));
      assert.equal(file?.filename, 'a%2Fb');
      const read = await rawRequest(fixture.subject.url, file?.url ?? '', { headers: bearer('alice') });
      assert.equal(read.body.toString(), 'literal percent');
    },
  },
  {
    name: 'U12, U13: device names and names that differ only in case or normalization never overwrite each other',
    async run({ subject }) {
      const names = ['CON', 'nul.txt', 'COM1', 'LPT9.log', 'trail.', 'trail ', 'a:b', 'a?b', 'a*b', 'x::$DATA', `${'n'.repeat(250)}.txt`];
      for (const name of names) {
        const [file] = createdFiles(await postRaw(subject.url, name, Buffer.from(`bytes of ${name}`)));
        assert.equal(file?.filename, name);
        const read = await rawRequest(subject.url, file?.url ?? '', { headers: bearer('alice') });
        assert.equal(read.body.toString(), `bytes of ${name}`, name);
      }
      const pairs = [['café.txt', 'cafe\u0301.txt'], ['Report.pdf', 'report.pdf'], ['ß.txt', 'ss.txt'], ['K.txt', '\u212A.txt']];
      for (const pair of pairs) {
        const urls: string[] = [];
        for (const [index, name] of pair.entries()) {
          const [file] = createdFiles(await postRaw(subject.url, name ?? '', Buffer.from(`${index}: ${name}`)));
          urls.push(file?.url ?? '');
        }
        for (const [index, url] of urls.entries()) {
          const read = await rawRequest(subject.url, url, { headers: bearer('alice') });
          assert.equal(read.body.toString(), `${index}: ${pair[index]}`, `${pair.join(' / ')} kept apart`);
        }
      }
    },
  },
  {
    name: 'U16: an empty file is committed and served with length 0; any range of it is 416',
    async run({ subject }) {
      const [file] = createdFiles(await postRaw(subject.url, 'empty.txt', Buffer.alloc(0)));
      assert.equal(file?.size, 0);
      assert.equal(file?.sha256, createHash('sha256').digest('hex'));
      const read = await rawRequest(subject.url, file?.url ?? '', { headers: bearer('alice') });
      assert.equal(read.status, 200);
      assert.equal(header(read, 'content-length'), '0');
      const ranged = await rawRequest(subject.url, file?.url ?? '', { headers: { ...bearer('alice'), range: 'bytes=0-0' } });
      assert.equal(ranged.status, 416);
      assert.equal(header(ranged, 'content-range'), 'bytes */0');
    },
  },
  {
    name: 'U17: an upload that stalls is ended by the idle timeout with 408 and commits nothing',
    async run(fixture) {
      const before = await fixture.keys();
      const stalled = await socketExchange(
        fixture.subject.url,
        [
          `POST /media HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer('alice').authorization ?? ''}\r\nContent-Type: application/octet-stream\r\nX-Filename: slow.bin\r\nContent-Length: 1000\r\n\r\n`,
          'a few bytes',
        ],
        { timeoutMs: CONTRACT_LIMITS.uploads.idleTimeoutMs * 10 },
      );
      assert.equal(stalled.status, 408);
      assert.ok(stalled.closedByServer, 'the server closed the connection');
      await eventually(async () => (await fixture.keys()).length === before.length, 'nothing committed');
      await assertUnchanged(fixture, before);
    },
  },
]);
