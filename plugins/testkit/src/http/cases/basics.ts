import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertJsonError, bearer, DIGITS, header, target, type HttpContractCase } from '../contract-fixture.js';
import { rawRequest } from '../raw-request.js';

/** The core read, refusal, redirect and upload cases of DESIGN section 3. */
export const BASIC_CASES: readonly HttpContractCase[] = Object.freeze([
  {
    name: 'GET of a public entry: exact bytes and every required header',
    async run({ subject, publicKey }) {
      const response = await rawRequest(subject.url, target(publicKey));
      assert.equal(response.status, 200);
      assert.equal(response.body.toString(), DIGITS);
      assert.equal(header(response, 'content-length'), '10');
      assert.match(header(response, 'content-type') ?? '', /^text\/plain/);
      assert.equal(header(response, 'etag'), `"${createHash('sha256').update(DIGITS).digest('hex')}"`);
      assert.ok(header(response, 'last-modified'));
      assert.equal(header(response, 'accept-ranges'), 'bytes');
      assert.equal(header(response, 'x-content-type-options'), 'nosniff');
      assert.equal(header(response, 'cache-control'), 'public, max-age=31536000, immutable');
      const disposition = response.headers['content-disposition'];
      assert.equal(typeof disposition, 'string', 'exactly one Content-Disposition');
      assert.match(disposition as string, /filename/);
    },
  },
  {
    name: 'HEAD answers the GET headers without a body',
    async run({ subject, publicKey }) {
      const get = await rawRequest(subject.url, target(publicKey));
      const head = await rawRequest(subject.url, target(publicKey), { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      for (const name of ['content-length', 'content-type', 'etag', 'last-modified', 'cache-control', 'content-disposition']) {
        assert.equal(header(head, name), header(get, name), name);
      }
    },
  },
  {
    name: 'ranges: 206 with exact bytes, 416 past the end, several ranges answered whole',
    async run({ subject, publicKey }) {
      const partial = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=2-5' } });
      assert.equal(partial.status, 206);
      assert.equal(partial.body.toString(), '2345');
      assert.equal(header(partial, 'content-range'), 'bytes 2-5/10');
      const suffix = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=-3' } });
      assert.equal(suffix.body.toString(), '789');
      const unsatisfiable = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=10-' } });
      assert.equal(unsatisfiable.status, 416);
      assert.equal(header(unsatisfiable, 'content-range'), 'bytes */10');
      const several = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=0-1,5-6' } });
      assert.equal(several.status, 200);
      assert.equal(several.body.toString(), DIGITS);
    },
  },
  {
    name: 'validators: If-None-Match gives 304, a stale If-Range gives the whole body',
    async run({ subject, publicKey }) {
      const first = await rawRequest(subject.url, target(publicKey));
      const etag = header(first, 'etag') ?? '';
      const notModified = await rawRequest(subject.url, target(publicKey), { headers: { 'if-none-match': etag } });
      assert.equal(notModified.status, 304);
      assert.equal(notModified.body.length, 0);
      const stale = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=0-1', 'if-range': '"stale"' } });
      assert.equal(stale.status, 200);
      assert.equal(stale.body.toString(), DIGITS);
      const fresh = await rawRequest(subject.url, target(publicKey), { headers: { range: 'bytes=0-1', 'if-range': etag } });
      assert.equal(fresh.status, 206);
    },
  },
  {
    name: 'unknown, malformed and neighbouring keys are 404 with a JSON body',
    async run({ subject, publicKey }) {
      assertJsonError(await rawRequest(subject.url, `/media/${'0'.repeat(64)}/digits.txt`), 404, 'STOWAGE_NOT_FOUND');
      assertJsonError(await rawRequest(subject.url, `/media/${publicKey.id}/other.txt`), 404, 'STOWAGE_NOT_FOUND');
      assertJsonError(await rawRequest(subject.url, `/media/not-an-id/digits.txt`), 404);
      assertJsonError(await rawRequest(subject.url, `/media/${publicKey.id.toUpperCase()}/digits.txt`), 404);
    },
  },
  {
    name: 'encoded-path attacks are 400 or 404, never a file',
    async run({ subject, publicKey }) {
      for (const path of [
        `/media/${publicKey.id}/..%2F..%2Fetc%2Fpasswd`,
        `/media/${publicKey.id}/%2e%2e/%2e%2e/etc/passwd`,
        `/media/${publicKey.id}/digits.txt%00.png`,
        `/media/${publicKey.id}/digits%5C.txt`,
        `/media/${publicKey.id}//digits.txt`,
        `/media/${publicKey.id}/%E0%A4%A`,
        `/media/${publicKey.id}/%C0%AE%C0%AE`,
      ]) {
        const response = await rawRequest(subject.url, path);
        assert.ok(response.status === 400 || response.status === 404, `${path} answered ${response.status}`);
        // A fetch runtime resolves dot segments before the handler sees the URL, so the request
        // may leave the profile and reach the application's own 404.
        if (header(response, 'x-fallback') !== 'app') assertJsonError(response, response.status);
      }
    },
  },
  {
    name: 'private entries: 401 with a challenge, 403 for others, private no-store for the owner',
    async run({ subject, privateKey }) {
      const anonymous = await rawRequest(subject.url, target(privateKey));
      assertJsonError(anonymous, 401, 'STOWAGE_UNAUTHENTICATED');
      assert.ok(header(anonymous, 'www-authenticate'), 'a WWW-Authenticate challenge');
      assertJsonError(await rawRequest(subject.url, target(privateKey), { headers: bearer('bob') }), 403, 'STOWAGE_FORBIDDEN');
      assertJsonError(await rawRequest(subject.url, target(privateKey), { headers: { authorization: 'Bearer wrong-token-0123456789' } }), 401);
      const owner = await rawRequest(subject.url, target(privateKey), { headers: bearer('alice') });
      assert.equal(owner.status, 200);
      assert.equal(owner.body.toString(), 'for alice only');
      assert.equal(header(owner, 'cache-control'), 'private, no-store');
      assert.match(header(owner, 'content-disposition') ?? '', /filename\*=UTF-8''secret%20notes%20%C3%BC\.txt/);
    },
  },
  {
    name: 'a replaced entry answers 301 to the end of its chain, after authorization',
    async run({ stowage, subject, publicKey, privateKey }) {
      const alice = { principal: { name: 'alice' } };
      const newer = await stowage.put({ filename: 'digits v2.txt', source: [Buffer.from('9876543210')] }, { ...alice, visibility: 'public' });
      await stowage.replace(publicKey, { id: newer.id, filename: 'digits v2.txt' }, alice);
      const moved = await rawRequest(subject.url, target(publicKey));
      assert.equal(moved.status, 301);
      assert.equal(header(moved, 'location'), `/media/${newer.id}/digits%20v2.txt`);
      await stowage.replace(privateKey, { id: newer.id, filename: 'digits v2.txt' }, alice);
      assertJsonError(await rawRequest(subject.url, target(privateKey)), 401);
    },
  },
  {
    name: 'active content is served as an attachment in a sandbox',
    async run({ subject, htmlKey }) {
      const response = await rawRequest(subject.url, target(htmlKey));
      assert.equal(response.status, 200);
      assert.match(header(response, 'content-disposition') ?? '', /^attachment/);
      assert.match(header(response, 'content-security-policy') ?? '', /sandbox/);
    },
  },
  {
    name: 'uploads: multipart POST answers 201 with a Location that reads back',
    async run({ subject }) {
      const boundary = 'contract-boundary-7d1a';
      const body = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload ü.txt"\r\nContent-Type: text/plain\r\n\r\nuploaded bytes\r\n--${boundary}--\r\n`,
      );
      const created = await rawRequest(subject.url, '/media', {
        method: 'POST',
        headers: { ...bearer('alice'), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) },
        body,
      });
      assert.equal(created.status, 201, created.body.toString());
      const location = header(created, 'location') ?? '';
      assert.match(location, /^\/media\/[0-9a-f]{64}\/upload%20%C3%BC\.txt$/);
      const read = await rawRequest(subject.url, location, { headers: bearer('alice') });
      assert.equal(read.status, 200);
      assert.equal(read.body.toString(), 'uploaded bytes');
      assertJsonError(await rawRequest(subject.url, '/media', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body }), 401);
    },
  },
  {
    name: 'a folder-like downloads as one zip with an exact length, refused like its members',
    async run({ stowage, subject, privateKey }) {
      const folder = await stowage.put(
        [
          { filename: 'one.txt', source: [Buffer.from('first member')] },
          { filename: 'two.txt', source: [Buffer.from('second member')] },
        ],
        { principal: { name: 'alice' }, visibility: 'public' },
      );
      const zip = await rawRequest(subject.url, `/media/${folder.id}.zip`);
      assert.equal(zip.status, 200);
      assert.equal(header(zip, 'content-type'), 'application/zip');
      assert.equal(header(zip, 'content-length'), String(zip.body.length));
      assert.equal(zip.body.readUInt32LE(0), 0x04034b50, 'a local file header first');
      assert.ok(zip.body.includes('one.txt') && zip.body.includes('second member'), 'both members, stored');
      assert.equal(zip.body.readUInt32LE(zip.body.length - 22), 0x06054b50, 'an end of central directory last');
      assertJsonError(await rawRequest(subject.url, `/media/${privateKey.id}.zip`), 401, 'STOWAGE_UNAUTHENTICATED');
      assertJsonError(await rawRequest(subject.url, `/media/${privateKey.id}.zip`, { headers: bearer('bob') }), 403, 'STOWAGE_FORBIDDEN');
    },
  },
  {
    name: 'requests outside the profile reach the application',
    async run({ subject }) {
      const response = await rawRequest(subject.url, '/elsewhere/page');
      assert.equal(response.status, 404);
      assert.equal(header(response, 'x-fallback'), 'app');
    },
  },
]);
