import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Backend, ReadRange } from '@stowage/core';
import type { ConformanceCase } from '../case.js';
import { expectCode, patternBytes, readAll, withoutLeaks, writeFile } from '../support.js';

async function readRange(backend: Backend, path: string, range: ReadRange): Promise<{ offset: number; length: number; bytes: Buffer }> {
  const result = await backend.read(path, { range });
  const bytes = await readAll(result.stream);
  assert.equal(bytes.byteLength, result.length, 'the stream carries exactly `length` bytes');
  return { offset: result.offset, length: result.length, bytes };
}

async function assertRange(
  backend: Backend,
  content: Buffer,
  range: ReadRange,
  expected: { offset: number; length: number },
): Promise<void> {
  const got = await readRange(backend, 'file.bin', range);
  const label = JSON.stringify(range);
  assert.equal(got.offset, expected.offset, `offset of ${label}`);
  assert.equal(got.length, expected.length, `length of ${label}`);
  assert.ok(got.bytes.equals(content.subarray(expected.offset, expected.offset + expected.length)), `bytes of ${label}`);
}

const SIZE = 10_000;

/** The range family: offsets, lengths, suffixes, clamping, unsatisfiable ranges, exactness. */
export const rangeCases: readonly ConformanceCase[] = [
  {
    id: 'range/offset-length',
    name: 'a range with offset and length yields exactly those bytes',
    async run({ backend }) {
      const content = patternBytes(SIZE);
      await writeFile(backend, 'file.bin', content);
      await assertRange(backend, content, { offset: 0, length: 1 }, { offset: 0, length: 1 });
      await assertRange(backend, content, { offset: 100, length: 900 }, { offset: 100, length: 900 });
      await assertRange(backend, content, { offset: SIZE - 1, length: 1 }, { offset: SIZE - 1, length: 1 });
      await assertRange(backend, content, { offset: 0, length: SIZE }, { offset: 0, length: SIZE });
    },
  },
  {
    id: 'range/offset-only',
    name: 'a range with only an offset reads to the end',
    async run({ backend }) {
      const content = patternBytes(SIZE);
      await writeFile(backend, 'file.bin', content);
      await assertRange(backend, content, { offset: 0 }, { offset: 0, length: SIZE });
      await assertRange(backend, content, { offset: 9_000 }, { offset: 9_000, length: 1_000 });
      await assertRange(backend, content, { offset: SIZE - 1 }, { offset: SIZE - 1, length: 1 });
    },
  },
  {
    id: 'range/suffix',
    name: 'a suffix range yields the last bytes',
    async run({ backend }) {
      const content = patternBytes(SIZE);
      await writeFile(backend, 'file.bin', content);
      await assertRange(backend, content, { suffix: 1 }, { offset: SIZE - 1, length: 1 });
      await assertRange(backend, content, { suffix: 500 }, { offset: SIZE - 500, length: 500 });
    },
  },
  {
    id: 'range/clamp',
    name: 'a length past the end is clamped, and a suffix longer than the file yields the whole file',
    async run({ backend }) {
      const content = patternBytes(SIZE);
      await writeFile(backend, 'file.bin', content);
      await assertRange(backend, content, { offset: 9_990, length: 1_000 }, { offset: 9_990, length: 10 });
      await assertRange(backend, content, { offset: 0, length: Number.MAX_SAFE_INTEGER }, { offset: 0, length: SIZE });
      await assertRange(backend, content, { suffix: SIZE }, { offset: 0, length: SIZE });
      await assertRange(backend, content, { suffix: SIZE * 10 }, { offset: 0, length: SIZE });
    },
  },
  {
    id: 'range/unsatisfiable',
    name: 'an offset at or past the end rejects with RANGE_NOT_SATISFIABLE and the size in context',
    async run(context) {
      const { backend } = context;
      await writeFile(backend, 'file.bin', patternBytes(SIZE));
      await withoutLeaks(context, async () => {
        for (const range of [{ offset: SIZE }, { offset: SIZE, length: 1 }, { offset: SIZE * 2 }]) {
          const error = await expectCode(backend.read('file.bin', { range }), 'STOWAGE_RANGE_NOT_SATISFIABLE', JSON.stringify(range));
          assert.equal(error.context.size, SIZE, 'context.size');
        }
      });
      const zero = await expectCode(backend.read('file.bin', { range: { suffix: 0 } }), 'STOWAGE_RANGE_NOT_SATISFIABLE', 'zero suffix');
      assert.equal(zero.context.size, SIZE);
    },
  },
  {
    id: 'range/programmer-errors',
    name: 'negative, fractional and zero-length ranges are TypeErrors, never a guessed slice',
    async run({ backend }) {
      await writeFile(backend, 'file.bin', patternBytes(1000));
      for (const range of [{ offset: -10 }, { offset: 0, length: 0 }, { offset: 1.5 }, { offset: 0, length: 2.5 }, { suffix: -1 }]) {
        await assert.rejects(backend.read('file.bin', { range }), TypeError, JSON.stringify(range));
      }
    },
  },
  {
    id: 'range/empty-file',
    name: 'every range of an empty file rejects with RANGE_NOT_SATISFIABLE',
    async run({ backend }) {
      await backend.write('empty', []);
      for (const range of [{ offset: 0 }, { offset: 0, length: 1 }, { suffix: 1 }, { suffix: 0 }]) {
        const error = await expectCode(backend.read('empty', { range }), 'STOWAGE_RANGE_NOT_SATISFIABLE', JSON.stringify(range));
        assert.equal(error.context.size, 0);
      }
    },
  },
  {
    id: 'range/never-whole-file',
    name: 'a one-byte range deep inside a large file carries exactly one byte',
    async run({ backend, largeBytes }) {
      const size = Math.max(largeBytes, 3 * 1024 * 1024);
      const content = patternBytes(size, 13);
      await writeFile(backend, 'large.bin', content);
      const middle = Math.floor(size / 2) + 7;
      const got = await readRange(backend, 'large.bin', { offset: middle, length: 1 });
      assert.equal(got.bytes.byteLength, 1);
      assert.equal(got.bytes[0], content[middle]);
      const tail = await readRange(backend, 'large.bin', { suffix: 3 });
      assert.ok(tail.bytes.equals(content.subarray(size - 3)));
    },
  },
  {
    id: 'range/chunk-boundaries',
    name: 'ranges that start or end on either side of common chunk boundaries are exact',
    async run({ backend }) {
      const size = 2 * 1024 * 1024 + 3;
      const content = patternBytes(size, 17);
      await writeFile(backend, 'file.bin', content);
      for (const boundary of [16_384, 65_536, 262_144, 1_048_576]) {
        for (const offset of [boundary - 1, boundary, boundary + 1]) {
          for (const length of [1, boundary - 1, boundary, boundary + 1]) {
            const clamped = Math.min(length, size - offset);
            await assertRange(backend, content, { offset, length }, { offset, length: clamped });
          }
        }
      }
    },
  },
  {
    id: 'range/random',
    name: 'random ranges over a file match the same slice of its bytes',
    async run({ backend }) {
      const size = 300_000;
      const content = patternBytes(size, 19);
      await writeFile(backend, 'file.bin', content);
      const rangeArbitrary = fc.oneof(
        fc.record({ offset: fc.integer({ min: 0, max: size - 1 }), length: fc.integer({ min: 1, max: size + 10 }) }),
        fc.record({ offset: fc.integer({ min: 0, max: size - 1 }) }),
        fc.record({ suffix: fc.integer({ min: 1, max: size + 10 }) }),
      );
      await fc.assert(
        fc.asyncProperty(rangeArbitrary, async (range) => {
          const offset = 'suffix' in range ? Math.max(0, size - range.suffix) : range.offset;
          const end = 'suffix' in range ? size : Math.min(size, range.offset + ('length' in range ? range.length : size));
          await assertRange(backend, content, range, { offset, length: end - offset });
        }),
        { numRuns: 60, seed: 42 },
      );
    },
  },
];
