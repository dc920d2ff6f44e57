import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import t, { type Test } from 'tap';
import { isStowageError } from '@stowage/core';
import { rawRequest, socketExchange, type RawResponse } from '@stowage/testkit';
import type { AppOptions } from '../src/app.js';
import { BOUNDARY, multipartBody, MULTIPART_TYPE, type FormPart } from './helpers/multipart.js';
import { createStack, type TestStack } from './helpers/stack.js';
import { startApp, type StartedApp } from './helpers/start-app.js';

const TOKENS = { alice: 'alice-reports-token-0123456789', bob: 'bob-reports-token-0123456789ab' };
const alice = { authorization: `Bearer ${TOKENS.alice}` };
const bob = { authorization: `Bearer ${TOKENS.bob}` };

interface Setup {
  readonly stack: TestStack;
  readonly app: StartedApp;
  readonly errors: unknown[];
}

async function setup(t: Test, options: Partial<AppOptions> = {}): Promise<Setup> {
  const stack = await createStack(t);
  const errors: unknown[] = [];
  const app = await startApp(t, {
    stowage: stack.stowage,
    users: { [TOKENS.alice]: { name: 'alice', groups: ['staff'] }, [TOKENS.bob]: { name: 'bob' } },
    uploadLimits: { maxFiles: 4, maxFileBytes: 1024, maxTotalBytes: 2048 },
    onError: (error) => errors.push(error),
    ...options,
  });
  return { stack, app, errors };
}

function upload(app: StartedApp, parts: readonly FormPart[], headers: Record<string, string> = alice): Promise<RawResponse> {
  const body = multipartBody(parts);
  return rawRequest(app.url, '/api/reports', { method: 'POST', headers: { ...headers, 'content-type': MULTIPART_TYPE, 'content-length': String(body.length) }, body });
}

function json<T>(response: RawResponse): T {
  return JSON.parse(response.body.toString()) as T;
}

function assertJsonError(t: Test, response: RawResponse, status: number, code: string): void {
  t.equal(response.status, status, `status ${status}`);
  t.match(response.headers['content-type'], /^application\/json/);
  t.equal(response.headers['x-content-type-options'], 'nosniff');
  t.equal(json<{ code: string }>(response).code, code);
}

async function assertNothingStored(t: Test, { stack, app }: Setup): Promise<void> {
  t.same(app.reports.all(), [], 'the application recorded no report');
  t.same(await stack.entries(), [], 'the catalog holds no entry');
  t.same(await stack.storedFiles(), [], 'no byte reached the storage root');
}

interface Created {
  id: string;
  files: { filename: string; url: string; size: number; sha256: string; contentType: string }[];
}

t.test('POST /api/reports answers 201 with Location and JSON, records the uploader, and the file reads back through /media', async (t) => {
  const s = await setup(t);
  const content = 'region,total\nnorth,12\n';
  const created = await upload(s.app, [
    { name: 'readers', value: 'bob' },
    { name: 'file', filename: 'summary.csv', contentType: 'text/csv', value: content },
  ]);
  t.equal(created.status, 201, created.body.toString());
  const location = created.headers['location'] as string;
  t.match(location, /^\/media\/[0-9a-f]{64}\/summary\.csv$/);
  t.equal(created.headers['content-type'], 'application/json');
  t.equal(created.headers['cache-control'], 'no-store');
  const body = json<Created>(created);
  t.equal(location, `/media/${body.id}/summary.csv`);
  t.same(body.files, [{ filename: 'summary.csv', url: location, size: content.length, sha256: createHash('sha256').update(content).digest('hex'), contentType: 'text/csv' }]);

  const read = await rawRequest(s.app.url, location, { headers: alice });
  t.equal(read.status, 200);
  t.equal(read.body.toString(), content);
  t.equal((await rawRequest(s.app.url, location, { headers: bob })).status, 200, 'a reader named in the upload form may read');
  assertJsonError(t, await rawRequest(s.app.url, location), 401, 'STOWAGE_UNAUTHENTICATED');

  const listed = json<{ reports: { id: string; owner: string; files: { url: string }[] }[] }>(await rawRequest(s.app.url, '/api/reports', { headers: alice }));
  t.same(
    listed.reports.map((report) => [report.id, report.owner, report.files[0]?.url]),
    [[body.id, 'alice', location]],
  );
  t.same(json<{ reports: unknown[] }>(await rawRequest(s.app.url, '/api/reports', { headers: bob })).reports, [], 'bob lists only his own');
  t.same(
    (await s.stack.entries()).map((entry) => [entry.id, entry.author, entry.state]),
    [[body.id, 'alice', 'committed']],
  );
  t.same(s.errors, []);
});

