import assert from 'node:assert/strict';
import { assertJsonError, bearer, CONTRACT_TOKENS, header, target, type HttpContractCase, type StoredKey } from '../contract-fixture.js';
import { rawRequest, type RawResponse } from '../raw-request.js';

/** Asserts a refusal tells nothing about the entry: no validators, type, name or size. */
function assertNothingLeaked(response: RawResponse, key: StoredKey): void {
  for (const name of ['content-disposition', 'etag', 'last-modified', 'accept-ranges', 'content-range', 'location', 'x-accel-redirect', 'x-sendfile']) {
    assert.equal(header(response, name), undefined, `${response.status} carries ${name}`);
  }
  assert.equal(header(response, 'cache-control'), 'no-store');
  assert.match(header(response, 'content-type') ?? '', /^application\/json/);
  const body = response.body.toString();
  assert.ok(!body.includes(key.filename) && !body.includes(encodeURIComponent(key.filename)), 'the filename is not echoed');
}

/** RELIABILITY.md 3.1: what refused callers learn, methods, tokens. */
export const REFUSAL_CASES: readonly HttpContractCase[] = Object.freeze([
  {
    name: 'D8, D9: 401 and 403 for a private entry leak no header or byte of it',
    async run({ subject, privateKey, backend }) {
      const anonymous = await rawRequest(subject.url, target(privateKey));
      assertJsonError(anonymous, 401, 'STOWAGE_UNAUTHENTICATED');
      assert.match(header(anonymous, 'www-authenticate') ?? '', /^Bearer realm="[^"]+"/);
      assertNothingLeaked(anonymous, privateKey);
      const other = await rawRequest(subject.url, target(privateKey), { headers: bearer('bob') });
      assertJsonError(other, 403, 'STOWAGE_FORBIDDEN');
      assertNothingLeaked(other, privateKey);
      for (const method of ['HEAD', 'GET']) {
        const ranged = await rawRequest(subject.url, target(privateKey), { method, headers: { ...bearer('bob'), range: 'bytes=0-0', 'if-none-match': '*' } });
        assert.equal(ranged.status, 403, `${method} with a range and a validator is still refused`);
      }
      assert.equal(backend.openReads, 0, 'refusals never opened the blob');
    },
  },
  {
    name: 'D10, D23: a refused caller gets 401/403, never the redirect; any extension stays private',
    async run({ subject, put }) {
      const key = await put('Ärger.txt', 'private accented', 'private');
      const nfd = `/media/${key.id}/${encodeURIComponent(key.filename.normalize('NFD'))}`;
      assertJsonError(await rawRequest(subject.url, nfd), 401);
      assertJsonError(await rawRequest(subject.url, nfd, { headers: bearer('bob') }), 403);
      const asStylesheet = await put('styles.css', 'body { color: red }', 'private');
      const owner = await rawRequest(subject.url, target(asStylesheet), { headers: bearer('alice') });
      assert.equal(owner.status, 200);
      assert.equal(header(owner, 'cache-control'), 'private, no-store', 'a .css name does not make a private answer cacheable');
      const refused = await rawRequest(subject.url, target(asStylesheet));
      assert.equal(header(refused, 'cache-control'), 'no-store');
    },
  },
  {
    name: 'D19: methods a route does not support are 405 with Allow',
    async run({ subject, publicKey }) {
      for (const method of ['POST', 'PUT', 'PATCH', 'OPTIONS']) {
        const response = await rawRequest(subject.url, target(publicKey), { method, headers: { 'content-length': '0' } });
        assertJsonError(response, 405);
        assert.equal(header(response, 'allow'), 'GET, HEAD, DELETE');
      }
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await rawRequest(subject.url, '/media', { method, headers: { ...bearer('alice'), 'content-length': '0' } });
        assertJsonError(response, 405);
        assert.equal(header(response, 'allow'), 'POST');
      }
      const read = await rawRequest(subject.url, target(publicKey));
      assert.equal(read.status, 200, 'nothing was changed');
    },
  },
  {
    name: 'DELETE: 401 anonymous, 403 without modify permission, 204 for the owner, then 404',
    async run({ subject, put }) {
      const key = await put('to delete.txt', 'short-lived', 'public');
      assertJsonError(await rawRequest(subject.url, target(key), { method: 'DELETE' }), 401, 'STOWAGE_UNAUTHENTICATED');
      assertJsonError(await rawRequest(subject.url, target(key), { method: 'DELETE', headers: bearer('bob') }), 403, 'STOWAGE_FORBIDDEN');
      assert.equal((await rawRequest(subject.url, target(key))).status, 200, 'refused deletes removed nothing');
      const deleted = await rawRequest(subject.url, target(key), { method: 'DELETE', headers: bearer('alice') });
      assert.equal(deleted.status, 204);
      assert.equal(deleted.body.length, 0);
      assertJsonError(await rawRequest(subject.url, target(key)), 404, 'STOWAGE_NOT_FOUND');
      assertJsonError(await rawRequest(subject.url, target(key), { method: 'DELETE', headers: bearer('alice') }), 404, 'STOWAGE_NOT_FOUND');
    },
  },
  {
    name: 'D32: wrong, short, long and near-match tokens are 401, never a 500',
    async run({ subject, privateKey }) {
      const real = CONTRACT_TOKENS.alice;
      const nearMatch = `${real.slice(0, -1)}${real.endsWith('f') ? 'e' : 'f'}`;
      for (const token of ['', 'x', nearMatch, `${real}x`, real.slice(0, -1), 'A'.repeat(4096), real.toUpperCase(), `${real}\u00ff`]) {
        const response = await rawRequest(subject.url, target(privateKey), { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 401, `token ${JSON.stringify(token.slice(0, 40))}`);
        assertJsonError(response, 401);
      }
      for (const authorization of ['Bearer', 'Basic', 'Bearer  two  spaces', 'Digest x', `bearer ${real}`]) {
        const response = await rawRequest(subject.url, target(privateKey), { headers: { authorization } });
        assert.ok(response.status === 401 || response.status === 200, `${authorization} answered ${response.status}`);
        if (response.status === 200) assert.equal(authorization, `bearer ${real}`, 'only the real token (scheme case-insensitive) reads');
      }
    },
  },
]);
