import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertJsonError, bearer, DIGITS, header, target, type HttpContractCase } from '../contract-fixture.js';
import { rawRequest, type RawResponse } from '../raw-request.js';

/** Active content types that must never render inline on the application's origin. */
const ACTIVE = Object.freeze([
  ['page.html', 'text/html'],
  ['drawing.svg', 'image/svg+xml'],
  ['doc.xhtml', 'application/xhtml+xml'],
  ['feed.xml', 'text/xml'],
  ['app.js', 'application/javascript'],
] as const);

/** Filenames that break naive header building (RELIABILITY D20). */
const HOSTILE_NAMES = Object.freeze([
  'quote " and semicolon ; and comma ,.txt',
  'check ✓ and face 😀.txt',
  'rtl \u202Egnp.exe',
  `${'é'.repeat(125)}.txt`, // 254 bytes: the longest name a segment holds
  'percent %41 and %.txt',
  "single ' quote.txt",
]);

/** The one Content-Disposition of an answer, checked to be a single, well-formed header. */
function disposition(response: RawResponse): string {
  const value = response.headers['content-disposition'];
  assert.equal(typeof value, 'string', 'exactly one Content-Disposition');
  return value as string;
}

/** RELIABILITY.md 3.1: ranges, validators, HEAD, hostile names and types. */
export const RESPONSE_CASES: readonly HttpContractCase[] = Object.freeze([
  {
    name: 'D12, D13: exact ranges, and 416 with the length for ranges past the end',
    async run({ subject, publicKey }) {
      const first = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=0-9' } });
      assert.equal(first.status, 206);
      assert.equal(header(first, 'content-length'), '10');
      assert.equal(header(first, 'content-range'), 'bytes 0-9/10');
      const last = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=9-' } });
      assert.equal(last.body.toString(), '9');
      const clipped = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=8-999' } });
      assert.equal(header(clipped, 'content-range'), 'bytes 8-9/10');
      assert.equal(clipped.body.toString(), '89');
      for (const range of ['bytes=10-', 'bytes=99999999999-', 'bytes=99999999999999999999-']) {
        const response = await rawRequest(subject.url, target(publicKey), { headers: { range } });
        assert.equal(response.status, 416, range);
        assert.equal(header(response, 'content-range'), 'bytes */10', range);
        assertJsonError(response, 416, 'STOWAGE_RANGE_NOT_SATISFIABLE');
      }
    },
  },
  {
    name: 'D14, D15: many or malformed ranges are answered with the whole body, never a 500',
    async run({ subject, publicKey }) {
      const overlapping = Array.from({ length: 1000 }, () => '0-0').join(',');
      for (const range of [`bytes=${overlapping}`, 'bytes=abc', 'items=0-1', 'bytes=5-2', 'bytes=-', 'bytes=--1', 'bytes=0-1,']) {
        const response = await rawRequest(subject.url, target(publicKey), { headers: { range } });
        assert.ok(response.status === 200 || response.status === 416, `${range.slice(0, 30)} answered ${response.status}`);
        if (response.status === 200) assert.equal(response.body.toString(), DIGITS);
      }
    },
  },
  {
    name: 'D16, D17: a stale If-Range gives the whole body; 304 keeps the privacy of the entry',
    async run({ subject, publicKey, privateKey }) {
      const stale = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=0-1', 'if-range': `"${'0'.repeat(64)}"` } });
      assert.equal(stale.status, 200);
      assert.equal(stale.body.toString(), DIGITS);
      const dated = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=0-1', 'if-range': 'Thu, 01 Jan 1970 00:00:00 GMT' } });
      assert.equal(dated.status, 200, 'an If-Range date before the last modification gives the whole body');
      const owner = await rawRequest(subject.url, target(privateKey), { headers: bearer('alice') });
      const notModified = await rawRequest(subject.url, target(privateKey), { headers: { ...bearer('alice'), 'if-none-match': header(owner, 'etag') ?? '' } });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.body.length, 0);
      assert.equal(header(notModified, 'cache-control'), 'private, no-store');
      assert.equal(header(notModified, 'etag'), header(owner, 'etag'));
      const plain = await rawRequest(subject.url, target(publicKey));
      const since = await rawRequest(subject.url, target(publicKey), { headers: { 'if-modified-since': header(plain, 'last-modified') ?? '' } });
      assert.equal(since.status, 304);
      const weakList = await rawRequest(subject.url, target(publicKey), { headers: { 'if-none-match': `"other", W/${header(since, 'etag') ?? ''}` } });
      assert.equal(weakList.status, 304, 'If-None-Match compares weakly and accepts a list');
    },
  },
  {
    name: 'D18: HEAD answers the status and headers of GET for ranges, refusals and misses, with no body',
    async run({ subject, publicKey, privateKey, backend }) {
      const cases: { path: string; headers?: Record<string, string> }[] = [
        { path: target(publicKey), headers: { range: 'bytes=1-3' } },
        { path: target(publicKey), headers: { range: 'bytes=50-' } },
        { path: target(privateKey) },
        { path: `/media/${publicKey.id}/missing.txt` },
      ];
      for (const { path, headers } of cases) {
        const get = await rawRequest(subject.url, path, headers === undefined ? {} : { headers });
        const head = await rawRequest(subject.url, path, { method: 'HEAD', ...(headers === undefined ? {} : { headers }) });
        assert.equal(head.status, get.status, path);
        assert.equal(head.body.length, 0);
        for (const name of ['content-length', 'content-type', 'content-range', 'etag', 'cache-control', 'www-authenticate']) {
          assert.equal(header(head, name), header(get, name), `${path} ${name}`);
        }
      }
      assert.equal(backend.openReads, 0, 'HEAD left no read open');
    },
  },
  {
    name: 'D20: hostile filenames give one valid Content-Disposition that round-trips the name',
    async run({ subject, put }) {
      for (const name of HOSTILE_NAMES) {
        const key = await put(name, 'bytes', 'public');
        const response = await rawRequest(subject.url, target(key));
        assert.equal(response.status, 200, name);
        const value = disposition(response);
        assert.doesNotMatch(value, /[\r\n\u0000]/);
        const fallback = /filename="((?:[^"\\]|\\.)*)"/.exec(value)?.[1] ?? '';
        assert.doesNotMatch(fallback, /[\\"\u0000-\u001f\u007f-\uffff]/, `the ASCII fallback of ${name} is plain`);
        const extended = /filename\*=UTF-8''([^;\s]+)/.exec(value)?.[1];
        if (extended !== undefined) assert.equal(decodeURIComponent(extended), key.filename.normalize('NFC'), name);
        else assert.equal(fallback, key.filename, 'without filename* the fallback is the name itself');
        assert.equal(header(response, 'set-cookie'), undefined);
      }
    },
  },
  {
    name: 'D21, D24: active content is a sandboxed attachment; public content is immutable with a content ETag',
    async run({ subject, put }) {
      for (const [name, type] of ACTIVE) {
        const key = await put(name, '<script>alert(document.domain)</script>', 'public', type);
        const response = await rawRequest(subject.url, target(key));
        assert.match(disposition(response), /^attachment;/, name);
        assert.equal(header(response, 'content-security-policy'), "sandbox; default-src 'none'", name);
        assert.equal(header(response, 'x-content-type-options'), 'nosniff', name);
      }
      const text = await put('note.txt', '<script>alert(1)</script>', 'public');
      const response = await rawRequest(subject.url, target(text));
      assert.match(header(response, 'content-type') ?? '', /^text\/plain/);
      assert.equal(header(response, 'x-content-type-options'), 'nosniff', 'plain text is never sniffed into HTML');
      assert.equal(header(response, 'cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(header(response, 'etag'), `"${createHash('sha256').update('<script>alert(1)</script>').digest('hex')}"`);
    },
  },
  {
    name: 'D22: the served type comes from the stored name, never from the type the uploader claimed',
    async run({ subject }) {
      const boundary = 'contract-d22';
      const body = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="picture.png"\r\nContent-Type: text/html\r\n\r\n<html><script>alert(1)</script></html>\r\n--${boundary}--\r\n`,
      );
      const created = await rawRequest(subject.url, '/media', {
        method: 'POST',
        headers: { ...bearer('alice'), 'content-type': `multipart/form-data; boundary=${boundary}` },
        body,
      });
      assert.equal(created.status, 201, created.body.toString());
      const read = await rawRequest(subject.url, header(created, 'location') ?? '', { headers: bearer('alice') });
      assert.equal(read.status, 200);
      assert.doesNotMatch(header(read, 'content-type') ?? '', /html/);
      assert.equal(header(read, 'x-content-type-options'), 'nosniff');
    },
  },
]);
