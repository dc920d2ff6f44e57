import { validateHeaderValue } from 'node:http';
import contentDisposition from 'content-disposition';
import fc from 'fast-check';
import t from 'tap';
import { asciiFallback, dispositionOf, SANDBOX_CSP, servedContentType } from '../../src/http/index.js';
import { entryHeaders } from '../../src/http/entry-headers.js';
import { cacheDirectivesFor } from '../../src/policies/index.js';
import { entry } from '../helpers/catalog-rows.js';
import { httpFixture } from './helpers/http-fixture.js';
import { headerCount, rawRequest } from './helpers/media-server.js';

t.test('property: the disposition is a valid header that parses back to the exact name', async (t) => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }), fc.boolean(), (name, inline) => {
      fc.pre(!name.includes('/') && !name.includes('\\'));
      const value = dispositionOf(name, inline);
      validateHeaderValue('content-disposition', value);
      const parsed = contentDisposition.parse(value);
      const fallback = /filename="([^"]*)"/.exec(value)?.[1] ?? '';
      return (
        parsed.type === (inline ? 'inline' : 'attachment') &&
        parsed.parameters['filename'] === name &&
        /^[\x20-\x7e]*$/.test(fallback) &&
        !fallback.includes('\\')
      );
    }),
  );
  t.equal(asciiFallback('a"b\\c%d✓\u0000'), 'a_b_c_d__');
});

t.test('served content types: charset for text, octet-stream for garbage', async (t) => {
  t.equal(servedContentType('text/plain'), 'text/plain; charset=utf-8');
  t.equal(servedContentType('text/csv; charset=latin1'), 'text/csv; charset=latin1');
  t.equal(servedContentType('image/png'), 'image/png');
  t.equal(servedContentType('text/html\r\nSet-Cookie: x=1'), 'application/octet-stream');
  t.equal(servedContentType('nonsense'), 'application/octet-stream');
  t.equal(servedContentType(`a/${'b'.repeat(300)}`), 'application/octet-stream');
});

t.test('D20: hostile filenames give exactly one valid Content-Disposition', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const names = ['quote".txt', 'semi;colon.txt', 'check✓.txt', 'smile😀.txt', 'rtl\u202Etxt.exe', `${'é'.repeat(125)}.txt`, 'pct%41.txt', 'Set-Cookie: x=1.txt'];
  for (const name of names) {
    const key = await f.put(name, 'x', { visibility: 'public' });
    const res = await rawRequest(f.port, 'GET', f.url(key));
    t.equal(res.status, 200, name);
    t.equal(headerCount(res.rawHeaders, 'content-disposition'), 1);
    t.equal(headerCount(res.rawHeaders, 'set-cookie'), 0);
    const value = String(res.headers['content-disposition']);
    t.equal(contentDisposition.parse(value).parameters['filename'], name);
    t.match(value, /^(?:inline|attachment); filename="[\x20-\x21\x23-\x5b\x5d-\x7e]*"(; filename\*=UTF-8''[A-Za-z0-9%!'()*._~-]+)?$/);
  }
});

t.test('D21: active content is an attachment with a sandbox CSP; safe types are inline', async (t) => {
  const f = await httpFixture();
  t.teardown(() => f.server.close());
  const risky = ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/javascript', 'text/javascript', 'application/x-unknown', 'application/octet-stream'];
  for (const type of risky) {
    const key = await f.put('file.bin', '<script>alert(1)</script>', { visibility: 'public', contentType: type });
    const res = await rawRequest(f.port, 'GET', f.url(key));
    t.match(String(res.headers['content-disposition']), /^attachment; /, type);
    t.equal(res.headers['content-security-policy'], SANDBOX_CSP);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
  }
  t.equal(SANDBOX_CSP, "sandbox; default-src 'none'", 'directives separated by ";", keyword quoted');
  const inline: [string, boolean][] = [['image/png', false], ['video/mp4', false], ['audio/mpeg', false], ['application/pdf', false], ['text/plain', true]];
  for (const [type, sandboxed] of inline) {
    const key = await f.put('file.bin', 'x', { visibility: 'public', contentType: type });
    const res = await rawRequest(f.port, 'GET', f.url(key));
    t.match(String(res.headers['content-disposition']), /^inline; /, type);
    t.equal(res.headers['content-security-policy'], sandboxed ? SANDBOX_CSP : undefined);
  }
});

t.test('entry headers stay right across many stored types, over-long ones included', async (t) => {
  const cache = cacheDirectivesFor(entry);
  const expected = (stored: string): [string, string, string | undefined] => {
    const served = servedContentType(stored);
    const inline = served.startsWith('image/png') || served.startsWith('text/plain');
    return [served, inline ? 'inline' : 'attachment', inline && !served.startsWith('text/plain') ? undefined : SANDBOX_CSP];
  };
  const longType = `image/png; x=${'a'.repeat(300)}`;
  const types = ['image/png', 'text/plain', 'text/html', ...Array.from({ length: 1100 }, (_, index) => `application/x-t${index}`), 'image/png', 'text/html', longType, longType];
  let right = 0;
  for (const contentType of types) {
    const headers = entryHeaders({ ...entry, contentType, state: 'committed', replacedBy: null }, cache);
    const [served, disposition, csp] = expected(contentType);
    if (headers['content-type'] === served && headers['content-disposition']?.startsWith(`${disposition};`) && headers['content-security-policy'] === csp) right++;
    else t.fail(`${contentType.slice(0, 40)}: ${JSON.stringify(headers)}`);
  }
  t.equal(right, types.length);
  t.equal(servedContentType(longType), 'application/octet-stream', 'an over-long type is served as opaque bytes');
  const untyped = entryHeaders({ ...entry, contentType: undefined as unknown as string, state: 'committed', replacedBy: null }, cache);
  t.equal(untyped['content-type'], 'application/octet-stream', 'a row without a type (a catalog bug) is served as opaque bytes');
});
