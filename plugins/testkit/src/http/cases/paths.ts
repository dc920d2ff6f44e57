import assert from 'node:assert/strict';
import { assertJsonError, bearer, DIGITS, fromApplication, header, target, type HttpContractCase } from '../contract-fixture.js';
import { rawRequest, type RawResponse } from '../raw-request.js';
import { socketExchange } from '../socket-client.js';

/** The answer's headers that may differ between two identical requests. */
const VOLATILE = new Set(['date', 'connection', 'keep-alive']);

function stableHeaders(response: RawResponse): Record<string, unknown> {
  return Object.fromEntries(Object.entries(response.headers).filter(([name]) => !VOLATILE.has(name)));
}

/** RELIABILITY.md 3.1: request targets, redirects and hostile paths. */
export const PATH_CASES: readonly HttpContractCase[] = Object.freeze([
  {
    name: 'D1, D2: traversal in any encoding is 404 before any I/O, never a file',
    async run({ subject, publicKey, backend }) {
      for (const path of [
        `/media/${publicKey.id}/..%2F..%2Fetc%2Fpasswd`,
        `/media/..%2F..%2Fetc/passwd`,
        `/media/%2e%2e/x`,
        `/media/.%2e/x`,
        `/media/${publicKey.id}/%2e%2e`,
        `/media/${publicKey.id}/%2E`,
        `/media/${publicKey.id}/%5C..%5Cetc`,
        `/media/${publicKey.id}/digits.txt/extra`,
      ]) {
        const response = await rawRequest(subject.url, path);
        // A fetch runtime resolves literal dot segments before the handler sees the URL, so the
        // request may leave the profile and reach the application's own 404.
        if (fromApplication(response)) assert.equal(response.status, 404, path);
        else assertJsonError(response, 404, 'STOWAGE_NOT_FOUND');
        assert.doesNotMatch(response.body.toString(), /root:|0123456789/, `${path} leaked bytes`);
      }
      assert.equal(backend.openReads, 0);
    },
  },
  {
    name: 'D3, D4: NUL, control characters and broken percent-encoding are 400',
    async run({ subject, publicKey }) {
      for (const path of [
        `/media/${publicKey.id}%00/digits.txt`,
        `/media/${publicKey.id}/a%00.txt`,
        `/media/${publicKey.id}/a%0d%0aSet-Cookie:%20x=1`,
        `/media/${publicKey.id}/a%7F`,
        `/media/${publicKey.id}/%E0%A4%A`,
        `/media/${publicKey.id}/%C0%AE%C0%AE`,
        `/media/${publicKey.id}/%ZZ`,
      ]) {
        const response = await rawRequest(subject.url, path);
        assertJsonError(response, 400, 'STOWAGE_INVALID_PATH');
        assert.equal(header(response, 'set-cookie'), undefined);
      }
    },
  },
  {
    name: 'D5, D6, D11: a redirect is built from stored values only, with an empty body',
    async run({ subject, put }) {
      // The canonical name is stored NFC; the request names its NFD form.
      const key = await put('café ✓.txt', 'accented', 'public');
      const nfd = `/media/${key.id}/${encodeURIComponent(key.filename.normalize('NFD'))}`;
      const moved = await rawRequest(subject.url, `${nfd}?next=//evil.example/`, { headers: { host: 'evil.example' } });
      assert.equal(moved.status, 301);
      assert.equal(header(moved, 'location'), target(key), 'exactly /media/<id>/<encoded canonical name>');
      assert.equal(moved.body.length, 0, 'no body to reflect anything in');
      for (const path of [`/media/${key.id}//evil.example`, `/media/${key.id}/%2F%2Fevil.example`, `//evil.example/%2e%2e`, `/media/${key.id}/%5C%5Cevil.example`]) {
        const response = await rawRequest(subject.url, path);
        assert.notEqual(response.status, 301, path);
        assert.equal(header(response, 'location'), undefined, path);
      }
      const wrongCase = await rawRequest(subject.url, `/media/${key.id}/${encodeURIComponent(key.filename.toUpperCase())}`);
      assertJsonError(wrongCase, 404, 'STOWAGE_NOT_FOUND');
    },
  },
  {
    name: 'D6: the redirect of a private entry is private, no-store',
    async run({ subject, put }) {
      const key = await put('Ångström.txt', 'private accented', 'private');
      const nfd = `/media/${key.id}/${encodeURIComponent(key.filename.normalize('NFD'))}`;
      const moved = await rawRequest(subject.url, nfd, { headers: bearer('alice') });
      assert.equal(moved.status, 301);
      assert.equal(header(moved, 'cache-control'), 'private, no-store');
      assert.equal(header(moved, 'location'), target(key));
    },
  },
  {
    name: 'D7: an unknown id answers the same to anonymous and authenticated callers',
    async run({ subject, publicKey, privateKey }) {
      const unknown = `/media/${'ab'.repeat(32)}/digits.txt`;
      const anonymous = await rawRequest(subject.url, unknown);
      const authenticated = await rawRequest(subject.url, unknown, { headers: bearer('alice') });
      assertJsonError(anonymous, 404, 'STOWAGE_NOT_FOUND');
      assert.deepEqual(stableHeaders(authenticated), stableHeaders(anonymous));
      assert.deepEqual(authenticated.body, anonymous.body);
      // A known id under an unknown name answers exactly the same.
      const otherName = await rawRequest(subject.url, `/media/${publicKey.id}/nothing-here.txt`);
      assert.deepEqual(stableHeaders(otherName), stableHeaders(anonymous));
      assert.deepEqual(otherName.body, anonymous.body);
      const privateOtherName = await rawRequest(subject.url, `/media/${privateKey.id}/nothing-here.txt`);
      assert.deepEqual(privateOtherName.body, anonymous.body);
    },
  },
  {
    name: 'D33: an over-long target is refused at once (414, or the server\'s own 431/400)',
    async run({ subject, publicKey }) {
      const long = await rawRequest(subject.url, `/media/${publicKey.id}/${'a'.repeat(9000)}!`);
      assertJsonError(long, 414, 'STOWAGE_INVALID_PATH');
      const huge = await socketExchange(subject.url, [`GET /media/${publicKey.id}/${'a'.repeat(1024 * 1024)}x HTTP/1.1\r\nHost: x\r\n\r\n`]);
      assert.ok(huge.status === undefined || [400, 414, 431].includes(huge.status), `answered ${huge.status}`);
      const after = await rawRequest(subject.url, target(publicKey));
      assert.equal(after.body.toString(), DIGITS, 'the server is still answering');
    },
  },
]);
