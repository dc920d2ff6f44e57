// The requests both examples must answer identically, and the answers. This file is the same, byte
// for byte, in examples/express-app/test/helpers and examples/koa-app/test/helpers (each
// example's parity test checks that), so the Express and Koa applications are held to one list.
import { multipartBody, MULTIPART_TYPE } from './multipart.js';

/** Bearer tokens of the parity run's users. */
export const PARITY_TOKENS = Object.freeze({ alice: 'alice-parity-token-0123456789', bob: 'bob-parity-token-0123456789ab' });

/** The application users of the parity run. */
export const PARITY_USERS = Object.freeze({
  [PARITY_TOKENS.alice]: { name: 'alice', groups: ['staff'] },
  [PARITY_TOKENS.bob]: { name: 'bob' },
});

/** The store's fixed clock: upload times and `Last-Modified` are the same on every run (long ids are captured). */
export const PARITY_CLOCK = (): Date => new Date('2026-01-15T10:00:00.000Z');

/** Small upload limits, so the 413 cases stay small. */
export const PARITY_LIMITS = Object.freeze({ maxFiles: 3, maxFileBytes: 64, maxTotalBytes: 128 });

/**
 * One request; `{alice}`, `{bob}` and captured `{name}`s in the target, headers and body are filled
 * in. In expected bodies, `{any}` stands for any JSON string content: the media profile's
 * wording belongs to @stowage/core, while its status, headers and codes are held here.
 */
export interface ParityRequest {
  readonly method: string;
  readonly target: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** The whole answer: every header but `Date` (names lower-case), and the body as text. */
export interface ParityAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** A HEAD answer: the headers (`Content-Length` included) are those of `body`, but no body comes. */
  readonly headOnly?: boolean;
}

/** A request, its expected answer, and optionally the name under which the answer's JSON `id` is kept. */
export interface ParityCase {
  readonly name: string;
  readonly request: ParityRequest;
  readonly answer: ParityAnswer;
  readonly capture?: string;
}

const alice = { authorization: 'Bearer {alice}' };
const bob = { authorization: 'Bearer {bob}' };
const keepAlive = { connection: 'keep-alive' };
const closed = { connection: 'close' };
const json = 'application/json; charset=utf-8';

/** The `Content-Length` of `body`; `{length}` (the filled body's length) when it holds placeholders. */
function lengthOf(body: string): string {
  return /\{[a-zA-Z0-9]+\}/.test(body) ? '{length}' : String(Buffer.byteLength(body));
}

function jsonHeaders(body: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': json, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...closed, ...extra, 'content-length': lengthOf(body) };
}

function error(status: number, code: string, message: string, extra: Record<string, string> = {}): ParityAnswer {
  const body = JSON.stringify({ error: message, code });
  return { status, headers: jsonHeaders(body, extra), body };
}

function ok(value: unknown, extra: Record<string, string> = {}): ParityAnswer {
  const body = JSON.stringify(value);
  return { status: 200, headers: jsonHeaders(body, extra), body };
}

const fallback = error(404, 'STOWAGE_NOT_FOUND', 'Not found', { 'x-fallback': 'app' });
const appChallenge = { 'www-authenticate': 'Bearer realm="reports"' };
// 401, 403 and 404 carry core's fixed refusal texts (errorAnswer), never the error's own message.
const noToken = error(401, 'STOWAGE_UNAUTHENTICATED', 'Authentication is required', appChallenge);
const titleBody = error(400, 'STOWAGE_INVALID_ARGUMENT', 'the body must be a JSON object {"title": "<1 to 200 characters>"}');

