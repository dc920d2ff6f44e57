import t from 'tap';
import fc from 'fast-check';
import { normalizePath } from '@stowage/core';
import {
  decodeSegment,
  encodeKey,
  encodeSegment,
  LONG_PREFIX,
  MAX_NAME_BYTES,
  recordNameOf,
  storedNameOf,
} from '../src/index.js';
import { isLongName, longNameOf } from '../src/name-encoding.js';

/** Valid key segments: any Unicode text that normalization keeps as one segment. */
const codePoint = fc.oneof(
  fc.constantFrom(...'aAsSkKßſıİΣσς.%~ :?*<>|"$ǄǅǆÉé😀\u212a\u202e'),
  fc
    .integer({ min: 0x20, max: 0x10ffff })
    .filter((code) => code < 0xd800 || code > 0xdfff)
    .map((code) => String.fromCodePoint(code)),
);
const segment = fc
  .string({ unit: codePoint, minLength: 1, maxLength: 40 })
  .filter((text) => {
    try {
      return normalizePath(text) === text;
    } catch {
      return false;
    }
  });

/** How a case-insensitive server compares names: code point by code point, folded. */
function folds(name: string): string[] {
  const points = [...name];
  return [points.map((c) => c.toUpperCase()).join('\u0000'), points.map((c) => c.toLowerCase()).join('\u0000')];
}

const FORBIDDEN = /[\\/:*?"<>|~\x00-\x1f\x7f-\x9f]/;
const DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³]) *(\.|$)/i;

t.test('every segment round-trips through its stored name', async (t) => {
  fc.assert(fc.property(segment, (text) => decodeSegment(encodeSegment(text)) === text), { numRuns: 3000 });
  t.pass();
});

t.test('stored names contain nothing SMB or Windows rejects, and never a ~', async (t) => {
  fc.assert(
    fc.property(segment, (text) => {
      const name = encodeSegment(text);
      return !FORBIDDEN.test(name) && !name.endsWith('.') && !name.endsWith(' ') && !name.startsWith(' ') && !DEVICE.test(name);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

t.test('different segments get names that differ however the server folds case', async (t) => {
  fc.assert(
    fc.property(segment, segment, (a, b) => {
      if (a === b) return true;
      const [upperA, lowerA] = folds(encodeSegment(a));
      const [upperB, lowerB] = folds(encodeSegment(b));
      return upperA !== upperB && lowerA !== lowerB;
    }),
    { numRuns: 3000 },
  );
  const twins = [['Case.txt', 'case.txt', 'CASE.TXT'], ['ß', 'ss', 'SS', 'ẞ'], ['ſ', 's', 'S'], ['ı', 'i', 'I', 'İ'], ['Σ', 'σ', 'ς'], ['Ǆ', 'ǅ', 'ǆ'], ['k', 'K']];
  for (const group of twins) {
    const names = group.map((text) => folds(encodeSegment(text))[0]);
    t.equal(new Set(names).size, group.length, `${group.join(' / ')} stay apart`);
  }
});

t.test('lowercase names, such as content hashes, are stored as they are', async (t) => {
  for (const name of ['ab', 'cd', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'café.txt', '中文名字.txt', 'a b', '.hidden']) {
    t.equal(encodeSegment(name), name);
  }
});

t.test('the documented escapes', async (t) => {
  const cases: [string, string][] = [
    ['Case.txt', '%43ase.txt'],
    ['CON', '%43%4F%4E'],
    ['con', '%63on'],
    ['nul.txt', '%6Eul.txt'],
    ['nul .txt', '%6Eul .txt'],
    ['com1.log', '%63om1.log'],
    ['lpt¹', '%6Cpt¹'],
    ['conin$', '%63onin$'],
    ['console', 'console'],
    ['trail.', 'trail%2E'],
    ['trail ', 'trail%20'],
    [' lead', '%20lead'],
    ['...', '..%2E'],
    ['a:b', 'a%3Ab'],
    ['tilde~1.txt', 'tilde%7E1.txt'],
    ['100%', '100%25'],
    ['ß', '%C3%9F'],
    ['x::$DATA', 'x%3A%3A$%44%41%54%41'],
  ];
  for (const [text, name] of cases) {
    t.equal(encodeSegment(text), name, JSON.stringify(text));
    t.equal(decodeSegment(name), text);
  }
});

t.test('names that are not canonical encodings decode to nothing', async (t) => {
  t.equal(decodeSegment('%41'), 'A', 'an escaped capital is canonical');
  for (const name of ['Foo.txt', '%4a', '%zz', '%', '%4', 'a%', 'trail.', 'con', '%C3', '%FF', '.%-partial-0123', '%-long-x', '', 'a~b', '%61']) {
    t.equal(decodeSegment(name), undefined, JSON.stringify(name));
  }
});

t.test('segments whose encoding is too long are stored under a long-name alias', async (t) => {
  const fits = `${'é'.repeat(127)}x`;
  t.same(storedNameOf(fits), { name: fits, long: false }, 'a 255-byte lowercase segment is stored as it is');
  const upper = 'A'.repeat(100);
  const stored = storedNameOf(upper);
  t.equal(stored.long, true);
  t.ok(stored.name.startsWith(LONG_PREFIX) && isLongName(stored.name));
  t.equal(stored.name, longNameOf(upper), 'the alias is a function of the segment');
  t.not(storedNameOf('a'.repeat(100) + 'B'.repeat(70)).name, storedNameOf('a'.repeat(100) + 'B'.repeat(71)).name);
  t.equal(recordNameOf(stored.name), `.%-name-${stored.name.slice(LONG_PREFIX.length)}`);
  fc.assert(
    fc.property(segment, (text) => Buffer.byteLength(storedNameOf(text).name) <= MAX_NAME_BYTES),
  );
  t.notOk(isLongName('%-long-ABC'), 'aliases use lowercase hex');
});

t.test('encodeKey encodes each segment of a key', async (t) => {
  t.equal(encodeKey(''), '');
  t.equal(encodeKey('Media/2026/Report.PDF'), '%4Dedia/2026/%52eport.%50%44%46');
  t.equal(encodeKey('ab/cd/ef'), 'ab/cd/ef');
});