t.test('several files become one folder-like report under one long id', async (t) => {
  const s = await setup(t);
  const created = await upload(s.app, [
    { name: 'file', filename: 'a.txt', value: 'first' },
    { name: 'file', filename: 'b ü.txt', value: 'second' },
  ]);
  t.equal(created.status, 201);
  const body = json<Created>(created);
  t.same(
    body.files.map((file) => file.url),
    [`/media/${body.id}/a.txt`, `/media/${body.id}/b%20%C3%BC.txt`],
  );
  t.equal(created.headers['location'], body.files[0]?.url);
  for (const [file, text] of [
    [body.files[0], 'first'],
    [body.files[1], 'second'],
  ] as const) {
    const read = await rawRequest(s.app.url, file?.url ?? '', { headers: alice });
    t.equal(read.body.toString(), text);
  }
  t.equal(s.app.reports.all()[0]?.files.length, 2);
});

t.test('bad input to the upload endpoint answers typed JSON errors and stores nothing', async (t) => {
  const s = await setup(t);
  const file: FormPart = { name: 'file', filename: 'r.txt', value: 'report' };

  const anonymous = await upload(s.app, [file], {});
  assertJsonError(t, anonymous, 401, 'STOWAGE_UNAUTHENTICATED');
  t.equal(anonymous.headers['www-authenticate'], 'Bearer realm="reports"');
  t.equal(anonymous.headers['connection'], 'close', 'the unread body is dropped with the connection');
  assertJsonError(t, await upload(s.app, [file], { authorization: 'Bearer unknown-token-0123456789' }), 401, 'STOWAGE_UNAUTHENTICATED');
  assertJsonError(t, await upload(s.app, [{ name: 'visibility', value: 'public' }]), 400, 'STOWAGE_INVALID_ARGUMENT');
  assertJsonError(t, await upload(s.app, [{ ...file, value: Buffer.alloc(4096, 1) }]), 413, 'STOWAGE_TOO_LARGE');
  assertJsonError(t, await upload(s.app, [{ ...file, filename: 'a\\b.txt' }]), 400, 'STOWAGE_INVALID_PATH');
  const rawTooLarge = await rawRequest(s.app.url, '/api/reports', {
    method: 'POST',
    headers: { ...alice, 'x-filename': 'big.bin', 'content-length': '5000' },
    body: Buffer.alloc(5000, 2),
  });
  assertJsonError(t, rawTooLarge, 413, 'STOWAGE_TOO_LARGE');
  await assertNothingStored(t, s);
  t.same(s.errors, [], '4xx answers are not reported as failures');
});

