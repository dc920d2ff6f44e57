import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  createHandler,
  createMemoryBackend,
  createStowage,
  tokenAuth,
  type MediaHandler,
  type Stowage,
} from '@stowage/core';
import type { TestHost } from '../run-backend-conformance.js';
import { rawRequest, type RawResponse } from './raw-request.js';

/** An adapter under test, listening on 127.0.0.1. */
export interface HttpSubject {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/** Options of {@link runHttpContract}. */
export interface HttpContractOptions {
  /**
   * Starts the adapter around `handler` (the media profile at `/media`, token auth, uploads on).
   * Requests outside `/media` must reach the application's own fallback, which answers 404
   * with the header `x-fallback: app`.
   */
  readonly start: (handler: MediaHandler) => Promise<HttpSubject>;
}

/** Bearer tokens of the contract's two principals. */
export const CONTRACT_TOKENS = Object.freeze({ alice: 'alice-token-0123456789abcdef', bob: 'bob-token-0123456789abcdef0' });

const bearer = (name: keyof typeof CONTRACT_TOKENS): Record<string, string> => ({ authorization: `Bearer ${CONTRACT_TOKENS[name]}` });

interface Fixture {
  readonly stowage: Stowage;
  readonly subject: HttpSubject;
  readonly publicKey: { id: string; filename: string };
  readonly privateKey: { id: string; filename: string };
  readonly htmlKey: { id: string; filename: string };
}

const DIGITS = '0123456789';

async function fixture(options: HttpContractOptions): Promise<Fixture> {
  const stowage = createStowage({
    backends: createMemoryBackend(),
    salt: 'http-contract-salt-0123456789',
    // Uploads need a known principal: anonymous ones would belong to nobody.
    permissions: { canUpload: (principal) => principal !== null },
  });
  const alice = { principal: { name: 'alice' } };
  const put = async (filename: string, text: string, visibility: 'public' | 'private') => {
    const result = await stowage.put({ filename, source: [Buffer.from(text)] }, { ...alice, visibility });
    return { id: result.id, filename };
  };
  const publicKey = await put('digits.txt', DIGITS, 'public');
  const privateKey = await put('secret notes ü.txt', 'for alice only', 'private');
  const htmlKey = await put('page.html', '<script>alert(1)</script>', 'public');
  const handler = createHandler(stowage, { auth: [tokenAuth({ tokens: { [CONTRACT_TOKENS.alice]: 'alice', [CONTRACT_TOKENS.bob]: 'bob' } })], uploads: true });
  const subject = await options.start(handler);
  return { stowage, subject, publicKey, privateKey, htmlKey };
}

const target = (key: { id: string; filename: string }): string => `/media/${key.id}/${encodeURIComponent(key.filename)}`;

function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function assertJsonError(response: RawResponse, status: number, code?: string): void {
  assert.equal(response.status, status, `status for ${code ?? 'an error'}`);
  assert.match(header(response, 'content-type') ?? '', /^application\/json/);
  assert.equal(header(response, 'x-content-type-options'), 'nosniff');
  const body = JSON.parse(response.body.toString()) as { error?: unknown; code?: unknown; stack?: unknown };
  assert.equal(typeof body.error, 'string');
  if (code !== undefined) assert.equal(body.code, code);
  assert.equal(body.stack, undefined);
  assert.doesNotMatch(response.body.toString(), /\/(?:tmp|home|root|work|srv)\/|at [\w.<>]+ \(/, 'no server paths or stack frames');
}

/** The contract's cases, by name; each gets a fresh store and adapter. */
export const HTTP_CONTRACT_CASES: readonly { readonly name: string; readonly run: (f: Fixture) => Promise<void> }[] = Object.freeze([
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
    name: 'requests outside the profile reach the application',
    async run({ subject }) {
      const response = await rawRequest(subject.url, '/elsewhere/page');
      assert.equal(response.status, 404);
      assert.equal(header(response, 'x-fallback'), 'app');
    },
  },
]);

/**
 * Runs the HTTP contract of the media profile against an adapter: every status, header and body
 * rule of DESIGN section 3 that a client can observe, on a fresh store per case.
 */
export async function runHttpContract(t: TestHost, options: HttpContractOptions): Promise<void> {
  for (const contractCase of HTTP_CONTRACT_CASES) {
    await t.test(contractCase.name, {}, async () => {
      const setup = await fixture(options);
      try {
        await contractCase.run(setup);
      } finally {
        await setup.subject.close();
        await setup.stowage.close();
      }
    });
  }
}
