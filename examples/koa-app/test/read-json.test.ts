import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import t from 'tap';
import { readJsonBody } from '../src/read-json.js';

const INVALID = 'invalid body';

function message(headers: Record<string, string>, body?: string): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  if (body !== undefined) request.push(Buffer.from(body));
  request.push(null);
  return request;
}

t.test('a request without a body, or without a JSON type, is not read', async (t) => {
  const unread = message({ 'content-type': 'application/json' }, '{"title":"x"}');
  t.equal(await readJsonBody(unread, INVALID), undefined, 'no Content-Length and no Transfer-Encoding: no body');
  t.equal(unread.readableEnded, false);
  t.equal(await readJsonBody(message({ 'content-type': 'text/plain', 'content-length': '2' }, '{}'), INVALID), undefined);
});

t.test('JSON bodies as express.json reads them', async (t) => {
  t.same(await readJsonBody(message({ 'content-type': 'application/json', 'content-length': '13' }, '{"title":"x"}'), INVALID), { title: 'x' });
  t.same(await readJsonBody(message({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, ' [1]'), INVALID), [1]);
  t.same(await readJsonBody(message({ 'content-type': 'application/json', 'content-length': '0' }), INVALID), {}, 'empty is {}');
  await t.rejects(readJsonBody(message({ 'content-type': 'application/json', 'content-length': '3' }, '"x"'), INVALID), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(readJsonBody(message({ 'content-type': 'application/json', 'content-length': '2' }, '{x'), INVALID), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(
    readJsonBody(message({ 'content-type': 'application/json', 'content-length': '2', 'content-encoding': 'br' }, '{}'), INVALID),
    { code: 'STOWAGE_INVALID_ARGUMENT' },
  );
  await t.rejects(readJsonBody(message({ 'content-type': 'application/json', 'content-length': '99999' }), INVALID), { code: 'STOWAGE_TOO_LARGE' });
  await t.rejects(
    readJsonBody(message({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, ' '.repeat(20_000)), INVALID),
    { code: 'STOWAGE_TOO_LARGE' },
  );
});
