import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { MAX_REQUEST_TARGET_LENGTH, parseMediaTarget } from '../../src/http/media-target.js';

const ID = 'a'.repeat(64);

t.test('a file target is decoded exactly once', async (t) => {
  t.same(parseMediaTarget(`/media/${ID}/caf%C3%A9.txt`, '/media'), { kind: 'file', id: ID, filename: 'café.txt' });
  t.same(parseMediaTarget(`/media/${ID}/a%252Fb`, '/media'), { kind: 'file', id: ID, filename: 'a%2Fb' }, '%25 stays a literal %');
  t.same(parseMediaTarget(`/media/${ID}/x.txt?download=1#frag`, '/media'), { kind: 'file', id: ID, filename: 'x.txt' });
  t.same(parseMediaTarget(`http://example.test/media/${ID}/x.txt`, '/media'), { kind: 'file', id: ID, filename: 'x.txt' }, 'absolute-form');
  t.same(parseMediaTarget(`/${ID}/x.txt`, ''), { kind: 'file', id: ID, filename: 'x.txt' }, 'root prefix');
});

t.test('targets outside the prefix are left alone', async (t) => {
  for (const target of ['/', '/mediax', '/mediax/a', '/%6Dedia/a', '*', 'http://example.test', 'http://example.test?x', '/other/media/a']) {
    t.same(parseMediaTarget(target, '/media'), { kind: 'outside' }, target);
  }
});

t.test('the prefix itself is the collection', async (t) => {
  t.same(parseMediaTarget('/media', '/media'), { kind: 'collection' });
  t.same(parseMediaTarget('/media?x=1', '/media'), { kind: 'collection' });
  t.same(parseMediaTarget('/', ''), { kind: 'collection' });
});

t.test('malformed encodings and control characters are 400', async (t) => {
  for (const target of [`/media/${ID}/%E0%A4%A`, `/media/${ID}/%`, `/media/${ID}/%zz`, `/media/${ID}/a%00.txt`, `/media/${ID}%00/x`, `/media/${ID}/%C0%AF`, `/media/${ID}/a%0D%0Ab`, `/media/${ID}/%7F`]) {
    t.same(parseMediaTarget(target, '/media'), { kind: 'invalid', status: 400 }, target);
  }
});

t.test('traversal, separators, empty segments and malformed ids are 404', async (t) => {
  const targets = [
    `/media/${ID}/..%2F..%2Fetc%2Fpasswd`,
    '/media/..%2F..%2Fetc/passwd',
    '/media/%2e%2e/x',
    '/media/.%2e/x',
    `/media/${ID}/..`,
    `/media/${ID}/%2e%2e`,
    `/media/${ID}/.`,
    `/media/${ID}/%2e`,
    `/media/${ID}/a%5Cb`,
    `/media/${ID}/a%2Fb`,
    `/media/${ID}//evil.com`,
    `/media/${ID}/%2F%2Fevil.com`,
    `/media//${ID}/x`,
    `/media/${ID}/x/`,
    `/media/${ID}/x/y`,
    `/media/${ID}`,
    '/media/',
    `/media/${ID.toUpperCase()}/x`,
    `/media/${ID.slice(1)}/x`,
    `/media/${ID}0/x`,
    `/media/${ID}.tar`,
  ];
  for (const target of targets) t.same(parseMediaTarget(target, '/media'), { kind: 'invalid', status: 404 }, target);
});

t.test('the archive route is recognized', async (t) => {
  t.same(parseMediaTarget(`/media/${ID}.zip`, '/media'), { kind: 'archive', id: ID });
});

t.test('over-long targets under the prefix are too long; outside ones stay outside', async (t) => {
  const long = `/media/${ID}/${'a'.repeat(MAX_REQUEST_TARGET_LENGTH)}`;
  t.same(parseMediaTarget(long, '/media'), { kind: 'too-long' });
  t.same(parseMediaTarget(`/elsewhere/${'a'.repeat(MAX_REQUEST_TARGET_LENGTH)}`, '/media'), { kind: 'outside' });
});

t.test('property: never throws, and a file target never holds a separator, control or dot segment', async (t) => {
  const piece = fc.constantFrom('a', '.', '/', '%', '2F', '2e', '5C', '00', 'E0', '%2F', '%2e', '%5C', '%00', '%', '\\', '?', '#', ID);
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const result = parseMediaTarget(`/media/${pieces.join('')}`, '/media');
      if (result.kind === 'file') {
        return !/[/\\\u0000-\u001f]/.test(result.filename) && result.filename !== '..' && result.filename !== '.' && result.id.length === 64;
      }
      return result.kind !== 'outside';
    }),
  );
  t.pass('checked');
});

t.test('property: decoding a once-encoded name gives the name back', async (t) => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), (name) => {
      fc.pre(!/[\u0000-\u001f\u007f/\\]/.test(name) && name !== '.' && name !== '..');
      const result = parseMediaTarget(`/media/${ID}/${encodeURIComponent(name)}`, '/media');
      return result.kind === 'file' && result.filename === name;
    }),
  );
  t.pass('checked');
});

/** The definition the parser implements: split the raw path, then decode every segment exactly once. */
function referenceFileTarget(raw: string): unknown {
  const segments: string[] = [];
  for (const piece of raw.split('/')) {
    if (piece === '') return { kind: 'invalid', status: 404 };
    let decoded: string;
    try {
      decoded = decodeURIComponent(piece);
    } catch {
      return { kind: 'invalid', status: 400 };
    }
    if (/[\u0000-\u001f\u007f]/.test(decoded)) return { kind: 'invalid', status: 400 };
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) return { kind: 'invalid', status: 404 };
    segments.push(decoded);
  }
  return segments.length === 1 ? { kind: 'file', id: ID, filename: segments[0] } : { kind: 'invalid', status: 404 };
}

t.test('property: plain and encoded names parse as the decode-every-segment definition says', async (t) => {
  const piece = fc.oneof(
    fc.string({ minLength: 1, maxLength: 3, unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) }),
    fc.constantFrom('.', '..', '/', '\\', '\u007f', '\u0001', 'é', '%2F', '%2e', '%5C', '%00', '%C3%A9', '%E0%A4%A', '%', '%zz', '%25', '?', '#'),
  );
  fc.assert(
    fc.property(fc.array(piece, { minLength: 1, maxLength: 8 }), (pieces) => {
      const raw = pieces.join('');
      const cut = raw.search(/[?#]/);
      const expected = referenceFileTarget(cut === -1 ? raw : raw.slice(0, cut));
      return isDeepStrictEqual(parseMediaTarget(`/media/${ID}/${raw}`, '/media'), expected);
    }),
    { numRuns: 2000 },
  );
  t.pass('checked');
});
