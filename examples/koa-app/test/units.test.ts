import { Readable } from 'node:stream';
import fc from 'fast-check';
import t from 'tap';
import { StowageError, type PutResult } from '@stowage/core';
import { DEFAULT_PORT, serverOptionsFromEnv } from '../src/env.js';
import { answerText, failureAnswer, failureOf, jsonAnswer, notFoundAnswer } from '../src/json-answer.js';
import { isJsonContentType } from '../src/json-body.js';
import { parseTitleBody, ReportLog } from '../src/reports.js';
import { APP_CHALLENGE, requireUser, UserDirectory } from '../src/users.js';

const TOKEN = 'a-token-of-enough-length-01';

t.test('the user directory knows users by bearer token only', async (t) => {
  const users = new UserDirectory({ [TOKEN]: { name: 'alice', groups: ['staff'] } });
  t.same(users.userOf(`Bearer ${TOKEN}`), { name: 'alice', groups: ['staff'] });
  t.same(users.userOf(`bearer  ${TOKEN}`), { name: 'alice', groups: ['staff'] }, 'the scheme is case-insensitive');
  for (const header of [undefined, '', TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer short', `Bearer ${TOKEN} extra`]) {
    t.equal(users.userOf(header), undefined, String(header));
  }
  t.throws(() => new UserDirectory({ short: { name: 'x' } }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => new UserDirectory({ [TOKEN]: { name: '' } }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => requireUser(undefined), { code: 'STOWAGE_UNAUTHENTICATED' });
});

t.test("failure answers: core's typed JSON errors with the application's challenge", async (t) => {
  const busy = failureAnswer(new StowageError('STOWAGE_BUSY', 'queue /srv/x full', { retryAfterMs: 1500 }));
  t.equal(busy.status, 503);
  t.equal(busy.headers['retry-after'], '2');
  t.same(JSON.parse(answerText(busy)), { error: 'The service is unavailable; retry later', code: 'STOWAGE_BUSY' }, 'a fixed text, no server detail');
  const internal = failureAnswer(new Error('at /srv/secret'));
  t.same([internal.status, JSON.parse(answerText(internal))], [500, { error: 'The server failed to answer this request', code: 'STOWAGE_INTERNAL' }]);
  const unauthenticated = failureAnswer(new StowageError('STOWAGE_UNAUTHENTICATED', 'who are you'));
  t.same(unauthenticated.headers, {
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'www-authenticate': APP_CHALLENGE,
    'content-length': String(Buffer.byteLength(answerText(unauthenticated))),
  });
  t.equal(failureAnswer(new StowageError('STOWAGE_TOO_LARGE', 'big')).headers['connection'], 'close', 'an oversized body is left unread');
  t.equal(failureAnswer(new StowageError('STOWAGE_INVALID_ARGUMENT', 'bad')).headers['connection'], undefined);
  const fallback = notFoundAnswer();
  t.same([fallback.status, fallback.headers['x-fallback'], JSON.parse(answerText(fallback))], [404, 'app', { error: 'Not found', code: 'STOWAGE_NOT_FOUND' }]);
  t.equal(jsonAnswer(200, { ü: 1 }).headers['content-length'], String(Buffer.byteLength('{"ü":1}')));
});

t.test('answer texts, and the failure a 5xx answer stands for', async (t) => {
  t.equal(answerText({ status: 204, headers: {} }), '');
  const stream = Readable.from([]);
  t.throws(() => answerText({ status: 200, headers: {}, body: { stream, length: 0 } }), { code: 'STOWAGE_INTERNAL' });
  stream.destroy();
  const full = failureOf(failureAnswer(new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'ENOSPC on /srv/a')));
  t.equal(full.code, 'STOWAGE_INSUFFICIENT_STORAGE');
  t.notMatch(full.message, /srv/, 'only the fixed text of the answer');
});

t.test('a title body is an object with exactly one title of 1 to 200 characters', async (t) => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme-ascii' }).filter((title) => !/[\u0000-\u001f\u007f]/.test(title)), (title) => {
      return parseTitleBody({ title }) === title;
    }),
  );
  fc.assert(
    fc.property(fc.anything(), (body) => {
      const valid = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 1 && typeof (body as { title?: unknown }).title === 'string';
      fc.pre(!valid);
      try {
        parseTitleBody(body);
        return false;
      } catch (error) {
        return (error as StowageError).code === 'STOWAGE_INVALID_ARGUMENT';
      }
    }),
  );
  for (const title of ['', 'x'.repeat(201), 'tab\there', 'bell\u0007', 'c1\u0085']) {
    t.throws(() => parseTitleBody({ title }), { code: 'STOWAGE_INVALID_ARGUMENT' }, JSON.stringify(title));
  }
  t.equal(parseTitleBody({ title: 'x'.repeat(200) }).length, 200);
});

t.test('the report log', async (t) => {
  const log = new ReportLog();
  t.throws(() => log.add('alice', { id: 'x', entries: [], deduplicated: [] } as PutResult), { code: 'STOWAGE_INVALID_ARGUMENT' });
  t.throws(() => log.retitle('not-an-id', 'alice', 'x'), { code: 'STOWAGE_NOT_FOUND' });
  t.same(log.all(), []);
});

t.test('server options from the environment', async (t) => {
  t.same(serverOptionsFromEnv({}), { port: DEFAULT_PORT });
  t.same(serverOptionsFromEnv({ PORT: '', STOWAGE_DIR: '' }), { port: DEFAULT_PORT });
  t.same(serverOptionsFromEnv({ PORT: '0', STOWAGE_DIR: '/srv/reports' }), { port: 0, dir: '/srv/reports' });
  t.same(serverOptionsFromEnv({ PORT: '65535' }), { port: 65535 });
  for (const port of ['65536', '-1', '3e3', ' 80', 'x', '123456']) {
    t.throws(() => serverOptionsFromEnv({ PORT: port }), { code: 'STOWAGE_INVALID_CONFIG' }, port);
  }
});

t.test('JSON content types', async (t) => {
  for (const type of ['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"', ' application/json ']) {
    t.ok(isJsonContentType(type), type);
  }
  for (const type of [undefined, '', 'text/plain', 'application/json; charset=latin1', 'application/jsonx', 'application/json; foo=bar']) {
    t.notOk(isJsonContentType(type), String(type));
  }
});
