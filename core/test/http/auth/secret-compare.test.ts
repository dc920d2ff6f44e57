import fc from 'fast-check';
import t from 'tap';
import { comparisonDigest, findDigest, secretsEqual } from '../../../src/http/auth/secret-compare.js';

t.test('digests have one length whatever the input, so nothing leaks the secret length', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 5000 }), (value) => comparisonDigest(value).length === 32),
  );
});

t.test('secretsEqual is equality, including values of different lengths', async (t) => {
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => secretsEqual(a, b) === (a === b)));
  t.ok(secretsEqual('same', 'same'));
  t.notOk(secretsEqual('short', 'much longer value'));
});

t.test('findDigest finds the one match at any position and -1 otherwise', async (t) => {
  const known = ['one', 'two', 'three'].map((value) => comparisonDigest(value));
  t.equal(findDigest(known, comparisonDigest('one')), 0);
  t.equal(findDigest(known, comparisonDigest('three')), 2);
  t.equal(findDigest(known, comparisonDigest('four')), -1);
  t.equal(findDigest([], comparisonDigest('one')), -1);
});
