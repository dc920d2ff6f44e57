// The harness's small statistics: medians, spreads, nearest-rank percentiles, ratios paired
// round by round, and the rounding used in the JSON and the tables.
import fc from 'fast-check';
import t from 'tap';
import { median, pairedRatios, percentile, round, spread } from '../lib/stats.mjs';

// Finite values in a range where the mean of two middle values cannot overflow.
const finite = fc.double({ min: -1e12, max: 1e12, noNaN: true, noDefaultInfinity: true });
const notFinite = fc.constantFrom(NaN, Infinity, -Infinity, null, undefined);

t.test('median takes the middle value of an odd count and the mean of the two middle values of an even one', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([7]), 7);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.equal(median([10, 2]), 6);
  t.equal(median([-5, -1, -3]), -3);
});

t.test('median sorts numerically and leaves its input alone', async (t) => {
  const values = [100, 9, 10];
  t.equal(median(values), 10, 'a string sort would pick 100');
  t.strictSame(values, [100, 9, 10]);
});

t.test('median ignores values that are not finite numbers and is null when none is left', async (t) => {
  t.equal(median([NaN, 5, Infinity, 1, null, -Infinity, undefined]), 3);
  t.equal(median([]), null);
  t.equal(median([NaN, null, Infinity]), null);
});

t.test('spread gives min, median, max and the count of the finite values', async (t) => {
  t.strictSame(spread([5, 1, NaN, 3, null]), { min: 1, median: 3, max: 5, n: 3 });
  t.strictSame(spread([2, 4]), { min: 2, median: 3, max: 4, n: 2 });
  t.strictSame(spread([]), { min: null, median: null, max: null, n: 0 });
  t.strictSame(spread([NaN, undefined, -Infinity]), { min: null, median: null, max: null, n: 0 });
});

t.test('percentile is the nearest rank: the smallest sample with at least p% of samples at or below it', async (t) => {
  const samples = [35, 20, 15, 50, 40];
  t.equal(percentile(samples, 30), 20);
  t.equal(percentile(samples, 40), 20);
  t.equal(percentile(samples, 41), 35);
  t.equal(percentile(samples, 50), 35);
  t.equal(percentile(samples, 100), 50);
  t.equal(percentile(samples, 0), 15, 'p0 is the smallest sample');
  t.strictSame(samples, [35, 20, 15, 50, 40], 'the input is not sorted in place');
});

t.test('percentile p50 and p99 on small arrays', async (t) => {
  t.equal(percentile([4, 1, 3, 2], 50), 2, 'a sample, not the mean of the middle two');
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99), 10);
  t.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  t.equal(percentile([8], 99), 8);
  t.equal(percentile([8], 50), 8);
  t.equal(percentile([10, 9, 100], 50), 10, 'sorted as numbers');
  t.equal(percentile([0.5, 12.25, 3], 99), 12.25);
});

t.test('percentile of no samples is null', async (t) => {
  t.equal(percentile([], 50), null);
  t.equal(percentile([], 99), null);
});

t.test('pairedRatios divides round by round: the median of ratios, not the ratio of medians', async (t) => {
  const numerator = [10, 20, 30];
  const denominator = [10, 40, 10];
  const r = pairedRatios(numerator, denominator);
  t.strictSame(r.values, [1, 0.5, 3]);
  t.strictSame({ min: r.min, median: r.median, max: r.max, n: r.n }, { min: 0.5, median: 1, max: 3, n: 3 });
  t.equal(median(numerator) / median(denominator), 2, 'the ratio of medians would say 2');
});

t.test('pairedRatios leaves out rounds with a missing or non-finite side or a denominator that is not positive', async (t) => {
  const r = pairedRatios([10, null, 30, 40, NaN, 5, 8, undefined, 6], [5, 10, 0, Infinity, 2, -5, null, 3, 3]);
  t.strictSame(r.values, [2, 2], 'only rounds 0 and 8 count');
  t.equal(r.n, 2);
  t.equal(r.median, 2);
  const none = pairedRatios([1, 2], [0, null]);
  t.strictSame(none, { min: null, median: null, max: null, n: 0, values: [] });
});

t.test('pairedRatios pairs only the rounds both sides have', async (t) => {
  t.strictSame(pairedRatios([1, 2, 3, 4], [1, 2]).values, [1, 1]);
  t.strictSame(pairedRatios([6], [2, 1, 1]).values, [3]);
  t.equal(pairedRatios([], [1, 2]).n, 0);
});

t.test('round keeps 3 significant digits below 100 and integers from 100', async (t) => {
  t.equal(round(1.23456), 1.23);
  t.equal(round(99.94), 99.9);
  t.equal(round(0.0012345), 0.00123);
  t.equal(round(12.345678), 12.3);
  t.equal(round(-1.23456), -1.23);
  t.equal(round(0), 0);
  t.equal(round(100), 100);
  t.equal(round(123.6), 124);
  t.equal(round(12345.4), 12345);
  t.equal(round(-1234.6), -1235);
  t.equal(round(99.96), 100, 'rounds up to the integer boundary');
});

t.test('round is null for anything that is not a finite number', async (t) => {
  for (const value of [null, undefined, NaN, Infinity, -Infinity]) t.equal(round(value), null, String(value));
});

t.test('property: min <= median <= max over the finite values, whatever else is mixed in', async (t) => {
  fc.assert(
    fc.property(fc.array(finite, { minLength: 1 }), fc.array(notFinite), (values, junk) => {
      const s = spread([...junk, ...values]);
      return s.n === values.length && s.min <= s.median && s.median <= s.max && s.median === median(values);
    }),
  );
  t.pass('held');
});

t.test('property: the median of a permutation is the same', async (t) => {
  const withPermutation = fc
    .array(fc.oneof(finite, notFinite))
    .chain((values) => fc.tuple(fc.constant(values), fc.shuffledSubarray(values, { minLength: values.length, maxLength: values.length })));
  fc.assert(fc.property(withPermutation, ([values, permuted]) => median(values) === median(permuted)));
  t.pass('held');
});

t.test('property: a side divided by itself, round by round, is 1 in every round', async (t) => {
  const positive = fc.double({ min: 1e-6, max: 1e9, noNaN: true });
  fc.assert(
    fc.property(fc.array(positive, { minLength: 1 }), (values) => {
      const r = pairedRatios(values, values);
      return r.n === values.length && r.median === 1 && r.values.every((v) => v === 1);
    }),
  );
  t.pass('held');
});

t.test('property: round keeps a value within half a unit of its last kept digit', async (t) => {
  fc.assert(
    fc.property(finite, (value) => {
      const r = round(value);
      const unit = Math.abs(value) >= 100 ? 1 : 10 ** (Math.floor(Math.log10(Math.abs(value) || 1)) - 2);
      return Math.abs(r - value) <= unit / 2 + Math.abs(value) * 1e-12;
    }),
  );
  t.pass('held');
});
