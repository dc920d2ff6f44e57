import fc from 'fast-check';
import t from 'tap';
import { cacheDirectivesFor, DEFAULT_PUBLIC_MAX_AGE_SECONDS, type CachePolicyOptions } from '../../src/policies/index.js';

const sha256 = 'ab'.repeat(32);
const createdAt = new Date('2026-03-04T05:06:07.890Z');

t.test('public entries are cacheable for a year and immutable', async (t) => {
  const directives = cacheDirectivesFor({ visibility: 'public', sha256, createdAt });
  t.same(directives, {
    cacheControl: 'public, max-age=31536000, immutable',
    etag: `"${sha256}"`,
    lastModified: new Date('2026-03-04T05:06:07.000Z'),
    immutable: true,
  });
  t.ok(Object.isFrozen(directives));
  t.equal(DEFAULT_PUBLIC_MAX_AGE_SECONDS, 31_536_000);
});

t.test('private entries are never stored by caches, and keep a strong ETag', async (t) => {
  t.same(cacheDirectivesFor({ visibility: 'private', sha256, createdAt }, { publicMaxAgeSeconds: 60 }), {
    cacheControl: 'private, no-store',
    etag: `"${sha256}"`,
    lastModified: new Date('2026-03-04T05:06:07.000Z'),
    immutable: false,
  });
});

t.test('the public max age is configurable, and 0 means revalidate every time', async (t) => {
  t.equal(cacheDirectivesFor({ visibility: 'public', sha256, createdAt }, { publicMaxAgeSeconds: 600 }).cacheControl, 'public, max-age=600, immutable');
  t.same(cacheDirectivesFor({ visibility: 'public', sha256, createdAt }, { publicMaxAgeSeconds: 0 }), {
    cacheControl: 'public, no-cache',
    etag: `"${sha256}"`,
    lastModified: new Date('2026-03-04T05:06:07.000Z'),
    immutable: false,
  });
  t.equal(cacheDirectivesFor({ visibility: 'public', sha256, createdAt }, { publicMaxAgeSeconds: 2_147_483_648 }).cacheControl, 'public, max-age=2147483648, immutable');
});

t.test('invalid max ages are STOWAGE_INVALID_CONFIG', async (t) => {
  for (const publicMaxAgeSeconds of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2_147_483_649, '60', null]) {
    t.throws(
      () => cacheDirectivesFor({ visibility: 'public', sha256, createdAt }, { publicMaxAgeSeconds } as unknown as CachePolicyOptions),
      { code: 'STOWAGE_INVALID_CONFIG' },
      String(publicMaxAgeSeconds),
    );
  }
  t.throws(() => cacheDirectivesFor({ visibility: 'private', sha256, createdAt }, { publicMaxAgeSeconds: -1 }), { code: 'STOWAGE_INVALID_CONFIG' }, 'validated for private entries too');
  t.throws(() => cacheDirectivesFor({ visibility: 'public', sha256, createdAt }, null as unknown as CachePolicyOptions), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.test('a malformed entry is a TypeError', async (t) => {
  t.throws(() => cacheDirectivesFor({ visibility: 'public', sha256: 'AB'.repeat(32), createdAt }), TypeError);
  t.throws(() => cacheDirectivesFor({ visibility: 'public', sha256: `${sha256.slice(1)}"`, createdAt }), TypeError);
  t.throws(() => cacheDirectivesFor({ visibility: 'public', sha256, createdAt: new Date(Number.NaN) }), TypeError);
  t.throws(() => cacheDirectivesFor({ visibility: 'public', sha256, createdAt: '2026-01-01' as unknown as Date }), TypeError);
  t.throws(() => cacheDirectivesFor({ visibility: 'internal' as 'public', sha256, createdAt }), TypeError);
});

t.test('for any entry: a strong quoted ETag, Last-Modified on a whole second not after createdAt', async () => {
  fc.assert(
    fc.property(
      fc.constantFrom('public' as const, 'private' as const),
      fc.stringMatching(/^[0-9a-f]{64}$/),
      fc.date({ noInvalidDate: true }),
      fc.option(fc.integer({ min: 0, max: 2_147_483_648 }), { nil: undefined }),
      (visibility, hash, date, maxAge) => {
        const d = cacheDirectivesFor({ visibility, sha256: hash, createdAt: date }, maxAge === undefined ? {} : { publicMaxAgeSeconds: maxAge });
        const ms = d.lastModified.getTime();
        const cacheable = visibility === 'public' && maxAge !== 0;
        return (
          d.etag === `"${hash}"` &&
          ms % 1000 === 0 &&
          ms <= date.getTime() &&
          date.getTime() - ms < 1000 &&
          d.immutable === cacheable &&
          d.cacheControl.includes('immutable') === cacheable &&
          (visibility === 'private') === (d.cacheControl === 'private, no-store')
        );
      },
    ),
  );
});
