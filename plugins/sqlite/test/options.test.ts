import { resolve } from 'node:path';
import t from 'tap';
import { createSqliteCatalog, parseSqliteOptions } from '../src/index.js';

t.test('defaults are filled in, the file is made absolute, and the result is frozen', async (t) => {
  const options = parseSqliteOptions({ file: 'relative/catalog.db' });
  t.same(options, { file: resolve('relative/catalog.db'), busyTimeoutMs: 5000, readonly: false, scanPageSize: 256, writerThread: true });
  t.ok(Object.isFrozen(options));
});

t.test('given values are kept, and ":memory:" stays as it is', async (t) => {
  t.same(parseSqliteOptions({ file: '/srv/catalog.db', busyTimeoutMs: 0, readonly: true, scanPageSize: 1, writerThread: false }), {
    file: '/srv/catalog.db',
    busyTimeoutMs: 0,
    readonly: true,
    scanPageSize: 1,
    writerThread: false,
  });
  t.equal(parseSqliteOptions({ file: ':memory:' }).file, ':memory:');
});

t.test('each invalid field is rejected with INVALID_CONFIG naming it', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [undefined, /options/],
    [null, /options/],
    ['catalog.db', /options/],
    [{}, /file/],
    [{ file: '' }, /file/],
    [{ file: 'a\0b' }, /file/],
    [{ file: 5 }, /file/],
    [{ file: 'x.db', busyTimeoutMs: -1 }, /busyTimeoutMs/],
    [{ file: 'x.db', busyTimeoutMs: 1.5 }, /busyTimeoutMs/],
    [{ file: 'x.db', busyTimeoutMs: 2 ** 31 }, /busyTimeoutMs/],
    [{ file: 'x.db', busyTimeoutMs: '100' }, /busyTimeoutMs/],
    [{ file: 'x.db', readonly: 'yes' }, /readonly/],
    [{ file: ':memory:', readonly: true }, /readonly/],
    [{ file: 'x.db', scanPageSize: 0 }, /scanPageSize/],
    [{ file: 'x.db', scanPageSize: 100_001 }, /scanPageSize/],
    [{ file: 'x.db', scanPageSize: Number.NaN }, /scanPageSize/],
    [{ file: 'x.db', writerThread: 'yes' }, /writerThread/],
  ];
  for (const [input, field] of cases) {
    t.throws(() => parseSqliteOptions(input), { code: 'STOWAGE_INVALID_CONFIG', message: field }, JSON.stringify(input));
  }
});

t.test('createSqliteCatalog validates its options before opening anything', async (t) => {
  t.throws(() => createSqliteCatalog({ file: '' }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => createSqliteCatalog({ file: ':memory:', busyTimeoutMs: -5 }), { code: 'STOWAGE_INVALID_CONFIG' });
});
