import fc from 'fast-check';
import t from 'tap';
import { baseNameOf, isStowageError, joinPath, MAX_PATH_BYTES, normalizePath, parentOf } from '../src/index.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return isStowageError(error) ? error.code : `not a StowageError: ${String(error)}`;
  }
}

t.test('slashes are collapsed and trimmed', async (t) => {
  t.equal(normalizePath('a/b'), 'a/b');
  t.equal(normalizePath('/a//b/'), 'a/b');
  t.equal(normalizePath('///a///'), 'a');
  t.equal(normalizePath('', { allowRoot: true }), '');
  t.equal(normalizePath('//', { allowRoot: true }), '');
});

t.test('names are put in NFC', async (t) => {
  t.equal(normalizePath('cafe\u0301'), 'caf\u00e9');
  t.equal(normalizePath('Å/A\u030a'), '\u00c5/\u00c5');
});

t.test('names with dots that are not dot segments are kept', async (t) => {
  for (const name of ['...', '..a', 'a..', '.hidden', 'a/.b/c', 'trailing.', ' spaced ']) {
    t.equal(normalizePath(name), name.replace(/^\/+|\/+$/g, ''));
  }
});

t.test('invalid paths reject with INVALID_PATH', async (t) => {
  const invalid = [
    '.',
    '..',
    'a/..',
    '../a',
    'a/../b',
    'a/./b',
    'a\\b',
    '\\',
    'a\0b',
    'a\nb',
    'a\rb',
    'a\tb',
    '\x1f',
    '\x7f',
    '\u0080',
    '\u009f',
    '\ud800',
    '\udc00x',
    'x\ud800',
    'x'.repeat(256),
    '\u00e9'.repeat(128),
    'a/'.repeat(513),
    'x'.repeat(MAX_PATH_BYTES * 3 + 1),
  ];
  for (const path of invalid) t.equal(codeOf(() => normalizePath(path)), 'STOWAGE_INVALID_PATH', JSON.stringify(path.slice(0, 40)));
});

t.test('the root is rejected unless allowed', async (t) => {
  t.equal(codeOf(() => normalizePath('')), 'STOWAGE_INVALID_PATH');
  t.equal(codeOf(() => normalizePath('/')), 'STOWAGE_INVALID_PATH');
});

t.test('limits: 255 bytes per segment and 1024 per path are accepted', async (t) => {
  t.equal(normalizePath('x'.repeat(255)).length, 255);
  t.equal(normalizePath(`${'\u00e9'.repeat(127)}x`).length, 128);
  const path = Array.from({ length: 4 }, () => 'y'.repeat(255)).join('/');
  t.equal(Buffer.byteLength(path), 1023);
  t.equal(normalizePath(path), path);
  t.equal(normalizePath('\ud83d\ude00'), '\ud83d\ude00', 'a surrogate pair is fine');
});

t.test('the error names the operation and backend, never the rejected input', async (t) => {
  try {
    normalizePath('a/../secret\0', { operation: 'read', backend: 'disk' });
    t.fail('should throw');
  } catch (error) {
    t.ok(isStowageError(error, 'STOWAGE_INVALID_PATH'));
    if (isStowageError(error)) {
      t.same(error.context, { backend: 'disk', operation: 'read' });
      t.notMatch(error.message, /secret/);
    }
  }
});

t.test('a non-string is a TypeError', async (t) => {
  t.throws(() => normalizePath(42 as unknown as string), TypeError);
});

t.test('property: normalizing is idempotent and its result is always safe', async () => {
  const segment = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.constantFrom('.', '..', '', '%2e%2e', 'a\\b', '\0', '\u202e', 'CON', 'e\u0301'),
  );
  const path = fc.array(segment, { maxLength: 8 }).map((parts) => parts.join('/'));
  fc.assert(
    fc.property(path, (input) => {
      let output: string;
      try {
        output = normalizePath(input, { allowRoot: true });
      } catch (error) {
        if (!isStowageError(error, 'STOWAGE_INVALID_PATH')) throw error;
        return;
      }
      if (normalizePath(output, { allowRoot: true }) !== output) throw new Error('not idempotent');
      const parts = output === '' ? [] : output.split('/');
      if (parts.some((part) => part === '' || part === '.' || part === '..')) throw new Error('unsafe segment');
      if (/[\u0000-\u001f\u007f-\u009f\\]/.test(output)) throw new Error('unsafe character');
      if (output !== output.normalize('NFC')) throw new Error('not NFC');
    }),
    { numRuns: 2000 },
  );
});

t.test('parentOf, baseNameOf and joinPath work on normalized paths', async (t) => {
  t.equal(parentOf('a/b/c'), 'a/b');
  t.equal(parentOf('a'), '');
  t.equal(parentOf(''), '');
  t.equal(baseNameOf('a/b/c'), 'c');
  t.equal(baseNameOf('c'), 'c');
  t.equal(joinPath('', 'x'), 'x');
  t.equal(joinPath('a/b', 'x'), 'a/b/x');
});
