import fc from 'fast-check';
import t from 'tap';
import { normalizeFilename } from '../../src/media/put/validate-stage.js';
import { normalizePath } from '../../src/path.js';
import { isStowageError } from '../../src/stowage-error.js';

/** The definition: one segment of {@link normalizePath}, equal to its own NFC form. */
function reference(filename: string): string | 'invalid' {
  if (filename === '') return 'invalid';
  let normalized: string;
  try {
    normalized = normalizePath(filename);
  } catch {
    return 'invalid';
  }
  return normalized.includes('/') || normalized === '' || normalized !== filename.normalize('NFC') ? 'invalid' : normalized;
}

function outcome(filename: string): string | 'invalid' {
  try {
    return normalizeFilename(filename);
  } catch (error) {
    if (!isStowageError(error, 'STOWAGE_INVALID_PATH')) throw error;
    return 'invalid';
  }
}

t.test('plain ASCII names are kept as they are; everything else is checked the long way', async (t) => {
  t.equal(normalizeFilename('report 2026 (final).pdf'), 'report 2026 (final).pdf');
  t.equal(normalizeFilename('a'.repeat(255)), 'a'.repeat(255));
  for (const bad of ['.', '..', 'a/b', '/a', 'a\\b', 'a\u0000', '\u007f', 'a'.repeat(256), '']) t.equal(outcome(bad), 'invalid', JSON.stringify(bad));
  t.equal(normalizeFilename('café.txt'), 'café.txt');
  t.equal(normalizeFilename('cafe\u0301.txt'), 'café.txt', 'an NFD name comes back in NFC');
  t.throws(() => normalizeFilename(42), { code: 'STOWAGE_INVALID_PATH' });
});

t.test('property: the same answer as the definition, for ASCII, control and non-ASCII names', async (t) => {
  const unit = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    fc.constantFrom('/', '\\', '.', '\u0000', '\u001f', '\u007f', '\u0085', 'é', 'e\u0301', '\ud83d\ude00', '\ud800'),
  );
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 12, unit }), fc.constantFrom('.', '..', 'x'.repeat(255), 'x'.repeat(256))), (name) => {
      return outcome(name) === reference(name);
    }),
    { numRuns: 3000 },
  );
  t.pass('checked');
});