t.test('a client that walks away mid-upload stores nothing, and the application is told', async (t) => {
  const s = await setup(t, { uploadLimits: { maxFileBytes: 1_000_000 } });
  const reported = new Promise<unknown>((resolve) => {
    const original = s.errors.push.bind(s.errors);
    s.errors.push = (...errors: unknown[]) => {
      resolve(errors[0]);
      return original(...errors);
    };
  });
  const url = new URL(s.app.url);
  const socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  const requested = once(s.app.server, 'request');
  const head = multipartBody([{ name: 'file', filename: 'big.bin', value: '' }]).subarray(0, -(`\r\n--${BOUNDARY}--\r\n`.length));
  socket.write(
    `POST /api/reports HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TOKENS.alice}\r\nContent-Type: ${MULTIPART_TYPE}\r\nContent-Length: 500000\r\n\r\n`,
  );
  socket.write(Buffer.concat([head, Buffer.alloc(100_000, 3)]));
  await requested;
  socket.destroy();
  const error = await reported;
  t.ok(isStowageError(error, 'STOWAGE_ABORTED'), 'reported as STOWAGE_ABORTED');
  await assertNothingStored(t, s);
});

t.test('a failure inside Stowage answers 500 with a fixed text, stores nothing, and is reported', async (t) => {
  const s = await setup(t);
  s.stack.stowage.pipeline('put').use(
    {
      name: 'test-explodes',
      run: () => Promise.reject(new Error('disk /srv/secret/path exploded')),
    },
    { before: 'write' },
  );
  const failed = await upload(s.app, [{ name: 'file', filename: 'r.txt', value: 'report' }]);
  assertJsonError(t, failed, 500, 'STOWAGE_INTERNAL');
  t.notMatch(failed.body.toString(), /secret|exploded/, 'no server detail in the body');
  t.equal(failed.headers['connection'], 'close');
  t.equal(s.errors.length, 1, 'the failure is reported');
  t.ok(isStowageError(s.errors[0], 'STOWAGE_INTERNAL'), 'by its code');
  await assertNothingStored(t, s);
});

t.test('an upload whose body stalls answers 408, closes the connection and commits nothing', async (t) => {
  // A short idle timeout: the client sends the headers and a little of the body, then nothing.
  const s = await setup(t, { uploadLimits: { maxFileBytes: 1_000_000, idleTimeoutMs: 50 } });
  const url = new URL(s.app.url);
  const head = (type: string, extra = ''): string =>
    `POST /api/reports HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${TOKENS.alice}\r\nContent-Type: ${type}\r\n${extra}Content-Length: 1000\r\n\r\n`;
  const multipartStart = multipartBody([{ name: 'file', filename: 'slow.bin', value: 'a few bytes' }]).subarray(0, -(`\r\n--${BOUNDARY}--\r\n`.length));
  const bodies = {
    raw: [head('application/octet-stream', 'X-Filename: slow.bin\r\n'), 'a few bytes'],
    multipart: [head(MULTIPART_TYPE), multipartStart],
  };
  for (const [kind, steps] of Object.entries(bodies)) {
    const stalled = await socketExchange(s.app.url, steps, { timeoutMs: 30_000 });
    t.equal(stalled.status, 408, `${kind}: 408`);
    t.ok(stalled.closedByServer, `${kind}: the server closed the connection`);
    t.match(stalled.text, /\r\nconnection: close\r\n/i, `${kind}: Connection: close`);
    const body = JSON.parse(stalled.text.slice(stalled.text.indexOf('\r\n\r\n') + 4)) as { code: string };
    t.equal(body.code, 'STOWAGE_TIMEOUT', `${kind}: the typed JSON error`);
  }
  await assertNothingStored(t, s);
  t.same(s.errors, [], 'a client stall is not reported as a server failure');
});

t.test('an upload stored but not recorded still answers 201, and the failure is reported', async (t) => {
  const s = await setup(t);
  s.stack.stowage.pipeline('list').use({ name: 'test-list-fails', run: () => Promise.reject(new Error('catalog gone')) }, { before: 'resolve' });
  const created = await upload(s.app, [{ name: 'file', filename: 'r.txt', value: 'report' }]);
  t.equal(created.status, 201, 'the file is stored');
  t.same(
    (await s.stack.entries()).map((entry) => entry.state),
    ['committed'],
  );
  t.same(s.app.reports.all(), [], 'the application could not record it');
  t.equal(s.errors.length, 1, 'and says so');
});