const report = 'quarterly numbers';
const reportSha = '9900d1bdd55ddd8b804757e30b95ff793968179688df860c456f09da92a0772a';
const notes = 'bob notes';
const notesSha = '83dee365ca9c06ba84dce8f48d90d975e4d3f5e7d2a139cf76c8d05425d852d7';
const reportFile = 'Q3 report ü.txt';
const reportTarget = '/media/{id}/Q3%20report%20%C3%BC.txt';
const uploadBody = multipartBody([{ name: 'file', filename: reportFile, contentType: 'text/plain', value: report }]);
const upload = (headers: Record<string, string>, body: Buffer = uploadBody): ParityRequest => ({
  method: 'POST',
  target: '/api/reports',
  headers: { ...headers, 'content-type': MULTIPART_TYPE, 'content-length': String(body.length) },
  body,
});
const patch = (target: string, body: string, headers: Record<string, string> = { ...alice, 'content-type': 'application/json' }): ParityRequest => ({
  method: 'PATCH',
  target,
  headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
  body,
});
/** A refused upload: receiveUpload's code and status (its wording is core's), the connection closed. */
const uploadFailed = (status: number, code: string): ParityAnswer => error(status, code, '{any}');

const created = (id: string, files: readonly { filename: string; url: string; size: number; sha256: string; contentType: string }[]): ParityAnswer => {
  const body = JSON.stringify({ id, files });
  return {
    status: 201,
    headers: { location: files[0]?.url ?? '', 'content-type': 'application/json', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', ...closed, 'content-length': lengthOf(body) },
    body,
  };
};

const reportEntry = { filename: reportFile, url: reportTarget, size: report.length, sha256: reportSha, contentType: 'text/plain' };
const notesEntry = { filename: 'notes.txt', url: '/media/{notesId}/notes.txt', size: notes.length, sha256: notesSha, contentType: 'text/plain' };
const aliceReport = {
  id: '{id}',
  owner: 'alice',
  title: null,
  visibility: 'private',
  uploadedAt: '2026-01-15T10:00:00.000Z',
  files: [{ filename: reportFile, url: reportTarget, size: report.length, contentType: 'text/plain' }],
};
const mediaHeaders = {
  'content-type': 'text/plain; charset=utf-8',
  'content-length': String(report.length),
  etag: `"${reportSha}"`,
  'last-modified': 'Thu, 15 Jan 2026 10:00:00 GMT',
  'accept-ranges': 'bytes',
  'x-content-type-options': 'nosniff',
  'content-disposition': `inline; filename="Q3 report _.txt"; filename*=UTF-8''Q3%20report%20%C3%BC.txt`,
  'content-security-policy': "sandbox; default-src 'none'",
  'cache-control': 'private, no-store',
  ...closed,
};

/** The requests, in order: later ones read what earlier ones stored. */
export const PARITY_CASES: readonly ParityCase[] = Object.freeze([
  { name: 'health', request: { method: 'GET', target: '/api/health', headers: keepAlive }, answer: ok({ status: 'ok' }, { connection: 'keep-alive', 'keep-alive': 'timeout=5' }) },
  { name: 'health, HEAD', request: { method: 'HEAD', target: '/api/health' }, answer: { ...ok({ status: 'ok' }), headOnly: true } },
  { name: 'routing is strict', request: { method: 'GET', target: '/api/health/' }, answer: fallback },
  { name: 'routing is case-sensitive', request: { method: 'GET', target: '/API/health' }, answer: fallback },
  { name: 'an upload without a token is 401 and closes the connection', request: upload(keepAlive), answer: noToken },
  { name: 'an upload with an unknown token is 401', request: upload({ authorization: 'Bearer not-a-known-token-0123456789' }), answer: noToken },
  {
    name: 'an upload without a file is 400',
    request: upload({ ...alice, ...keepAlive }, multipartBody([{ name: 'visibility', value: 'public' }])),
    answer: uploadFailed(400, 'STOWAGE_INVALID_ARGUMENT'),
  },
  {
    name: 'a file over the limit is 413',
    request: upload(alice, multipartBody([{ name: 'file', filename: 'big.bin', value: Buffer.alloc(100, 7) }])),
    answer: uploadFailed(413, 'STOWAGE_TOO_LARGE'),
  },
  {
    name: 'too many files is 413',
    request: upload(alice, multipartBody(['a', 'b', 'c', 'd'].map((name) => ({ name: 'file', filename: `${name}.txt`, value: name })))),
    answer: uploadFailed(413, 'STOWAGE_TOO_LARGE'),
  },
  {
    name: 'a filename with a slash is 400',
    request: upload(alice, multipartBody([{ name: 'file', filename: '../etc/passwd', value: 'x' }])),
    answer: uploadFailed(400, 'STOWAGE_INVALID_PATH'),
  },
  {
    name: 'a bad option field is 400',
    request: upload(alice, multipartBody([{ name: 'visibility', value: 'everyone' }, { name: 'file', filename: 'a.txt', value: 'a' }])),
    answer: uploadFailed(400, 'STOWAGE_INVALID_ARGUMENT'),
  },
  {
    name: 'a JSON body to the upload route is a raw upload without a filename, 400',
    request: { method: 'POST', target: '/api/reports', headers: { ...alice, 'content-type': 'application/json', 'content-length': '13' }, body: '{"title":"x"}' },
    answer: uploadFailed(400, 'STOWAGE_INVALID_ARGUMENT'),
  },
  { name: 'alice uploads a report', request: upload(alice), answer: created('{id}', [reportEntry]), capture: 'id' },
  {
    name: 'bob uploads public notes as a raw body',
    request: {
      method: 'POST',
      target: '/api/reports',
      headers: { ...bob, 'content-type': 'text/plain', 'x-filename': 'notes.txt', 'x-stowage-visibility': 'public', 'content-length': String(notes.length) },
      body: notes,
    },
    answer: created('{notesId}', [notesEntry]),
    capture: 'notesId',
  },
  { name: 'alice reads her report', request: { method: 'GET', target: reportTarget, headers: alice }, answer: { status: 200, headers: mediaHeaders, body: report } },
  { name: 'HEAD of her report', request: { method: 'HEAD', target: reportTarget, headers: alice }, answer: { status: 200, headers: mediaHeaders, body: report, headOnly: true } },
  {
    name: 'a range of her report',
    request: { method: 'GET', target: reportTarget, headers: { ...alice, range: 'bytes=0-8' } },
    answer: { status: 206, headers: { ...mediaHeaders, 'content-length': '9', 'content-range': `bytes 0-8/${report.length}` }, body: report.slice(0, 9) },
  },
  {
    name: 'a matching If-None-Match is 304',
    request: { method: 'GET', target: reportTarget, headers: { ...alice, 'if-none-match': `"${reportSha}"` } },
    answer: {
      status: 304,
      headers: { etag: `"${reportSha}"`, 'last-modified': 'Thu, 15 Jan 2026 10:00:00 GMT', 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-store', ...closed },
      body: '',
    },
  },
  {
    name: 'anonymous readers of a private report get 401 from the media profile',
    request: { method: 'GET', target: reportTarget },
    answer: error(401, 'STOWAGE_UNAUTHENTICATED', '{any}', { 'www-authenticate': 'Bearer realm="stowage"' }),
  },
  {
    name: 'other users get 403',
    request: { method: 'GET', target: reportTarget, headers: bob },
    answer: error(403, 'STOWAGE_FORBIDDEN', '{any}'),
  },
  {
    name: 'public notes are readable by anyone',
    request: { method: 'GET', target: '/media/{notesId}/notes.txt' },
    answer: {
      status: 200,
      headers: {
        ...mediaHeaders,
        'content-length': String(notes.length),
        etag: `"${notesSha}"`,
        'content-disposition': 'inline; filename="notes.txt"',
        'cache-control': 'public, max-age=31536000, immutable',
      },
      body: notes,
    },
  },
  { name: 'a neighbouring name is 404', request: { method: 'GET', target: '/media/{id}/other.txt', headers: alice }, answer: error(404, 'STOWAGE_NOT_FOUND', '{any}') },
  { name: 'an encoded traversal is 404', request: { method: 'GET', target: '/media/{id}/..%2F..%2Fetc%2Fpasswd' }, answer: error(404, 'STOWAGE_NOT_FOUND', '{any}') },
  { name: 'uploads through /media are off', request: { ...upload(alice), target: '/media' }, answer: error(404, 'STOWAGE_NOT_FOUND', '{any}') },
  { name: 'alice lists her reports', request: { method: 'GET', target: '/api/reports', headers: alice }, answer: ok({ reports: [aliceReport] }) },
  { name: 'HEAD of the list', request: { method: 'HEAD', target: '/api/reports', headers: alice }, answer: { ...ok({ reports: [aliceReport] }), headOnly: true } },
  { name: 'listing with another scheme is 401', request: { method: 'GET', target: '/api/reports', headers: { authorization: 'Basic YWxpY2U6eA==' } }, answer: noToken },
  { name: 'listing needs a token', request: { method: 'GET', target: '/api/reports' }, answer: noToken },
  { name: 'alice titles her report', request: patch('/api/reports/{id}', '{"title":"Q3 numbers"}'), answer: ok({ ...aliceReport, title: 'Q3 numbers' }) },
  { name: 'bob cannot title it', request: patch('/api/reports/{id}', '{"title":"mine"}', { ...bob, 'content-type': 'application/json' }), answer: error(404, 'STOWAGE_NOT_FOUND', 'No such entry') },
  { name: 'titling needs a token', request: patch('/api/reports/{id}', '{"title":"x"}', { 'content-type': 'application/json' }), answer: noToken },
  { name: 'a body that is not JSON typed is 400', request: patch('/api/reports/{id}', 'title=x', { ...alice, 'content-type': 'text/plain' }), answer: titleBody },
  { name: 'broken JSON is 400', request: patch('/api/reports/{id}', '{"title":'), answer: titleBody },
  { name: 'a JSON string is 400', request: patch('/api/reports/{id}', '"Q3"'), answer: titleBody },
  { name: 'other keys are 400', request: patch('/api/reports/{id}', '{"title":"a","owner":"bob"}'), answer: titleBody },
  { name: 'an empty body is 400', request: patch('/api/reports/{id}', ''), answer: titleBody },
  { name: 'a compressed body is 400', request: patch('/api/reports/{id}', '{"title":"x"}', { ...alice, 'content-type': 'application/json', 'content-encoding': 'gzip' }), answer: titleBody },
  { name: 'a JSON body over 16 KiB is 413', request: patch('/api/reports/{id}', `{"title":"${'x'.repeat(17_000)}"}`), answer: error(413, 'STOWAGE_TOO_LARGE', 'a JSON body may hold at most 16384 bytes') },
  {
    name: 'a chunked JSON body over 16 KiB is 413',
    request: { method: 'PATCH', target: '/api/reports/{id}', headers: { ...alice, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: `{"title":"${'x'.repeat(17_000)}"}` },
    answer: error(413, 'STOWAGE_TOO_LARGE', 'a JSON body may hold at most 16384 bytes'),
  },
  { name: 'a malformed id is 400', request: patch('/api/reports/%ZZ', '{"title":"x"}'), answer: error(400, 'STOWAGE_INVALID_ARGUMENT', 'the URL is not valid percent-encoded UTF-8') },
  { name: 'an unknown id is 404', request: patch(`/api/reports/${'0'.repeat(64)}`, '{"title":"x"}'), answer: error(404, 'STOWAGE_NOT_FOUND', 'No such entry') },
  { name: 'the list shows the title', request: { method: 'GET', target: '/api/reports', headers: alice }, answer: ok({ reports: [{ ...aliceReport, title: 'Q3 numbers' }] }) },
  { name: 'other methods reach the fallback', request: { method: 'DELETE', target: '/api/reports', headers: alice }, answer: fallback },
  { name: 'OPTIONS reaches the fallback', request: { method: 'OPTIONS', target: '/api/reports' }, answer: fallback },
  { name: 'unknown paths reach the fallback', request: { method: 'GET', target: '/elsewhere/page' }, answer: fallback },
]);
