import fc from 'fast-check';
import t from 'tap';
import yazl from 'yazl';
import { dedupeNames, numberedName, planArchive, sanitizeArchiveName, UNNAMED } from '../../src/archive/index.js';
import { bufferEntry } from './helpers/extract-fixture.js';

t.test('Z16: hostile user names are sanitized by the documented rule', async (t) => {
  const cases: [string, string][] = [
    ['..', '_'],
    ['a/../b', 'a/_/b'],
    ['../../evil', '_/_/evil'],
    ['/x', 'x'],
    ['/etc/passwd', 'etc/passwd'],
    ['C:x', 'C_x'],
    ['C:\\x', 'C__x'],
    ['..\\evil', '.._evil'],
    ['', UNNAMED],
    ['/', UNNAMED],
    ['.', UNNAMED],
    ['./a/./b', 'a/b'],
    ['dir/', 'dir'],
    ['a//b///c', 'a/b/c'],
    ['nul\u0000byte', 'nul_byte'],
    ['tab\tand\u007fdel\u0085c1', 'tab_and_del_c1'],
    ['lone\ud800surrogate', 'lone\ufffdsurrogate'],
    ['cafe\u0301', 'caf\u00e9'],
    ['ok/C:x', 'ok/C:x'],
  ];
  for (const [input, expected] of cases) t.equal(sanitizeArchiveName(input), expected, JSON.stringify(input));
});

t.test('over-long segments keep their extension; over-long paths keep their last segment', async (t) => {
  const long = `${'é'.repeat(200)}.txt`;
  const fitted = sanitizeArchiveName(long);
  t.ok(Buffer.byteLength(fitted) <= 255);
  t.ok(fitted.endsWith('.txt'));
  const deep = Array.from({ length: 30 }, (_, index) => `${'d'.repeat(40)}${index}`).join('/');
  t.equal(sanitizeArchiveName(`${deep}/file.bin`), 'file.bin');
});

/** Characters that stress names: separators, dots, drive colons, controls, surrogate halves, any code unit. */
const nameUnit = fc.oneof(
  fc.constantFrom('/', '\\', '.', '..', ':', 'C', '\u0000', '\u0085', '\ud800', '\udc00', 'e\u0301', '\ud83d\ude00'),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
);

t.test('Z16 property: yazl accepts every sanitized name, and sanitizing is idempotent', async () => {
  fc.assert(
    fc.property(fc.string({ unit: nameUnit, maxLength: 300 }), (name) => {
      const sanitized = sanitizeArchiveName(name);
      const zip = new yazl.ZipFile();
      zip.addBuffer(Buffer.alloc(0), sanitized);
      zip.addEmptyDirectory(`${sanitized}/`);
      return sanitized !== '' && sanitizeArchiveName(sanitized) === sanitized && !sanitized.split('/').includes('..');
    }),
    { numRuns: 1000 },
  );
});

t.test('Z17: duplicates are renamed deterministically, never onto a taken name or a folder', async (t) => {
  t.same(dedupeNames(['a.txt', 'a.txt', 'a.txt']), ['a.txt', 'a (1).txt', 'a (2).txt']);
  t.same(dedupeNames(['a (1).txt', 'a.txt', 'a.txt']), ['a (1).txt', 'a.txt', 'a (2).txt']);
  t.same(dedupeNames(['README', 'README', '.env', '.env']), ['README', 'README (1)', '.env', '.env (1)']);
  t.same(dedupeNames(['a', 'a/b']), ['a (1)', 'a/b'], 'a file named like a needed folder is renamed');
  t.same(dedupeNames(['d/x.tar.gz', 'd/x.tar.gz']), ['d/x.tar.gz', 'd/x.tar (1).gz']);
  t.equal(numberedName('dir/name.pdf', 2), 'dir/name (2).pdf');
});

t.test('the plan sorts by sanitized name, then original name, whatever the input order', async (t) => {
  const entries = [bufferEntry('b.txt', 'b'), bufferEntry('/a.txt', 'slash'), bufferEntry('a.txt', 'plain'), bufferEntry('c/d.txt', 'd')];
  const names = planArchive(entries).map((item) => item.name);
  t.same(names, ['a (1).txt', 'a.txt', 'b.txt', 'c/d.txt']);
  const first = planArchive(entries).find((item) => item.name === 'a.txt');
  t.equal(first?.kind === 'file' ? first.entry.name : undefined, '/a.txt', '"/a.txt" sorts before "a.txt" and keeps the name');
  fc.assert(
    fc.property(fc.shuffledSubarray(entries, { minLength: entries.length }), (shuffled) => {
      const plan = planArchive(shuffled);
      return JSON.stringify(plan.map((item) => [item.name, item.kind === 'file' ? item.entry.name : ''])) ===
        JSON.stringify(planArchive(entries).map((item) => [item.name, item.kind === 'file' ? item.entry.name : '']));
    }),
  );
});

t.test('prefix and directory entries for ReCodEx-style archives', async (t) => {
  const plan = planArchive([bufferEntry('src/main.c', 'x'), bufferEntry('Makefile', 'y'), bufferEntry('src/lib/util.h', 'z')], {
    prefix: '42',
    directories: true,
  });
  t.same(
    plan.map((item) => `${item.kind}:${item.name}`),
    ['directory:42/', 'file:42/Makefile', 'directory:42/src/', 'directory:42/src/lib/', 'file:42/src/lib/util.h', 'file:42/src/main.c'],
  );
  t.same(planArchive([bufferEntry('a', 'x')], { prefix: '' }).map((item) => item.name), ['a']);
});

t.test('malformed entries and options are STOWAGE_INVALID_ARGUMENT', async (t) => {
  const bad: unknown[] = [
    [null],
    [{ name: 1, open: async () => [] }],
    [{ name: 'a' }],
    [{ name: 'a', open: async () => [], size: -1 }],
    [{ name: 'a', open: async () => [], size: 1.5 }],
    [{ name: 'a', open: async () => [], mtime: new Date(Number.NaN) }],
  ];
  for (const entries of bad) {
    t.throws(() => planArchive(entries as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  }
  t.throws(() => planArchive('nope' as never), { code: 'STOWAGE_INVALID_ARGUMENT' });
  t.throws(() => planArchive([], { prefix: 5 as never }), { code: 'STOWAGE_INVALID_ARGUMENT' });
});
