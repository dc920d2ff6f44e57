import fc from 'fast-check';
import t from 'tap';
import { isStowageError, parseRangeHeader, resolveReadRange, type ReadRange } from '../src/index.js';

function unsatisfiable(range: ReadRange, size: number): boolean {
  try {
    resolveReadRange(range, size);
    return false;
  } catch (error) {
    return isStowageError(error, 'STOWAGE_RANGE_NOT_SATISFIABLE') && error.context.size === size;
  }
}

t.test('no range is the whole file', async (t) => {
  t.same(resolveReadRange(undefined, 10), { offset: 0, length: 10 });
  t.same(resolveReadRange(undefined, 0), { offset: 0, length: 0 });
});

t.test('offset and length resolve exactly, clamped to the end', async (t) => {
  t.same(resolveReadRange({ offset: 2, length: 3 }, 10), { offset: 2, length: 3 });
  t.same(resolveReadRange({ offset: 2 }, 10), { offset: 2, length: 8 });
  t.same(resolveReadRange({ offset: 8, length: 100 }, 10), { offset: 8, length: 2 });
  t.same(resolveReadRange({ offset: 9, length: 1 }, 10), { offset: 9, length: 1 });
});

t.test('suffixes take the last bytes, the whole file when longer', async (t) => {
  t.same(resolveReadRange({ suffix: 3 }, 10), { offset: 7, length: 3 });
  t.same(resolveReadRange({ suffix: 10 }, 10), { offset: 0, length: 10 });
  t.same(resolveReadRange({ suffix: 11 }, 10), { offset: 0, length: 10 });
});

t.test('unsatisfiable ranges reject with RANGE_NOT_SATISFIABLE and the size', async (t) => {
  t.ok(unsatisfiable({ offset: 10 }, 10));
  t.ok(unsatisfiable({ offset: 11, length: 1 }, 10));
  t.ok(unsatisfiable({ suffix: 0 }, 10));
  t.ok(unsatisfiable({ offset: 0 }, 0));
  t.ok(unsatisfiable({ suffix: 5 }, 0));
});

t.test('malformed ranges are TypeErrors', async (t) => {
  t.throws(() => resolveReadRange({ offset: -1 }, 10), TypeError);
  t.throws(() => resolveReadRange({ offset: 1.5 }, 10), TypeError);
  t.throws(() => resolveReadRange({ offset: 0, length: 0 }, 10), TypeError);
  t.throws(() => resolveReadRange({ suffix: -1 }, 10), TypeError);
  t.throws(() => resolveReadRange({ offset: Number.NaN }, 10), TypeError);
});

t.test('property: a resolved range lies inside the file and matches the model', async () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.oneof(
        fc.record({ offset: fc.integer({ min: 0, max: 1200 }), length: fc.integer({ min: 1, max: 1200 }) }),
        fc.record({ offset: fc.integer({ min: 0, max: 1200 }) }),
        fc.record({ suffix: fc.integer({ min: 0, max: 1200 }) }),
      ),
      (size, range) => {
        const start = 'suffix' in range ? Math.max(0, size - range.suffix) : range.offset;
        const end = 'suffix' in range ? size : Math.min(size, range.offset + ('length' in range ? range.length : size));
        const satisfiable = 'suffix' in range ? range.suffix > 0 && size > 0 : range.offset < size;
        if (!satisfiable) {
          if (!unsatisfiable(range, size)) throw new Error('expected unsatisfiable');
          return;
        }
        const resolved = resolveReadRange(range, size);
        if (resolved.offset !== start || resolved.length !== end - start) throw new Error('wrong range');
        if (resolved.length < 1 || resolved.offset + resolved.length > size) throw new Error('outside the file');
      },
    ),
    { numRuns: 3000 },
  );
});

t.test('Range headers follow send: single, suffix, open-ended', async (t) => {
  t.same(parseRangeHeader('bytes=0-99', 1000), { kind: 'single', range: { offset: 0, length: 100 } });
  t.same(parseRangeHeader('bytes=-100', 1000), { kind: 'single', range: { offset: 900, length: 100 } });
  t.same(parseRangeHeader('bytes=990-', 1000), { kind: 'single', range: { offset: 990, length: 10 } });
  t.same(parseRangeHeader('bytes=990-5000', 1000), { kind: 'single', range: { offset: 990, length: 10 } });
});

t.test('absent, malformed, foreign-unit and over-long Range headers are ignored', async (t) => {
  for (const header of [undefined, '', 'bytes', 'bytes=abc', 'bytes=1-x', 'items=0-1', `bytes=${'0-0,'.repeat(400)}0-0`]) {
    t.same(parseRangeHeader(header, 1000), { kind: 'none' }, JSON.stringify(header?.slice(0, 20)));
  }
});

t.test('overlapping ranges are combined; several disjoint ones mean the whole body', async (t) => {
  t.same(parseRangeHeader(`bytes=${Array.from({ length: 100 }, () => '0-0').join(',')}`, 1000), {
    kind: 'single',
    range: { offset: 0, length: 1 },
  });
  t.same(parseRangeHeader('bytes=0-10,5-20', 1000), { kind: 'single', range: { offset: 0, length: 21 } });
  t.same(parseRangeHeader('bytes=0-1,10-11', 1000), { kind: 'multiple' });
});

t.test('ranges starting past the end are unsatisfiable, also on empty files', async (t) => {
  t.same(parseRangeHeader('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  t.same(parseRangeHeader('bytes=99999999999-', 1000), { kind: 'unsatisfiable' });
  t.same(parseRangeHeader('bytes=0-', 0), { kind: 'unsatisfiable' });
  t.same(parseRangeHeader('bytes=-0', 1000), { kind: 'unsatisfiable' });
});
